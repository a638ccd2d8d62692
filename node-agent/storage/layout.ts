// Pure placement math of a storage module: which 256 KiB slot of a partition holds a chunk, and
// where that slot lives on disk. A slot is addressed by the chunk's bucket end, never by the order
// in which chunks arrive, so a restarted or repeated sync always writes a chunk to the same place.
import { sync } from "../../protocol/index.ts";

export const CHUNK_BYTES = 262_144;
export const CHUNK_BYTES_BIG = 262_144n;

export interface PartitionGeometry {
  /** Partition number (mainnet: byte offset / 3.6 TB). */
  readonly partition: number;
  readonly partitionSizeBytes: bigint;
}

/** Directory name of a module, as the reference names them: storage_module_{index}_{address}. */
export function moduleDirName(partition: number, addressB64Url: string): string {
  return `storage_module_${partition}_${addressB64Url}`;
}

export function partitionStart(g: PartitionGeometry): bigint {
  return BigInt(g.partition) * g.partitionSizeBytes;
}

export function partitionEnd(g: PartitionGeometry): bigint {
  return partitionStart(g) + g.partitionSizeBytes;
}

/** Slots of a partition: one per bucket end in (start, end]. */
export function slotCount(g: PartitionGeometry): number {
  return Number((g.partitionSizeBytes + CHUNK_BYTES_BIG - 1n) / CHUNK_BYTES_BIG);
}

/**
 * The 256 KiB bucket a chunk is stored under: above the strict-data-split threshold the protocol's
 * padded end; below it the 256 KiB grid from 0. Since fork 2.5 every block starts on that grid, so
 * post-2.5 chunks below the threshold get one bucket each as well.
 */
export function bucketEnd(absoluteEnd: bigint): bigint {
  if (absoluteEnd > sync.STRICT_DATA_SPLIT_THRESHOLD_BYTES) return sync.bucketEndOffset(absoluteEnd);
  return ((absoluteEnd + CHUNK_BYTES_BIG - 1n) / CHUNK_BYTES_BIG) * CHUNK_BYTES_BIG;
}

/** Slot j holds the bucket ending in (start + j*C, start + (j+1)*C]; undefined outside the partition. */
export function slotOfBucketEnd(g: PartitionGeometry, end: bigint): number | undefined {
  const start = partitionStart(g);
  if (end <= start || end > partitionEnd(g)) return undefined;
  return Number((end - 1n - start) / CHUNK_BYTES_BIG);
}

/** Slot whose chunk contains 0-based weave byte b (the chunk a recall byte selects). */
export function slotOfByte(g: PartitionGeometry, byte: bigint): number | undefined {
  return slotOfBucketEnd(g, bucketEnd(byte + 1n));
}

/** 1-based offset to request for a slot: its bucket's first byte (bucket-based above the threshold). */
export function requestOffsetOfSlot(g: PartitionGeometry, slot: number): bigint {
  return partitionStart(g) + BigInt(slot) * CHUNK_BYTES_BIG + 1n;
}

export interface SlotLocation {
  /** Index of the chunk file (slots [file*chunksPerFile, (file+1)*chunksPerFile)). */
  readonly file: number;
  readonly byteOffset: number;
}

export function slotLocation(slot: number, chunksPerFile: number): SlotLocation {
  return { file: Math.floor(slot / chunksPerFile), byteOffset: (slot % chunksPerFile) * CHUNK_BYTES };
}

/** Runs of consecutive slots that stay inside one file: one sequential read (or write) each. */
export function fileRuns(firstSlot: number, count: number, chunksPerFile: number): { slot: number; count: number }[] {
  const runs: { slot: number; count: number }[] = [];
  let slot = firstSlot;
  const end = firstSlot + count;
  while (slot < end) {
    const fileEnd = (Math.floor(slot / chunksPerFile) + 1) * chunksPerFile;
    const n = Math.min(end, fileEnd) - slot;
    runs.push({ slot, count: n });
    slot += n;
  }
  return runs;
}
