// Arweave's offset-annotated Merkle trees (ar_merkle, ar_tx, ar_block): node ids, tree building,
// data_root over a tx's chunks, tx_root over a block's txs, path generation and the path layout.
// Offsets (notes) are u256 on the wire, hence bigint throughout.
import {
  BRANCH_SEGMENT_BYTES,
  DATA_CHUNK_SIZE_BYTES_BIG,
  FORK_2_5_HEIGHT,
  HASH_SIZE_BYTES,
  LEAF_SEGMENT_BYTES,
  NOTE_SIZE_BYTES,
  PADDING_NODE_DATA_ROOT,
  REBASE_MARKER_BYTES,
} from "./constants.ts";
import { compareBytes, concatBytes, isAllZero, readUintBE, sha256, u256be } from "./bytes.ts";
import { BadArgumentError, BadLengthError } from "./errors.ts";

// ---------------------------------------------------------------------------------------------
// Node ids

/** Chunk id = SHA256(chunk bytes) (ar_tx:generate_chunk_id/1). */
export function chunkId(chunk: Uint8Array): Uint8Array {
  return sha256(chunk);
}

/** leaf id = SHA256(SHA256(data) || SHA256(u256be(end))). */
export function leafId(data: Uint8Array, end: bigint): Uint8Array {
  return sha256(sha256(data), sha256(u256be(end)));
}

/** branch id = SHA256(SHA256(left) || SHA256(right) || SHA256(u256be(mid))); mid = left subtree's max end. */
export function branchId(left: Uint8Array, right: Uint8Array, mid: bigint): Uint8Array {
  return sha256(sha256(left), sha256(right), sha256(u256be(mid)));
}

// ---------------------------------------------------------------------------------------------
// Trees

/** One leaf: its data (chunk id, data_root, or <<>> for padding) and its end offset. */
export interface MerkleLeafInput {
  readonly data: Uint8Array;
  readonly end: bigint;
}

/** 2.7+ rebased subtree (bundles): its own offsets restart at 0. */
export interface RebasedSubtreeInput {
  readonly rebased: readonly MerkleElementInput[];
}

export type MerkleElementInput = MerkleLeafInput | RebasedSubtreeInput;

export interface MerkleLeafNode {
  readonly kind: "leaf";
  readonly id: Uint8Array;
  readonly data: Uint8Array;
  readonly end: bigint;
  /** Largest end offset below this node, in the node's own (possibly rebased) coordinates. */
  readonly maxEnd: bigint;
  /** Root of a rebased subtree: its parent shifts its offsets. */
  readonly rebased: boolean;
}

export interface MerkleBranchNode {
  readonly kind: "branch";
  readonly id: Uint8Array;
  readonly left: MerkleNode;
  readonly right: MerkleNode;
  readonly mid: bigint;
  readonly maxEnd: bigint;
  readonly rebased: boolean;
}

export type MerkleNode = MerkleLeafNode | MerkleBranchNode;

export interface MerkleTree {
  /** Root id; empty for a tree without leaves (a block with no txs has tx_root <<>>). */
  readonly root: Uint8Array;
  readonly top: MerkleNode | undefined;
}

function isRebasedInput(element: MerkleElementInput): element is RebasedSubtreeInput {
  return "rebased" in element;
}

function leafNode(input: MerkleLeafInput): MerkleLeafNode {
  const id = leafId(input.data, input.end);
  return { kind: "leaf", id, data: input.data, end: input.end, maxEnd: input.end, rebased: false };
}

function rowNode(element: MerkleElementInput): MerkleNode {
  if (!isRebasedInput(element)) return leafNode(element);
  const { top } = buildMerkleTree(element.rebased);
  if (top === undefined) throw new BadArgumentError("a rebased subtree needs at least one leaf");
  return { ...top, rebased: true };
}

/**
 * Joins two neighbours. A rebased child's offsets are relative, so they are lifted by the running
 * shift (left) or by the new note (right) - the same arithmetic as ar_merkle:generate_node/3.
 */
