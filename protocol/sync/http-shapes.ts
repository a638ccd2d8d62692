// Shapes and bounds shared by the JSON and binary HTTP codecs.
import { DATA_CHUNK_SIZE_BYTES, MAX_PATH_SIZE_BYTES } from "./constants.ts";
import { BadIntervalsError, BadLengthError, PayloadTooLargeError } from "./errors.ts";
import type { ChunkPacking } from "./wire.ts";

/** Base64url characters for n bytes, unpadded. */
function b64Chars(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** A /chunk JSON body: three b64url fields at their limits plus keys, packing and offsets. */
export const CHUNK_JSON_BODY_BYTES_MAX = b64Chars(DATA_CHUNK_SIZE_BYTES) + 2 * b64Chars(MAX_PATH_SIZE_BYTES) + 1024;
/** A block header JSON (1000 tx ids, PoA chunks, VDF checkpoints) stays well under this. */
export const BLOCK_JSON_BYTES_MAX = 8 * 1024 * 1024;
/** Most txs in one block (?BLOCK_TX_COUNT_LIMIT). */
export const BLOCK_TX_COUNT_MAX = 1000;
/** Most heights one /block_index/{from}/{to} range may return. */
export const BLOCK_INDEX_RANGE_ENTRIES_MAX = 10_000;
/** Most intervals one /data_sync_record reply carries. */
export const SYNC_RECORD_INTERVALS_MAX = 10_000;
/** Block (indep) hash size. */
export const BLOCK_HASH_BYTES = 48;
export const TX_ID_BYTES = 32;

export interface ChunkReply {
  /** Unpacked: exactly the chunk; packed: always 256 KiB. */
  readonly chunk: Uint8Array;
  readonly txPath: Uint8Array;
  readonly dataPath: Uint8Array;
  readonly packing: ChunkPacking;
  /** HEAD JSON: "absolute_end_offset" (the unpadded end), when the peer knows it. */
  readonly absoluteEndOffset?: bigint | undefined;
  /** HEAD JSON: "chunk_size" (the unpacked size). */
  readonly chunkSize?: bigint | undefined;
}

/** The client rejects an empty chunk or one over 256 KiB; a packed chunk is always exactly 256 KiB. */
export function assertChunkLength(chunk: Uint8Array, packing: ChunkPacking): void {
  if (chunk.length === 0 || chunk.length > DATA_CHUNK_SIZE_BYTES) {
    throw new BadLengthError("chunk", `${chunk.length} bytes; expected 1..${DATA_CHUNK_SIZE_BYTES}`);
  }
  if (packing.kind !== "unpacked" && chunk.length !== DATA_CHUNK_SIZE_BYTES) {
    throw new BadLengthError("chunk", `a ${packing.kind} chunk must be ${DATA_CHUNK_SIZE_BYTES} bytes`);
  }
}

/** Both paths of a reply fit MAX_PATH_SIZE_BYTES. */
export function assertPathLength(path: Uint8Array, field: string): void {
  if (path.length > MAX_PATH_SIZE_BYTES) {
    throw new PayloadTooLargeError(field, `${path.length} bytes, over ${MAX_PATH_SIZE_BYTES}`);
  }
}

export interface BlockIndexEntry {
  readonly hash: Uint8Array;
  /** weave_size after the block. */
  readonly weaveSize: bigint;
  /** Empty for a block without txs, else 32 bytes. */
  readonly txRoot: Uint8Array;
}

/** A synced range: 0-based bytes [start, end), i.e. 1-based (start, end]. */
export interface SyncInterval {
  readonly end: bigint;
  readonly start: bigint;
}

/**
 * Largest end first; end > start; each end strictly below the previous interval's start
 * (ar_intervals:from_etf/3 - touching intervals would have been merged).
 */
export function assertSyncIntervals(intervals: readonly SyncInterval[]): void {
  if (intervals.length > SYNC_RECORD_INTERVALS_MAX) {
    throw new BadIntervalsError(`${intervals.length} intervals, over ${SYNC_RECORD_INTERVALS_MAX}`);
  }
  let previousStart: bigint | undefined;
  for (const { end, start } of intervals) {
    if (!(end > start && start >= 0n)) throw new BadIntervalsError(`interval (${start}, ${end}] is empty`);
    if (previousStart !== undefined && end >= previousStart) {
      throw new BadIntervalsError(`interval (${start}, ${end}] overlaps or is out of order`);
    }
    previousStart = start;
  }
}
