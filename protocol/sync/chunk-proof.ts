// The whole check a node agent runs on a chunk reply from a peer before it packs the chunk:
// tx_path (basic rules) -> data_path (ruleset by block start) -> returned bounds -> chunk bytes,
// then the chunk's absolute end (packing key offset) and its 256 KiB bucket end.
// (2.6 ar_data_sync:validate_proof/6 and the sync_range/store_fetched_chunk flow; HEAD adds the
// redundant-marker and positive-leaf-size checks.)
import { bytesEqual } from "./bytes.ts";
import {
  BadArgumentError,
  BadProofError,
  ChunkHashMismatchError,
  ChunkSizeMismatchError,
  NonPositiveLeafSizeError,
  OffsetOutsideBlockError,
  OffsetOutsideProofError,
  PathTooLongError,
  RedundantRebaseMarkerError,
} from "./errors.ts";
import type { ProofKind } from "./errors.ts";
import { chunkId } from "./merkle.ts";
import { bucketEndOffset, bucketSeekOffset, dataPathRulesetFor } from "./offsets.ts";
import type { DataPathRules } from "./offsets.ts";
import { validatePath } from "./validate-path.ts";
import type { PathProof, PathRuleset, PathValidation } from "./validate-path.ts";

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export interface ChunkProofRequest {
  /** tx_root of the block the offset falls in. */
  readonly txRoot: Uint8Array;
  /** The block's first byte: the previous block's weave_size. */
  readonly blockStart: bigint;
  readonly blockSize: bigint;
  /** The 1-based offset sent in GET /chunk/{offset} or /chunk2/{offset}. */
  readonly requestedOffset: bigint;
  /** The request carried x-bucket-based-offset (the peer answers with the chunk ending in the bucket). */
  readonly bucketBased: boolean;
  readonly txPath: Uint8Array;
  readonly dataPath: Uint8Array;
  readonly rules: DataPathRules;
}

export interface ProvenChunk {
  /** 0-based absolute byte both paths were checked at. */
  readonly seekByte: bigint;
  /** Destination used for the tx_path (relative to the block start). */
  readonly txPathDest: bigint;
  /** Destination used for the data_path (relative to the tx start). */
  readonly dataPathDest: bigint;
  readonly dataPathRuleset: PathRuleset;
  readonly dataRoot: Uint8Array;
  /** [txStart, txEnd) relative to the block start. */
  readonly txStart: bigint;
  readonly txEnd: bigint;
  /** Expected SHA256 of the unpacked chunk. */
  readonly chunkId: Uint8Array;
  /** [chunkStart, chunkEnd) relative to the tx start. */
  readonly chunkStart: bigint;
  readonly chunkEnd: bigint;
  /** Unpacked chunk length (at most 256 KiB under every data_path ruleset). */
  readonly chunkSizeBytes: number;
  readonly absoluteStart: bigint;
  /** Unpadded absolute end: the offset in the packing key. */
  readonly absoluteEnd: bigint;
  /** The bucket end the chunk is stored and served under. */
  readonly paddedAbsoluteEnd: bigint;
}

export type ChunkPathError =
  | PathTooLongError
  | BadProofError
  | OffsetOutsideBlockError
  | OffsetOutsideProofError
  | RedundantRebaseMarkerError
  | NonPositiveLeafSizeError;

export type ChunkBytesError = ChunkSizeMismatchError | ChunkHashMismatchError;
export type ChunkProofError = ChunkPathError | ChunkBytesError;

function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/**
 * 0-based byte both paths are checked at: the requested byte, or - for a bucket-based request above
 * the threshold - the first byte of its bucket (2.6 sync: seek(Byte + 1) - 1).
 */
export function proofSeekByte(requestedOffset: bigint, bucketBased: boolean): bigint {
  if (requestedOffset < 1n) throw new BadArgumentError(`request offsets are 1-based, got ${requestedOffset}`);
  return (bucketBased ? bucketSeekOffset(requestedOffset) : requestedOffset) - 1n;
}

