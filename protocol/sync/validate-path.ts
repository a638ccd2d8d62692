// validate_path(root, dest, rightBound, path, ruleset): walks a Merkle path from the root to its
// leaf, checking every id, steering by `dest`, and applies the ruleset's leaf rules
// (ar_merkle:validate_path/4,5 and the 2.6 validate_path_strict_* functions).
// A valid path alone proves nothing about chunk bytes: callers compare the leaf with SHA256(chunk)
// and the returned [start, end) with the chunk (see chunk-proof.ts).
import { DATA_CHUNK_SIZE_BYTES_BIG, MAX_PATH_SIZE_BYTES } from "./constants.ts";
import { bytesEqual } from "./bytes.ts";
import { BadArgumentError } from "./errors.ts";
import { branchId, leafId, parsePathSegments } from "./merkle.ts";
import type { BranchSegment, LeafSegment } from "./merkle.ts";

/**
 * - basic: ids only (2.6 validate_path/4, HEAD basic_ruleset).
 * - strict_borders: leaf at most 256 KiB past its left bound (2.6 and HEAD agree).
 * - strict_data_split: HEAD's strict split.
 * - strict_data_split_2_6: the same plus 2.6's "a short, not-last chunk must not be smaller than
 *   its path" rule (dropped in HEAD).
 * - offset_rebase_support: HEAD 2.7+: borders, rebase markers, relaxed split.
 */
export type PathRuleset =
  | "basic"
  | "strict_borders"
  | "strict_data_split"
  | "strict_data_split_2_6"
  | "offset_rebase_support";

export type PathRejectReason = "path_too_long" | "malformed" | "hash_mismatch" | "borders" | "split";

type SplitRule = "none" | "strict" | "strict_2_6" | "relaxed";

interface RulesetRules {
  readonly checkBorders: boolean;
  readonly split: SplitRule;
  readonly allowRebase: boolean;
}

const RULESET_RULES: Readonly<Record<PathRuleset, RulesetRules>> = Object.freeze({
  basic: { checkBorders: false, split: "none", allowRebase: false },
  strict_borders: { checkBorders: true, split: "none", allowRebase: false },
  strict_data_split: { checkBorders: true, split: "strict", allowRebase: false },
  strict_data_split_2_6: { checkBorders: true, split: "strict_2_6", allowRebase: false },
  offset_rebase_support: { checkBorders: true, split: "relaxed", allowRebase: true },
});

export interface PathProof {
  readonly ok: true;
  /** Leaf data: the chunk id (data_path) or the tx's data_root (tx_path). */
  readonly leaf: Uint8Array;
  /** Left bound at the leaf, plus any rebase shift. */
  readonly start: bigint;
  /** max(min(rightBound, leafEnd), start + 1), plus any rebase shift. */
  readonly end: bigint;
  /** The leaf's own end note, plus any rebase shift (may exceed `end`). */
  readonly leafEnd: bigint;
  /** leafEnd - start before clamping; HEAD rejects paths where this is not positive. */
  readonly leafSize: bigint;
  readonly rebaseMarkers: number;
  /** Markers that shifted the offsets by 0: HEAD calls these redundant. */
  readonly noOpRebaseMarkers: number;
}

export interface PathRejection {
  readonly ok: false;
  readonly reason: PathRejectReason;
}

export type PathValidation = PathProof | PathRejection;

/** Where the walk stands: the id the next segment must hash to and the bounds around `dest`. */
interface WalkState {
  expectedId: Uint8Array;
  dest: bigint;
  left: bigint;
  right: bigint;
  /** Sum of rebase shifts so far: converts subtree offsets back to offsets from the root. */
  shift: bigint;
  /** Only right turns since the root or the last marker ("unknown" before any turn). */
  rightMost: "unknown" | "yes" | "no";
  markers: number;
  noOpMarkers: number;
}

function reject(reason: PathRejectReason): PathRejection {
  return { ok: false, reason };
}

function clampDest(dest: bigint, rightBound: bigint): bigint {
  if (dest >= rightBound) return rightBound - 1n;
  return dest < 0n ? 0n : dest;
}

function stepBranch(state: WalkState, branch: BranchSegment): void {
  if (state.dest < branch.mid) {
    state.expectedId = branch.left;
    state.right = state.right < branch.mid ? state.right : branch.mid;
    state.rightMost = "no";
  } else {
    state.expectedId = branch.right;
    state.left = state.left > branch.mid ? state.left : branch.mid;
    if (state.rightMost === "unknown") state.rightMost = "yes";
  }
}

/** A marked branch: the chosen child's offsets restart at 0, so the bounds move into its frame. */
function stepRebasedBranch(state: WalkState, branch: BranchSegment): void {
  let shiftBy: bigint;
  if (state.dest < branch.mid) {
    const note = state.right < branch.mid ? state.right : branch.mid;
    state.expectedId = branch.left;
    shiftBy = state.left;
    state.right = note - state.left;
  } else {
    const note = state.left > branch.mid ? state.left : branch.mid;
    state.expectedId = branch.right;
    shiftBy = note;
    state.right -= note;
  }
  state.dest -= shiftBy;
  state.shift += shiftBy;
  state.left = 0n;
  state.rightMost = "unknown";
  state.markers += 1;
  if (shiftBy === 0n) state.noOpMarkers += 1;
}

