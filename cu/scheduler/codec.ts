// How a scheduled entry is stored in JetStream: headers carry the nonce (readable without parsing),
// the body is u32be(assignment length) ‖ signed assignment item ‖ the message item (both ANS-104).
import { parseDataItem, readAssignment, type DataItem } from "../../protocol/ao/index.ts";
import type { ScheduledEntry } from "../compute/stores.ts";
import { CorruptLogError } from "../errors.ts";

const lengthPrefixBytes = 4;

export function encodeEntry(assignment: DataItem, message: DataItem): Uint8Array {
  const out = new Uint8Array(lengthPrefixBytes + assignment.bytes.length + message.bytes.length);
  new DataView(out.buffer).setUint32(0, assignment.bytes.length);
  out.set(assignment.bytes, lengthPrefixBytes);
  out.set(message.bytes, lengthPrefixBytes + assignment.bytes.length);
  return out;
}

export function decodeEntry(body: Uint8Array): ScheduledEntry {
  if (body.length < lengthPrefixBytes) throw new CorruptLogError(`entry of ${body.length} bytes`);
  const assignmentBytes = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0);
  const end = lengthPrefixBytes + assignmentBytes;
  if (end > body.length) throw new CorruptLogError(`assignment length ${assignmentBytes} past the entry's end`);
  try {
    // Both items were verified before they were written; only the structure is re-checked here.
    const assignment = parseDataItem(body.slice(lengthPrefixBytes, end));
    const message = parseDataItem(body.slice(end));
    return { assignmentId: assignment.id, assignment: readAssignment(assignment.tags), message };
  } catch (err) {
    throw new CorruptLogError(`undecodable scheduled entry: ${(err as Error).message}`, { cause: err });
  }
}