function rejectionError(proof: ProofKind, result: PathValidation, pathBytes: number): PathTooLongError | BadProofError {
  if (result.ok) throw new BadArgumentError("rejectionError called on an accepted path");
  if (result.reason === "path_too_long") return new PathTooLongError(proof, pathBytes);
  return new BadProofError(proof, result.reason);
}

/** Dest is clamped inside validatePath, so a valid path may still not cover the byte we asked for. */
function coversDest(proof: PathProof, dest: bigint): boolean {
  return proof.start <= dest && dest < proof.end;
}

function checkProvenPath(
  proof: ProofKind,
  result: PathValidation,
  dest: bigint,
  pathBytes: number,
): Result<PathProof, ChunkPathError> {
  if (!result.ok) return fail(rejectionError(proof, result, pathBytes));
  if (!coversDest(result, dest)) {
    return fail(new OffsetOutsideProofError(proof, `[${result.start}, ${result.end}) does not contain ${dest}`));
  }
  return { ok: true, value: result };
}

/** HEAD's extra admission rules for fetched data paths (has_redundant_rebase_marker, has_positive_leaf_size). */
function checkHeadDataPathRules(data: PathProof): RedundantRebaseMarkerError | NonPositiveLeafSizeError | undefined {
  if (data.noOpRebaseMarkers > 0) return new RedundantRebaseMarkerError("a rebase marker shifts nothing");
  if (data.leafSize <= 0n) return new NonPositiveLeafSizeError(`leaf size ${data.leafSize}`);
  return undefined;
}

function provenChunk(
  request: ChunkProofRequest,
  dests: { seekByte: bigint; txPathDest: bigint; dataPathDest: bigint },
  ruleset: PathRuleset,
  tx: PathProof,
  data: PathProof,
): ProvenChunk {
  const txBase = request.blockStart + tx.start;
  const absoluteEnd = txBase + data.end;
  return {
    ...dests,
    dataPathRuleset: ruleset,
    dataRoot: tx.leaf,
    txStart: tx.start,
    txEnd: tx.end,
    chunkId: data.leaf,
    chunkStart: data.start,
    chunkEnd: data.end,
    chunkSizeBytes: Number(data.end - data.start),
    absoluteStart: txBase + data.start,
    absoluteEnd,
    paddedAbsoluteEnd: bucketEndOffset(absoluteEnd),
  };
}

/**
 * Checks both paths of a reply and locates the chunk, without its bytes: a packed reply must first
 * be unpacked with the peer's packing at `absoluteEnd` for `chunkSizeBytes`, then passed to
 * checkChunkBytes. Requests outside the block are rejected, never clamped.
 */
export function validateChunkProofPaths(request: ChunkProofRequest): Result<ProvenChunk, ChunkPathError> {
  const seekByte = proofSeekByte(request.requestedOffset, request.bucketBased);
  const txPathDest = seekByte - request.blockStart;
  if (txPathDest < 0n || txPathDest >= request.blockSize) {
    return fail(new OffsetOutsideBlockError(`byte ${seekByte} is outside the block at ${request.blockStart}`));
  }
  const txResult = validatePath(request.txRoot, txPathDest, request.blockSize, request.txPath, "basic");
  const tx = checkProvenPath("tx_path", txResult, txPathDest, request.txPath.length);
  if (!tx.ok) return tx;
  const dataPathDest = txPathDest - tx.value.start;
  const ruleset = dataPathRulesetFor(request.blockStart, request.rules);
  const txSize = tx.value.end - tx.value.start;
  const dataResult = validatePath(tx.value.leaf, dataPathDest, txSize, request.dataPath, ruleset);
  const data = checkProvenPath("data_path", dataResult, dataPathDest, request.dataPath.length);
  if (!data.ok) return data;
  const headError = request.rules === "head" ? checkHeadDataPathRules(data.value) : undefined;
  if (headError !== undefined) return fail(headError);
  // No separate bucket check is needed: the chunk contains the seek byte (the bucket's first byte
  // for bucket-based requests) and the data rulesets cap it at 256 KiB, so it ends in that bucket.
  return { ok: true, value: provenChunk(request, { seekByte, txPathDest, dataPathDest }, ruleset, tx.value, data.value) };
}

