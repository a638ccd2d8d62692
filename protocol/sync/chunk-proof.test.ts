// The node agent's whole chunk check against merkle.json's placement vectors (the 2.6 sync steps,
// bucket and plain offsets, packing key offsets) and against forged replies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DATA_CHUNK_SIZE_BYTES, MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES, MAX_PATH_SIZE_BYTES } from "./constants.ts";
import { proofSeekByte, validateChunkProof, validateChunkProofPaths } from "./chunk-proof.ts";
import type { ChunkProofRequest, ProvenChunk } from "./chunk-proof.ts";
import { SyncError } from "./errors.ts";
import type { SyncErrorCode } from "./errors.ts";
import { buildMerkleTree, chunkId, dataTreeFromData, generateMerklePath } from "./merkle.ts";
import { bucketSeekOffset, dataPathRulesetFor, paddedOffset } from "./offsets.ts";
import type { DataPathRules } from "./offsets.ts";
import { allTxData, txByName } from "./test-helpers/fixtures.ts";
import { hex, loadMerkleVectors, toHex } from "./test-helpers/vectors.ts";
import type { PathResultVector, PlacementChunkVector, PlacementVector } from "./test-helpers/vectors.ts";

const vectors = loadMerkleVectors();
const dataOf = allTxData(vectors);

function bytesOf(txName: string): Uint8Array {
  const data = dataOf.get(txName);
  assert.ok(data, txName);
  return data;
}

function chunkBytes(chunk: PlacementChunkVector): Uint8Array {
  return bytesOf(chunk.tx).subarray(chunk.chunk_start_in_tx, chunk.chunk_end_in_tx);
}

function requestFor(placement: PlacementVector, chunk: PlacementChunkVector, offset: bigint, bucketBased: boolean): ChunkProofRequest {
  const block = vectors[placement.block];
  return {
    txRoot: hex(block.tx_root_hex),
    blockStart: BigInt(block.block_start),
    blockSize: BigInt(block.block_size),
    requestedOffset: offset,
    bucketBased,
    txPath: hex(chunk.tx_path_hex),
    dataPath: hex(chunk.data_path_hex),
    rules: "2.6",
  };
}

function expectOk(request: ChunkProofRequest, bytes: Uint8Array): ProvenChunk {
  const result = validateChunkProof(request, bytes);
  if (!result.ok) assert.fail(`expected a valid proof, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function expectError(request: ChunkProofRequest, bytes: Uint8Array, code: SyncErrorCode): SyncError {
  const result = validateChunkProof(request, bytes);
  assert.equal(result.ok, false, `expected ${code}`);
  if (result.ok) throw new Error("unreachable");
  assert.ok(result.error instanceof SyncError);
  assert.equal(result.error.code, code);
  return result.error;
}

function assertProvenRange(actual: [Uint8Array, bigint, bigint], expected: PathResultVector, label: string): void {
  assert.equal(expected.ok, true, label);
  assert.equal(toHex(actual[0]), expected.leaf_hex, `${label} leaf`);
  assert.equal(actual[1], BigInt(expected.start ?? -1), `${label} start`);
  assert.equal(actual[2], BigInt(expected.end ?? -1), `${label} end`);
}

function checkSync26(placement: PlacementVector, chunk: PlacementChunkVector): void {
  const steps = chunk.sync_26;
  const request = requestFor(placement, chunk, BigInt(steps.get_offset), true);
  assert.equal(BigInt(steps.get_offset), BigInt(steps.byte) + 1n);
  const proven = expectOk(request, chunkBytes(chunk));
  assert.equal(proven.seekByte, BigInt(steps.seek_byte));
  assert.equal(proven.txPathDest, BigInt(steps.tx_path_dest));
  assert.equal(proven.dataPathDest, BigInt(steps.data_path_dest));
  assertProvenRange([proven.dataRoot, proven.txStart, proven.txEnd], steps.tx_path_result, "tx_path");
  assertProvenRange([proven.chunkId, proven.chunkStart, proven.chunkEnd], steps.data_path_result, "data_path");
  assert.equal(proven.absoluteEnd, BigInt(steps.absolute_end_offset));
  assert.equal(proven.absoluteEnd, BigInt(chunk.packing_key_offset));
  assert.equal(proven.absoluteEnd, BigInt(chunk.abs_end));
  assert.equal(proven.absoluteStart, BigInt(chunk.abs_start));
  assert.equal(proven.paddedAbsoluteEnd, BigInt(chunk.padded_abs_end));
  assert.equal(proven.chunkSizeBytes, chunk.chunk_size);
  assert.equal(proven.txStart, BigInt(chunk.tx_start_in_block));
  assert.equal(toHex(proven.dataRoot), chunk.data_root_hex);
  assert.equal(bucketSeekOffset(BigInt(steps.get_offset)), BigInt(chunk.bucket_first_byte_1based));
}

/** Both ends of a 1-based offset range answer with this chunk; one past either end does not. */
function checkOffsetRange(placement: PlacementVector, chunk: PlacementChunkVector, bucketBased: boolean): void {
  const [first, last] = bucketBased ? chunk.get_chunk_bucket_based_offsets_1based : chunk.get_chunk_plain_offsets_1based;
  const bytes = chunkBytes(chunk);
  for (const offset of [first, last]) {
    const proven = expectOk(requestFor(placement, chunk, BigInt(offset), bucketBased), bytes);
    assert.equal(proven.absoluteEnd, BigInt(chunk.abs_end));
  }
  for (const outside of [first - 1, last + 1]) {
    const result = validateChunkProof(requestFor(placement, chunk, BigInt(outside), bucketBased), bytes);
    assert.equal(result.ok, false, `offset ${outside} must not accept chunk ${chunk.tx}#${chunk.chunk_index}`);
  }
}