function joinPair(left: MerkleNode, right: MerkleNode, shift: bigint): MerkleBranchNode {
  const mid = left.rebased ? shift + left.maxEnd : left.maxEnd;
  const maxEnd = right.rebased ? mid + right.maxEnd : right.maxEnd;
  const id = branchId(left.id, right.id, mid);
  return { kind: "branch", id, left, right, mid, maxEnd, rebased: false };
}

/** Pairs neighbours from the left; an odd last node moves up unchanged (not re-hashed). */
function nextRow(row: readonly MerkleNode[]): MerkleNode[] {
  const next: MerkleNode[] = [];
  let shift = 0n;
  for (let i = 0; i + 1 < row.length; i += 2) {
    const node = joinPair(row[i] as MerkleNode, row[i + 1] as MerkleNode, shift);
    next.push(node);
    shift = node.maxEnd;
  }
  if (row.length % 2 === 1) next.push(row[row.length - 1] as MerkleNode);
  return next;
}

/** Builds the tree over leaves given in order (ar_merkle:generate_tree/1). */
export function buildMerkleTree(elements: readonly MerkleElementInput[]): MerkleTree {
  let row = elements.map(rowNode);
  if (row.length === 0) return { root: new Uint8Array(0), top: undefined };
  while (row.length > 1) row = nextRow(row);
  const top = row[0] as MerkleNode;
  return { root: top.id, top };
}

// ---------------------------------------------------------------------------------------------
// Paths: generation and byte layout

/**
 * Path to the leaf covering `dest` (ar_merkle:generate_path/3). A marker precedes a branch whose
 * chosen child is rebased; `dest` is then re-expressed in the child's coordinates exactly as the
 * reference generator does (right: minus the note; left: minus the previous note).
 */
export function generateMerklePath(tree: MerkleTree, dest: bigint): Uint8Array {
  if (tree.top === undefined) throw new BadArgumentError("cannot generate a path in an empty tree");
  const parts: Uint8Array[] = [];
  let node: MerkleNode = tree.top;
  let target = dest;
  let previousMid = 0n;
  while (node.kind === "branch") {
    const goRight = target >= node.mid;
    const child = goRight ? node.right : node.left;
    if (child.rebased) {
      parts.push(new Uint8Array(REBASE_MARKER_BYTES));
      target -= goRight ? node.mid : previousMid;
    }
    parts.push(node.left.id, node.right.id, u256be(node.mid));
    previousMid = node.mid;
    node = child;
  }
  parts.push(node.data, u256be(node.end));
  return concatBytes(parts);
}

export interface BranchSegment {
  readonly kind: "branch";
  readonly left: Uint8Array;
  readonly right: Uint8Array;
  readonly mid: bigint;
}

export interface LeafSegment {
  readonly kind: "leaf";
  readonly data: Uint8Array;
  readonly end: bigint;
}

/** A marker always precedes a branch; the pair says "the child taken below restarts at offset 0". */
export type PathSegment = { readonly kind: "marker" } | BranchSegment | LeafSegment;

/** Path length in bytes for a leaf at `depth` branches below the root with `markers` rebase markers. */
export function pathLengthBytes(depth: number, markers = 0): number {
  return BRANCH_SEGMENT_BYTES * depth + LEAF_SEGMENT_BYTES + REBASE_MARKER_BYTES * markers;
}

function readBranch(path: Uint8Array, at: number): BranchSegment {
  return {
    kind: "branch",
    left: path.subarray(at, at + HASH_SIZE_BYTES),
    right: path.subarray(at + HASH_SIZE_BYTES, at + 2 * HASH_SIZE_BYTES),
    mid: readUintBE(path, at + 2 * HASH_SIZE_BYTES, NOTE_SIZE_BYTES),
  };
}

function startsWithMarker(path: Uint8Array, at: number, remaining: number, allowRebase: boolean): boolean {
  return (
    allowRebase &&
    remaining >= REBASE_MARKER_BYTES + BRANCH_SEGMENT_BYTES &&
    isAllZero(path, at, at + REBASE_MARKER_BYTES)
  );
}