/** Compares the unpacked chunk with what the data_path proved: its size, then SHA256(chunk). */
export function checkChunkBytes(proven: ProvenChunk, unpackedChunk: Uint8Array): ChunkBytesError | undefined {
  if (unpackedChunk.length !== proven.chunkSizeBytes) {
    return new ChunkSizeMismatchError(`chunk is ${unpackedChunk.length} bytes, proof says ${proven.chunkSizeBytes}`);
  }
  if (!bytesEqual(chunkId(unpackedChunk), proven.chunkId)) {
    return new ChunkHashMismatchError("SHA256(chunk) differs from the proven chunk id");
  }
  return undefined;
}

/** validateChunkProofPaths + checkChunkBytes, for a reply that is already unpacked. */
export function validateChunkProof(
  request: ChunkProofRequest,
  unpackedChunk: Uint8Array,
): Result<ProvenChunk, ChunkProofError> {
  const paths = validateChunkProofPaths(request);
  if (!paths.ok) return paths;
  const bytesError = checkChunkBytes(paths.value, unpackedChunk);
  return bytesError === undefined ? paths : fail(bytesError);
}

// ---------------------------------------------------------------------------------------------
// HEAD admission of uploaded / disk-pool chunks (ar_poa:validate_data_path/5,6)

export interface DataPathAdmission {
  readonly ok: boolean;
  /** End of the chunk relative to the tx start, when admitted. */
  readonly endOffset: bigint | undefined;
  readonly passesStrictDataSplit: boolean;
  readonly passesStrictBorders: boolean;
  readonly passesOffsetRebaseSupport: boolean;
}

const ADMISSION_RULESETS = ["strict_data_split", "strict_borders", "offset_rebase_support"] as const;

function provenFor(result: PathValidation, chunk: Uint8Array): PathProof | undefined {
  if (!result.ok || result.end - result.start !== BigInt(chunk.length)) return undefined;
  return bytesEqual(result.leaf, chunkId(chunk)) ? result : undefined;
}

/**
 * A chunk is admitted when any of the three data rulesets proves it (id and size match) and the
 * path has a positive leaf size and no redundant rebase marker.
 */
export function admitDataPathHead(
  dataRoot: Uint8Array,
  offset: bigint,
  txSize: bigint,
  dataPath: Uint8Array,
  chunk: Uint8Array,
): DataPathAdmission {
  const proofs = ADMISSION_RULESETS.map((ruleset) =>
    provenFor(validatePath(dataRoot, offset, txSize, dataPath, ruleset), chunk),
  );
  const first = proofs.find((proof) => proof !== undefined);
  const admitted =
    first !== undefined && first.leafSize > 0n && !hasRedundantRebaseMarker(dataRoot, offset, txSize, dataPath);
  return {
    ok: admitted,
    endOffset: admitted ? first.end : undefined,
    passesStrictDataSplit: proofs[0] !== undefined,
    passesStrictBorders: proofs[1] !== undefined,
    passesOffsetRebaseSupport: proofs[2] !== undefined,
  };
}

/**
 * HEAD's has_redundant_rebase_marker, as read from its behaviour: under the rebase ruleset the path
 * is valid and one of its markers shifts the offsets by 0. Such a marker changes no offset and only
 * resets the "right-most" flag, which could pass an unaligned chunk off as the last of a subtree.
 */
export function hasRedundantRebaseMarker(
  dataRoot: Uint8Array,
  offset: bigint,
  txSize: bigint,
  dataPath: Uint8Array,
): boolean {
  const result = validatePath(dataRoot, offset, txSize, dataPath, "offset_rebase_support");
  return result.ok && result.noOpRebaseMarkers > 0;
}