describe("placement: the 2.6 sync steps for every stored chunk", () => {
  for (const placement of [vectors.placement, vectors.placement_block2]) {
    for (const chunk of placement.chunks) {
      it(`${placement.block} ${chunk.tx} chunk ${chunk.chunk_index}`, () => {
        assert.equal(BigInt(placement.block_start), BigInt(vectors[placement.block].block_start));
        checkSync26(placement, chunk);
        checkOffsetRange(placement, chunk, false);
        checkOffsetRange(placement, chunk, true);
        assert.equal(paddedOffset(BigInt(chunk.abs_end)), BigInt(chunk.padded_abs_end));
      });
    }
  }

  it("block2: in (start+136072, start+262144] plain answers chunk 1, bucket-based answers chunk 0", () => {
    const placement = vectors.placement_block2;
    const [chunk0, chunk1] = placement.chunks;
    assert.ok(chunk0 && chunk1);
    const offset = BigInt(placement.block_start) + 200_000n;
    expectOk(requestFor(placement, chunk1, offset, false), chunkBytes(chunk1));
    expectOk(requestFor(placement, chunk0, offset, true), chunkBytes(chunk0));
    expectError(requestFor(placement, chunk1, offset, true), chunkBytes(chunk1), "ERR_SYNC_BAD_PROOF");
    expectError(requestFor(placement, chunk0, offset, false), chunkBytes(chunk0), "ERR_SYNC_BAD_PROOF");
  });
});

describe("data path ruleset by block start", () => {
  const name = (ruleset: string): string => ruleset.replace(/_ruleset$/, "");
  for (const block of ["block_pre_2_5", "block_post_2_5", "block2_post_2_5"] as const) {
    it(block, () => {
      const vector = vectors[block];
      assert.equal(dataPathRulesetFor(BigInt(vector.block_start), "head"), name(vector.data_path_ruleset_for_block_start_head));
    });
  }

  it("2.6 never selects the rebase ruleset; HEAD does from the 2.7 threshold", () => {
    const threshold = BigInt(vectors.constants["merkle_rebase_support_threshold"] ?? 0);
    const cases: [bigint, DataPathRules, string][] = [
      [threshold, "head", "offset_rebase_support"],
      [threshold - 1n, "head", "strict_data_split"],
      [threshold, "2.6", "strict_data_split_2_6"],
      [BigInt(vectors.block_post_2_5.block_start), "2.6", "strict_data_split_2_6"],
      [BigInt(vectors.block_pre_2_5.block_start), "2.6", "strict_borders"],
    ];
    for (const [start, rules, expected] of cases) assert.equal(dataPathRulesetFor(start, rules), expected);
  });
});

