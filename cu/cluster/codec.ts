// The pod-to-pod gRPC payload, hand-written instead of protobuf: u32be(header length) ‖ UTF-8 JSON
// header ‖ raw payload bytes. JSON carries the small structured part (ids, results); the payload
// carries bulk bytes (memory images) without base64.
import { BadFrameError } from "../errors.ts";

export interface Frame {
  readonly header: unknown;
  readonly payload?: Uint8Array;
}

const headerLengthBytes = 4;

export function encodeFrame(frame: Frame): Buffer {
  const header = Buffer.from(JSON.stringify(frame.header ?? null), "utf8");
  const payload = frame.payload ?? new Uint8Array(0);
  const out = Buffer.allocUnsafe(headerLengthBytes + header.length + payload.length);
  out.writeUInt32BE(header.length, 0);
  header.copy(out, headerLengthBytes);
  out.set(payload, headerLengthBytes + header.length);
  return out;
}

export function decodeFrame(bytes: Buffer): Frame {
  if (bytes.length < headerLengthBytes) throw new BadFrameError(`${bytes.length} bytes`);
  const headerEnd = headerLengthBytes + bytes.readUInt32BE(0);
  if (headerEnd > bytes.length) throw new BadFrameError(`header length past the end (${headerEnd} > ${bytes.length})`);
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(headerLengthBytes, headerEnd).toString("utf8"));
  } catch (err) {
    throw new BadFrameError("header is not JSON", { cause: err });
  }
  return { header, payload: new Uint8Array(bytes.subarray(headerEnd)) };
}
