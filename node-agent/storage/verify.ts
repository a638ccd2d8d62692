// `verify`: re-checks stored slots from disk, independently of how they were written: the packed
// bytes' hash, then unpack and compare with the chunk id, then the full chunk proof against the
// stored block range's tx_root.
import { createHash } from "node:crypto";
import { sync } from "../../protocol/index.ts";
import type { Packer } from "../packing/packer.ts";
import { CHUNK_BYTES } from "./layout.ts";
import type { StorageModule } from "./module.ts";
import type { ChunkRecord } from "./records.ts";

export type VerifyFailureReason = "packed-hash" | "no-block" | "unpack" | "chunk-id" | "no-proofs" | "proof";

export interface VerifyReport {
  partition: number;
  checked: number;
  failures: { slot: number; reason: VerifyFailureReason; detail: string }[];
}

export interface VerifyOptions {
  fromSlot?: number;
  toSlot?: number;
  rules: sync.DataPathRules;
}

export async function verifyModule(module: StorageModule, packer: Packer, opts: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { partition: module.opts.partition, checked: 0, failures: [] };
  const slotBytes = Buffer.alloc(CHUNK_BYTES);
  for await (const record of module.records(opts.fromSlot, opts.toSlot)) {
    report.checked += 1;
    await module.readSlots(record.slot, 1, slotBytes);
    const failure = await verifySlot(module, packer, record, slotBytes, opts.rules);
    if (failure !== undefined) report.failures.push({ slot: record.slot, ...failure });
  }
  return report;
}

/** Re-checks the given slots (those not stored are skipped): what the background sampler runs. */
export async function verifySlots(module: StorageModule, packer: Packer, slots: readonly number[], rules: sync.DataPathRules): Promise<VerifyReport> {
  const report: VerifyReport = { partition: module.opts.partition, checked: 0, failures: [] };
  const slotBytes = Buffer.alloc(CHUNK_BYTES);
  for (const slot of slots) {
    const record = await module.get(slot);
    if (record === undefined) continue;
    report.checked += 1;
    await module.readSlots(slot, 1, slotBytes);
    const failure = await verifySlot(module, packer, record, slotBytes, rules);
    if (failure !== undefined) report.failures.push({ slot, ...failure });
  }
  return report;
}

async function verifySlot(
  module: StorageModule,
  packer: Packer,
  record: ChunkRecord,
  packed: Buffer,
  rules: sync.DataPathRules,
): Promise<{ reason: VerifyFailureReason; detail: string } | undefined> {
  if (!createHash("sha256").update(packed).digest().equals(record.packedHash)) return { reason: "packed-hash", detail: "bytes on disk changed" };
  const block = await module.blockAt(record.absoluteEnd - 1n);
  if (block === undefined) return { reason: "no-block", detail: `no block range for end ${record.absoluteEnd}` };
  let chunk: Buffer;
  try {
    chunk = await packer.unpack(record.absoluteEnd, block.txRoot, module.opts.miningAddress, packed, record.chunkSize);
  } catch (err) {
    return { reason: "unpack", detail: String((err as Error).message) };
  }
  if (!createHash("sha256").update(chunk).digest().equals(Buffer.from(record.chunkId))) {
    return { reason: "chunk-id", detail: "unpacked bytes do not hash to the chunk id" };
  }
  const proofs = await module.proofs(record.slot);
  if (proofs === undefined) return { reason: "no-proofs", detail: "no stored proofs" };
  const result = sync.validateChunkProof(
    {
      txRoot: block.txRoot,
      blockStart: block.start,
      blockSize: block.end - block.start,
      requestedOffset: record.absoluteEnd,
      bucketBased: false,
      txPath: proofs.txPath,
      dataPath: proofs.dataPath,
      rules,
    },
    chunk,
  );
  if (!result.ok) return { reason: "proof", detail: `${result.error.code}: ${result.error.message}` };
  if (result.value.absoluteEnd !== record.absoluteEnd) return { reason: "proof", detail: `proof ends at ${result.value.absoluteEnd}` };
  return undefined;
}