describe("forged or broken replies are rejected with a stable code", () => {
  const placement = vectors.placement;
  const chunk = placement.chunks.find((candidate) => candidate.tx === "t1_five_full_plus_tail" && candidate.chunk_index === 2);
  assert.ok(chunk);
  const offset = BigInt(chunk.abs_end);
  const bytes = chunkBytes(chunk);

  it("a flipped chunk byte: ERR_SYNC_CHUNK_HASH_MISMATCH", () => {
    const tampered = Uint8Array.from(bytes);
    tampered[1000] = (tampered[1000] ?? 0) ^ 0x80;
    expectError(requestFor(placement, chunk, offset, false), tampered, "ERR_SYNC_CHUNK_HASH_MISMATCH");
  });

  it("a truncated chunk: ERR_SYNC_CHUNK_SIZE_MISMATCH", () => {
    expectError(requestFor(placement, chunk, offset, false), bytes.subarray(1), "ERR_SYNC_CHUNK_SIZE_MISMATCH");
  });

  it("an offset outside the block: ERR_SYNC_OFFSET_OUTSIDE_BLOCK", () => {
    const block = vectors.block_post_2_5;
    const after = BigInt(block.weave_size) + 1n;
    expectError(requestFor(placement, chunk, after, false), bytes, "ERR_SYNC_OFFSET_OUTSIDE_BLOCK");
    expectError(requestFor(placement, chunk, BigInt(block.block_start), false), bytes, "ERR_SYNC_OFFSET_OUTSIDE_BLOCK");
  });

  it("another tx's tx_path or another chunk's data_path: ERR_SYNC_BAD_PROOF naming the path", () => {
    const other = placement.chunks.find((candidate) => candidate.tx === "t0_single_small");
    assert.ok(other);
    const badTx = expectError({ ...requestFor(placement, chunk, offset, false), txPath: hex(other.tx_path_hex) }, bytes, "ERR_SYNC_BAD_PROOF");
    assert.equal((badTx as SyncError & { proof: string }).proof, "tx_path");
    const sibling = placement.chunks.find((candidate) => candidate.tx === chunk.tx && candidate.chunk_index === 3);
    assert.ok(sibling);
    const badData = expectError({ ...requestFor(placement, chunk, offset, false), dataPath: hex(sibling.data_path_hex) }, bytes, "ERR_SYNC_BAD_PROOF");
    assert.equal((badData as SyncError & { proof: string }).proof, "data_path");
  });

  it("an oversized data_path: ERR_SYNC_PATH_TOO_LONG", () => {
    const long = new Uint8Array(MAX_PATH_SIZE_BYTES + 96);
    expectError({ ...requestFor(placement, chunk, offset, false), dataPath: long }, bytes, "ERR_SYNC_PATH_TOO_LONG");
  });

  it("request offsets are 1-based", () => {
    assert.throws(() => proofSeekByte(0n, false), (err: unknown) => err instanceof SyncError && err.code === "ERR_SYNC_BAD_ARGUMENT");
    assert.equal(proofSeekByte(1n, false), 0n);
  });
});

describe("bounds the clamped validator cannot catch", () => {
  // A dishonest tx tree whose second leaf ends before the first: a basic-valid path to it proves
  // [100, 101), which does not contain the byte asked for.
  const dataRoot = dataTreeFromData(new Uint8Array(50)).root;
  const txTree = buildMerkleTree([
    { data: new Uint8Array(32), end: 100n },
    { data: dataRoot, end: 50n },
  ]);

  it("a tx_path leaf that does not cover the byte: ERR_SYNC_OFFSET_OUTSIDE_PROOF", () => {
    const request: ChunkProofRequest = {
      txRoot: txTree.root, blockStart: 0n, blockSize: 200n, requestedOffset: 121n, bucketBased: false,
      txPath: generateMerklePath(txTree, 120n), dataPath: new Uint8Array(64), rules: "2.6",
    };
    const result = validateChunkProofPaths(request);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, "ERR_SYNC_OFFSET_OUTSIDE_PROOF");
  });

  it("HEAD rejects a leaf that ends before its left bound; 2.6 lets it through", () => {
    const one = Uint8Array.of(7);
    const dataTree = buildMerkleTree([{ data: new Uint8Array(32), end: 100n }, { data: chunkId(one), end: 50n }]);
    const singleTx = buildMerkleTree([{ data: dataTree.root, end: 200n }]);
    const request = (rules: DataPathRules): ChunkProofRequest => ({
      txRoot: singleTx.root, blockStart: 1000n, blockSize: 200n, requestedOffset: 1101n, bucketBased: false,
      txPath: generateMerklePath(singleTx, 100n), dataPath: generateMerklePath(dataTree, 100n), rules,
    });
    expectError(request("head"), one, "ERR_SYNC_NON_POSITIVE_LEAF_SIZE");
    assert.equal(expectOk(request("2.6"), one).absoluteEnd, 1101n);
  });
});