function bordersHold(state: WalkState, leafEnd: bigint): boolean {
  const chunk = DATA_CHUNK_SIZE_BYTES_BIG;
  return leafEnd - state.left <= chunk && state.right - state.left <= chunk;
}

/**
 * Strict split: full chunks start on a 256 KiB border; the last chunk is shorter and starts at or
 * before the last border; a short second-last chunk starts on a border with 256-512 KiB left.
 */
function strictSplitHolds(state: WalkState, leafEnd: bigint, dataSize: bigint, pathBytes: number, v26: boolean): boolean {
  const chunk = DATA_CHUNK_SIZE_BYTES_BIG;
  const { left, right } = state;
  const chunkSize = leafEnd - left;
  if (chunkSize === chunk) return left % chunk === 0n;
  if (leafEnd === dataSize) return right % chunk > 0n && left <= right - (right % chunk);
  if (v26 && BigInt(pathBytes) > chunkSize) return false;
  return left % chunk === 0n && dataSize - left > chunk && dataSize - left < 2n * chunk;
}

/** Relaxed split (2.7+), on offsets from the root: a leaf starts on a border, or - if it is the
 * right-most of its (sub)tree - ends inside the bucket after the one it starts in. */
function relaxedSplitHolds(state: WalkState, leafEnd: bigint): boolean {
  const chunk = DATA_CHUNK_SIZE_BYTES_BIG;
  const start = state.shift + state.left;
  const end = state.shift + leafEnd;
  if (start % chunk === 0n) return true;
  if (state.rightMost !== "yes") return false;
  return start / chunk + 1n === end / chunk && end % chunk !== 0n;
}

function splitHolds(rules: RulesetRules, state: WalkState, leafEnd: bigint, dataSize: bigint, pathBytes: number): boolean {
  switch (rules.split) {
    case "none":
      return true;
    case "strict":
      return strictSplitHolds(state, leafEnd, dataSize, pathBytes, false);
    case "strict_2_6":
      return strictSplitHolds(state, leafEnd, dataSize, pathBytes, true);
    case "relaxed":
      return relaxedSplitHolds(state, leafEnd);
  }
}

function finishAtLeaf(
  state: WalkState,
  leaf: LeafSegment,
  rules: RulesetRules,
  dataSize: bigint,
  pathBytes: number,
): PathValidation {
  if (!bytesEqual(leafId(leaf.data, leaf.end), state.expectedId)) return reject("hash_mismatch");
  if (rules.checkBorders && !bordersHold(state, leaf.end)) return reject("borders");
  if (!splitHolds(rules, state, leaf.end, dataSize, pathBytes)) return reject("split");
  const clampedEnd = state.right < leaf.end ? state.right : leaf.end;
  const end = clampedEnd > state.left + 1n ? clampedEnd : state.left + 1n;
  return {
    ok: true,
    leaf: leaf.data,
    start: state.shift + state.left,
    end: state.shift + end,
    leafEnd: state.shift + leaf.end,
    leafSize: leaf.end - state.left,
    rebaseMarkers: state.markers,
    noOpRebaseMarkers: state.noOpMarkers,
  };
}

/**
 * Validates `path` against `root` for the byte `dest` of a range [0, rightBound).
 * `dest` is clamped into the range first (as the reference does), so a valid result does not
 * imply that `dest` lies inside [start, end): check that separately.
 * Throws BadArgumentError when rightBound <= 0 (the reference throws too: a caller bug).
 */
export function validatePath(
  root: Uint8Array,
  dest: bigint,
  rightBound: bigint,
  path: Uint8Array,
  ruleset: PathRuleset,
): PathValidation {
  if (rightBound <= 0n) throw new BadArgumentError(`right bound must be positive, got ${rightBound}`);
  if (path.length > MAX_PATH_SIZE_BYTES) return reject("path_too_long");
  const rules = RULESET_RULES[ruleset];
  const segments = parsePathSegments(path, rules.allowRebase);
  if (segments === undefined) return reject("malformed");
  const state: WalkState = {
    expectedId: root,
    dest: clampDest(dest, rightBound),
    left: 0n,
    right: rightBound,
    shift: 0n,
    rightMost: "unknown",
    markers: 0,
    noOpMarkers: 0,
  };
  let marked = false;
  for (const segment of segments) {
    if (segment.kind === "leaf") return finishAtLeaf(state, segment, rules, rightBound, path.length);
    if (segment.kind === "marker") {
      marked = true;
      continue;
    }
    if (!bytesEqual(branchId(segment.left, segment.right, segment.mid), state.expectedId)) {
      return reject("hash_mismatch");
    }
    if (marked) stepRebasedBranch(state, segment);
    else stepBranch(state, segment);
    marked = false;
  }
  return reject("malformed");
}

/** Whether the ruleset understands 2.7+ rebase markers. */
export function rulesetAllowsRebase(ruleset: PathRuleset): boolean {
  return RULESET_RULES[ruleset].allowRebase;
}
