// Pure recall-range math (Arweave 2.6): which weave bytes each nonce of the two recall ranges reads,
// grouped into runs of consecutive slots of one partition (one sequential read and one native hash
// call each). The starts are computed with exact bigint arithmetic here, independently of the native
// recallRangeStarts the hot path uses, so the solution check can compare the two.
import { CHUNK_BYTES_BIG, slotOfByte, type PartitionGeometry } from "../storage/layout.ts";

export interface RangeRun {
  partition: number;
  /** First slot in that partition. */
  firstSlot: number;
  /** Nonce of the first slot; nonces of a run are consecutive. */
  firstNonce: number;
  count: number;
}

/** r1 = p * size + (u64be(h0[0..8]) mod min(size, PUB)); r2 = u256be(h0) mod PUB. */
export function recallStarts(h0: Uint8Array, partition: number, upperBound: bigint, partitionSizeBytes: bigint): { r1: bigint; r2: bigint } {
  const h = Buffer.from(h0);
  const first8 = h.readBigUInt64BE(0);
  const whole = BigInt(`0x${h.toString("hex")}`);
  const span = partitionSizeBytes < upperBound ? partitionSizeBytes : upperBound;
  return { r1: BigInt(partition) * partitionSizeBytes + (first8 % span), r2: whole % upperBound };
}

/** Byte read by `nonce` of a range starting at `start`. */
export function nonceByte(start: bigint, nonce: number): bigint {
  return start + BigInt(nonce) * CHUNK_BYTES_BIG;
}

/** Splits a range of `chunks` nonces into per-partition runs of consecutive slots. */
export function rangeRuns(start: bigint, chunks: number, partitionSizeBytes: bigint): RangeRun[] {
  const runs: RangeRun[] = [];
  for (let nonce = 0; nonce < chunks; nonce += 1) {
    const byte = nonceByte(start, nonce);
    const partition = Number(byte / partitionSizeBytes);
    const slot = slotOfByte({ partition, partitionSizeBytes }, byte);
    if (slot === undefined) continue;
    const last = runs.at(-1);
    if (last !== undefined && last.partition === partition && last.firstSlot + last.count === slot && last.firstNonce + last.count === nonce) last.count += 1;
    else runs.push({ partition, firstSlot: slot, firstNonce: nonce, count: 1 });
  }
  return runs;
}

/** Sub-runs of the nonces that `usable` accepts (a missing chunk, or a nonce without H1, cannot be hashed). */
export function usableSubRuns(run: RangeRun, usable: (slot: number, nonce: number) => boolean): RangeRun[] {
  const out: RangeRun[] = [];
  for (let i = 0; i < run.count; i += 1) {
    if (!usable(run.firstSlot + i, run.firstNonce + i)) continue;
    const last = out.at(-1);
    if (last !== undefined && last.firstSlot + last.count === run.firstSlot + i) last.count += 1;
    else out.push({ partition: run.partition, firstSlot: run.firstSlot + i, firstNonce: run.firstNonce + i, count: 1 });
  }
  return out;
}

/** Partitions eligible for mining under an upper bound: p <= max(0, PUB div size - 1). */
export function minablePartitionMax(upperBound: bigint, partitionSizeBytes: bigint): number {
  const q = upperBound / partitionSizeBytes;
  return Number(q > 0n ? q - 1n : 0n);
}

export function geometryOf(partition: number, partitionSizeBytes: bigint): PartitionGeometry {
  return { partition, partitionSizeBytes };
}