/**
 * Splits a path into segments, root first, in the reference clause order: exactly 64 bytes left is
 * the leaf; else (only when markers are understood) 32 zero bytes followed by a branch; else a
 * 96-byte branch. A marker is always read together with the branch after it, so the zero bytes
 * that follow a marker are that branch's left id, never a second marker.
 * Returns undefined when the bytes fit none of these (too short, trailing bytes, empty).
 */
export function parsePathSegments(path: Uint8Array, allowRebase: boolean): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  let at = 0;
  for (;;) {
    const remaining = path.length - at;
    if (remaining === LEAF_SEGMENT_BYTES) {
      const data = path.subarray(at, at + HASH_SIZE_BYTES);
      const end = readUintBE(path, at + HASH_SIZE_BYTES, NOTE_SIZE_BYTES);
      segments.push({ kind: "leaf", data, end });
      return segments;
    }
    if (startsWithMarker(path, at, remaining, allowRebase)) {
      segments.push({ kind: "marker" });
      at += REBASE_MARKER_BYTES;
    } else if (remaining < BRANCH_SEGMENT_BYTES) {
      return undefined;
    }
    segments.push(readBranch(path, at));
    at += BRANCH_SEGMENT_BYTES;
  }
}

/** The root a path claims (ar_merkle:extract_root/1), or undefined if it is shorter than a leaf. */
export function extractPathRoot(path: Uint8Array): Uint8Array | undefined {
  if (path.length === LEAF_SEGMENT_BYTES) {
    return leafId(path.subarray(0, HASH_SIZE_BYTES), readUintBE(path, HASH_SIZE_BYTES, NOTE_SIZE_BYTES));
  }
  if (path.length < BRANCH_SEGMENT_BYTES) return undefined;
  const branch = readBranch(path, 0);
  return branchId(branch.left, branch.right, branch.mid);
}

/** The last 32 bytes of a path read as a u256: the leaf's end offset (ar_merkle:extract_note/1). */
export function extractPathNote(path: Uint8Array): bigint {
  if (path.length < NOTE_SIZE_BYTES) throw new BadArgumentError("path shorter than a note");
  return readUintBE(path, path.length - NOTE_SIZE_BYTES, NOTE_SIZE_BYTES);
}

// ---------------------------------------------------------------------------------------------
// data_root over a tx's chunks

/**
 * Chunk end offsets the node uses for v1 data (ar_tx:chunk_binary/2): 256 KiB pieces while at least
 * 256 KiB remain, then the remainder - even when it is empty, so a size that is a multiple of 256 KiB
 * (or 0) ends with a zero-length leaf that is part of the data_root.
 */
export function standardChunkEnds(dataSize: bigint): bigint[] {
  if (dataSize < 0n) throw new BadArgumentError(`negative data size: ${dataSize}`);
  const ends: bigint[] = [];
  let end = 0n;
  while (dataSize - end >= DATA_CHUNK_SIZE_BYTES_BIG) {
    end += DATA_CHUNK_SIZE_BYTES_BIG;
    ends.push(end);
  }
  ends.push(dataSize);
  return ends;
}

export interface SizedChunkId {
  readonly chunkId: Uint8Array;
  /** End offset of the chunk relative to the tx start. */
  readonly end: bigint;
}

/** Tree over (chunk id, end) leaves; its root is the data_root. */
export function dataTreeFromChunkIds(chunks: readonly SizedChunkId[]): MerkleTree {
  return buildMerkleTree(chunks.map((chunk) => ({ data: chunk.chunkId, end: chunk.end })));
}

function assertChunkEnds(ends: readonly bigint[], dataSize: number): void {
  let previous = 0n;
  for (const end of ends) {
    if (end < previous) throw new BadArgumentError("chunk ends must not decrease");
    previous = end;
  }
  if (ends.length === 0 || previous !== BigInt(dataSize)) {
    throw new BadArgumentError("the last chunk end must equal the data size");
  }
}

/** Splits data at `chunkEnds` (default: the node's standard split) and builds the data tree. */
export function dataTreeFromData(data: Uint8Array, chunkEnds?: readonly bigint[]): MerkleTree {
  const ends = chunkEnds ?? standardChunkEnds(BigInt(data.length));
  assertChunkEnds(ends, data.length);
  let start = 0;
  const chunks = ends.map((end) => {
    const chunk = data.subarray(start, Number(end));
    start = Number(end);
    return { chunkId: chunkId(chunk), end };
  });
  return dataTreeFromChunkIds(chunks);
}