describe("HEAD rebase support above the 2.7 threshold", () => {
  const tx = vectors.rebase_tx;
  const data = bytesOf(tx.name);
  const txTree = buildMerkleTree([{ data: hex(tx.data_root_hex), end: BigInt(tx.data_size) }]);
  const blockStart = MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES;

  function request(index: number, rules: DataPathRules): ChunkProofRequest {
    const chunk = tx.chunks[index];
    assert.ok(chunk);
    return {
      txRoot: txTree.root, blockStart, blockSize: BigInt(tx.data_size), requestedOffset: blockStart + BigInt(chunk.start) + 1n,
      bucketBased: false, txPath: generateMerklePath(txTree, 0n), dataPath: hex(chunk.data_path_hex ?? ""), rules,
    };
  }

  for (const chunk of tx.chunks) {
    it(`chunk ${chunk.index}: HEAD proves it at its absolute offsets; 2.6 only without markers`, () => {
      const bytes = data.subarray(chunk.start, chunk.end);
      const proven = expectOk(request(chunk.index, "head"), bytes);
      assert.equal(proven.dataPathRuleset, "offset_rebase_support");
      assert.equal(proven.absoluteStart, blockStart + BigInt(chunk.start));
      assert.equal(proven.absoluteEnd, blockStart + BigInt(chunk.end));
      const v26 = validateChunkProof(request(chunk.index, "2.6"), bytes);
      assert.equal(v26.ok, chunk.has_leading_rebase_marker !== true);
    });
  }

  it("HEAD rejects a redundant marker that the rebase ruleset itself accepts", () => {
    const c = vectors.corruptions.find((corruption) => corruption.head_has_redundant_rebase_marker);
    const t1 = txByName(vectors, "t1_five_full_plus_tail");
    const chunk = t1.chunks.find((candidate) => candidate.start === c?.dest);
    assert.ok(c && chunk);
    const t1Tree = buildMerkleTree([{ data: hex(t1.data_root_hex), end: BigInt(t1.data_size) }]);
    const base: ChunkProofRequest = {
      txRoot: t1Tree.root, blockStart, blockSize: BigInt(t1.data_size), requestedOffset: blockStart + BigInt(c.dest) + 1n,
      bucketBased: false, txPath: generateMerklePath(t1Tree, 0n), dataPath: hex(c.path_hex), rules: "head",
    };
    const bytes = bytesOf(t1.name).subarray(chunk.start, chunk.end);
    expectError(base, bytes, "ERR_SYNC_REDUNDANT_REBASE_MARKER");
    expectOk({ ...base, dataPath: hex(chunk.data_path_hex ?? "") }, bytes);
  });
});

describe("paddedOffset", () => {
  it("rounds up to the bucket grid above the threshold only", () => {
    const threshold = BigInt(vectors.constants["strict_data_split_threshold"] ?? 0);
    const chunk = BigInt(DATA_CHUNK_SIZE_BYTES);
    assert.equal(paddedOffset(threshold + 1n), threshold + chunk);
    assert.equal(paddedOffset(threshold + chunk), threshold + chunk);
    assert.equal(paddedOffset(threshold + chunk + 1n), threshold + 2n * chunk);
    assert.equal(paddedOffset(threshold - 5n), threshold - 5n);
  });
});
