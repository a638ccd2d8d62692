// Protocol constants for chunk sync and proofs (arweave ar.hrl / ar_consensus.hrl, mainnet values).
// Offsets into the weave are u256 on the wire, so every weave offset here is a bigint; byte sizes of
// single buffers (chunks, hashes, paths) stay plain numbers.

/** Size of a full data chunk and of a storage bucket (?DATA_CHUNK_SIZE). */
export const DATA_CHUNK_SIZE_BYTES = 262_144;
/** The same value as a bigint, for offset arithmetic. */
export const DATA_CHUNK_SIZE_BYTES_BIG = 262_144n;

/** SHA-256 output: chunk ids, data roots, tx roots, Merkle node ids (?HASH_SIZE). */
export const HASH_SIZE_BYTES = 32;
/** An offset note inside a Merkle path: u256 big-endian (?NOTE_SIZE). */
export const NOTE_SIZE_BYTES = 32;
/** Branch segment of a path: left_id || right_id || u256be(mid). */
export const BRANCH_SEGMENT_BYTES = HASH_SIZE_BYTES * 2 + NOTE_SIZE_BYTES;
/** Leaf segment of a path (always last): data || u256be(end_offset). */
export const LEAF_SEGMENT_BYTES = HASH_SIZE_BYTES + NOTE_SIZE_BYTES;
/** 2.7+ rebase marker: 32 zero bytes placed before a branch segment whose child restarts at 0. */
export const REBASE_MARKER_BYTES = HASH_SIZE_BYTES;
/** Longest tx_path or data_path a node accepts (?MAX_PATH_SIZE). */
export const MAX_PATH_SIZE_BYTES = 262_144;

/** Largest value a u256 note can carry. */
export const U256_MAX = (1n << 256n) - 1n;

/**
 * Weave offset from which chunks must follow the strict data split and are stored in 256 KiB
 * buckets (?STRICT_DATA_SPLIT_THRESHOLD). It is the weave size at fork 2.5.
 */
export const STRICT_DATA_SPLIT_THRESHOLD_BYTES = 30_607_159_107_830n;
/** Weave offset from which 2.7+ accepts rebased (bundle) subtrees (?MERKLE_REBASE_SUPPORT_THRESHOLD). */
export const MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES = 151_066_495_197_430n;

/** First block height whose tx_root carries padding leaves (fork 2.5). */
export const FORK_2_5_HEIGHT = 812_970;

/** Leaf data of a padding entry in a post-2.5 tx_root (?PADDING_NODE_DATA_ROOT = <<>>). */
export const PADDING_NODE_DATA_ROOT: Uint8Array = new Uint8Array(0);