// ---------------------------------------------------------------------------------------------
// tx_root over a block's txs

export interface BlockTxInput {
  /** Transaction format: 1 (data in the header) or 2 (data root in the header). */
  readonly format: number;
  readonly id: Uint8Array;
  /** v2: the header's data_root (may be empty for no data); v1: computed from the data. */
  readonly dataRoot: Uint8Array;
  readonly dataSize: bigint;
}

export interface SizeTaggedEntry {
  readonly kind: "tx" | "padding";
  /** Leaf data: the tx's data_root, or PADDING_NODE_DATA_ROOT. */
  readonly dataRoot: Uint8Array;
  /** Offsets relative to the block start. */
  readonly start: bigint;
  readonly end: bigint;
  readonly tx: BlockTxInput | undefined;
}

/** Erlang lists:sort on #tx{} records: format first (v1 before v2), then the raw id bytes. */
export function sortTxsForTxRoot(txs: readonly BlockTxInput[]): BlockTxInput[] {
  return [...txs].sort((a, b) => a.format - b.format || compareBytes(a.id, b.id));
}

/** Bytes a tx adds to the weave from fork 2.5: its size rounded up to 256 KiB (ar_tx:get_weave_size_increase/2). */
export function weaveSizeIncrease(dataSize: bigint, height: number): bigint {
  if (height < FORK_2_5_HEIGHT) return dataSize;
  const chunkSize = DATA_CHUNK_SIZE_BYTES_BIG;
  return ((dataSize + chunkSize - 1n) / chunkSize) * chunkSize;
}

function assertTxInput(tx: BlockTxInput): void {
  if (tx.dataSize < 0n) throw new BadArgumentError(`negative tx data size: ${tx.dataSize}`);
  if (tx.dataRoot.length !== 0 && tx.dataRoot.length !== HASH_SIZE_BYTES) {
    throw new BadLengthError("data_root", `expected 0 or 32 bytes, got ${tx.dataRoot.length}`);
  }
}

/**
 * (data_root, cumulative end) entries for txs already in tree order
 * (ar_block:generate_size_tagged_list_from_txs/2). From fork 2.5 a tx whose size is not a multiple
 * of 256 KiB is followed by a padding entry up to the next 256 KiB boundary.
 */
export function sizeTaggedTxEntries(orderedTxs: readonly BlockTxInput[], height: number): SizeTaggedEntry[] {
  const entries: SizeTaggedEntry[] = [];
  let position = 0n;
  for (const tx of orderedTxs) {
    assertTxInput(tx);
    const end = position + tx.dataSize;
    entries.push({ kind: "tx", dataRoot: tx.dataRoot, start: position, end, tx });
    const paddedEnd = position + weaveSizeIncrease(tx.dataSize, height);
    if (paddedEnd > end) {
      entries.push({ kind: "padding", dataRoot: PADDING_NODE_DATA_ROOT, start: end, end: paddedEnd, tx: undefined });
    }
    position = paddedEnd;
  }
  return entries;
}

export function txTreeFromEntries(entries: readonly SizeTaggedEntry[]): MerkleTree {
  return buildMerkleTree(entries.map((entry) => ({ data: entry.dataRoot, end: entry.end })));
}

export interface BlockTxTree {
  readonly tree: MerkleTree;
  /** Entries in tree order (sorted txs, padding interleaved). */
  readonly entries: readonly SizeTaggedEntry[];
  /** block_size = the last entry's end; weave_size = previous weave_size + block_size. */
  readonly blockSize: bigint;
}

/** The block's tx tree (ar_block:generate_tx_root_for_block/2); `tree.root` is the tx_root. */
export function buildBlockTxTree(txs: readonly BlockTxInput[], height: number): BlockTxTree {
  const entries = sizeTaggedTxEntries(sortTxsForTxRoot(txs), height);
  const last = entries[entries.length - 1];
  return { tree: txTreeFromEntries(entries), entries, blockSize: last === undefined ? 0n : last.end };
}
