// Weave placement math: 256 KiB buckets above the strict-data-split threshold, the bucket a 1-based
// request offset seeks to, the data_path ruleset for a block, and the block containing a byte.
// All weave offsets are bigint: they are u256 on the wire, a peer may send any value, and sums of
// offsets must stay exact past 2^53.
import {
  DATA_CHUNK_SIZE_BYTES_BIG,
  MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES,
  STRICT_DATA_SPLIT_THRESHOLD_BYTES,
} from "./constants.ts";
import { BadArgumentError } from "./errors.ts";
import type { PathRuleset } from "./validate-path.ts";

/**
 * Smallest threshold + k*256KiB that is >= offset (ar_poa:get_padded_offset/2). Only meaningful
 * above the threshold; at or below it there are no buckets and the offset is returned unchanged.
 */
export function paddedOffset(offset: bigint, threshold = STRICT_DATA_SPLIT_THRESHOLD_BYTES): bigint {
  if (offset <= threshold) return offset;
  const chunk = DATA_CHUNK_SIZE_BYTES_BIG;
  return threshold + ((offset - threshold + chunk - 1n) / chunk) * chunk;
}

/**
 * The bucket end a chunk is stored and served under: padded(absolute end) above the threshold, the
 * plain end below it. The packing key uses the unpadded end instead.
 */
export function bucketEndOffset(absoluteEnd: bigint): bigint {
  return paddedOffset(absoluteEnd);
}

/**
 * First byte (1-based) of the bucket holding the 1-based offset o, for o above the threshold
 * (ar_data_sync:get_chunk_seek_offset/1); below it, o itself.
 */
export function bucketSeekOffset(offset1Based: bigint): bigint {
  if (offset1Based <= STRICT_DATA_SPLIT_THRESHOLD_BYTES) return offset1Based;
  return paddedOffset(offset1Based) - DATA_CHUNK_SIZE_BYTES_BIG + 1n;
}

/** Which generation of consensus rules checks data paths: 2.6.x, or HEAD (2.7+ with rebases). */
export type DataPathRules = "2.6" | "head";

/**
 * Data path ruleset chosen by the block's start offset (2.6 ar_poa:validate/1,
 * HEAD ar_poa:get_data_path_validation_ruleset/3). The tx_path always uses "basic".
 */
export function dataPathRulesetFor(blockStart: bigint, rules: DataPathRules): PathRuleset {
  if (rules === "head" && blockStart >= MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES) return "offset_rebase_support";
  if (blockStart < STRICT_DATA_SPLIT_THRESHOLD_BYTES) return "strict_borders";
  return rules === "head" ? "strict_data_split" : "strict_data_split_2_6";
}

export interface BlockBoundsEntry {
  /** weave_size after this block. */
  readonly weaveSize: bigint;
  readonly txRoot: Uint8Array;
}

export interface BlockBounds<T extends BlockBoundsEntry> {
  readonly block: T;
  /** Index of the block in the input (oldest first). */
  readonly index: number;
  /** 0-based first byte: the previous block's weave_size. */
  readonly blockStart: bigint;
  /** Exclusive end: this block's weave_size. */
  readonly blockEnd: bigint;
}

function assertAscending(blocks: readonly BlockBoundsEntry[]): void {
  for (let i = 1; i < blocks.length; i += 1) {
    if ((blocks[i] as BlockBoundsEntry).weaveSize < (blocks[i - 1] as BlockBoundsEntry).weaveSize) {
      throw new BadArgumentError("block index entries must be oldest first (weave sizes not decreasing)");
    }
  }
}

/**
 * The block holding 0-based byte `byte`: the first block by height whose weave_size > byte
 * (ar_block_index:get_block_bounds/1); empty blocks never match. `blocks` is oldest first and
 * `previousWeaveSize` is the weave_size before its first entry (0 from genesis).
 * Returns undefined when the byte is outside the covered range.
 */
export function findContainingBlock<T extends BlockBoundsEntry>(
  blocks: readonly T[],
  byte: bigint,
  previousWeaveSize = 0n,
): BlockBounds<T> | undefined {
  assertAscending(blocks);
  if (byte < previousWeaveSize) return undefined;
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((blocks[middle] as T).weaveSize > byte) high = middle;
    else low = middle + 1;
  }
  const block = blocks[low];
  if (block === undefined) return undefined;
  const blockStart = low === 0 ? previousWeaveSize : (blocks[low - 1] as T).weaveSize;
  return { block, index: low, blockStart, blockEnd: block.weaveSize };
}
