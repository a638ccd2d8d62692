// Tree building, data_root, tx_root and path generation against merkle.json (ar_merkle/ar_tx/ar_block output).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DATA_CHUNK_SIZE_BYTES,
  FORK_2_5_HEIGHT,
  HASH_SIZE_BYTES,
  MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES,
  NOTE_SIZE_BYTES,
  REBASE_MARKER_BYTES,
  STRICT_DATA_SPLIT_THRESHOLD_BYTES,
} from "./constants.ts";
import {
  buildBlockTxTree,
  buildMerkleTree,
  chunkId,
  dataTreeFromChunkIds,
  dataTreeFromData,
  extractPathNote,
  extractPathRoot,
  generateMerklePath,
  leafId,
  parsePathSegments,
  pathLengthBytes,
  standardChunkEnds,
} from "./merkle.ts";
import type { BlockTxInput, MerkleElementInput } from "./merkle.ts";
import { BadArgumentError } from "./errors.ts";
import { txByName, txData } from "./test-helpers/fixtures.ts";
import { prngLabel, prngStream } from "./test-helpers/prng.ts";
import { b64url, hex, loadMerkleVectors, toHex } from "./test-helpers/vectors.ts";
import type { BlockVector, TxVector } from "./test-helpers/vectors.ts";

const vectors = loadMerkleVectors();

function chunkEnds(tx: TxVector): bigint[] {
  assert.ok(tx.chunk_ends, `${tx.name} lists chunk_ends`);
  return tx.chunk_ends.map(BigInt);
}

describe("constants", () => {
  it("match the vector file's constants", () => {
    const c = vectors.constants;
    assert.equal(DATA_CHUNK_SIZE_BYTES, c["data_chunk_size"]);
    assert.equal(HASH_SIZE_BYTES, c["hash_size"]);
    assert.equal(NOTE_SIZE_BYTES, c["note_size"]);
    assert.equal(FORK_2_5_HEIGHT, c["fork_2_5_height"]);
    assert.equal(STRICT_DATA_SPLIT_THRESHOLD_BYTES, BigInt(c["strict_data_split_threshold"] ?? 0));
    assert.equal(MERKLE_REBASE_SUPPORT_THRESHOLD_BYTES, BigInt(c["merkle_rebase_support_threshold"] ?? 0));
  });
});

describe("data_root over prng txs", () => {
  for (const tx of vectors.txs) {
    it(`${tx.name}: data_root, tx id, chunk ids, generated data paths`, () => {
      const data = txData(vectors, tx);
      const tree = dataTreeFromData(data, chunkEnds(tx));
      assert.equal(toHex(tree.root), tx.data_root_hex);
      assert.deepEqual(tree.root, b64url(tx.data_root_b64url));
      assert.equal(toHex(prngStream(prngLabel(vectors.prng_prefix, "txid"), tx.v, 32)), tx.tx_id_hex);
      for (const chunk of tx.chunks) {
        if (chunk.zero_length === true) continue;
        assert.equal(toHex(chunkId(data.subarray(chunk.start, chunk.end))), chunk.chunk_id_hex, `chunk ${chunk.index} id`);
        const path = generateMerklePath(tree, BigInt(chunk.start));
        assert.equal(toHex(path), chunk.data_path_hex, `chunk ${chunk.index} path`);
        assert.equal(path.length, chunk.data_path_len);
      }
    });
  }

  it("the standard split reproduces every 'standard' tx's chunk ends, zero-length leaf included", () => {
    const standard = vectors.txs.filter((tx) => tx.split?.startsWith("standard") === true);
    assert.ok(standard.length >= 3);
    for (const tx of standard) assert.deepEqual(standardChunkEnds(BigInt(tx.data_size)), chunkEnds(tx), tx.name);
    assert.deepEqual(dataTreeFromData(txData(vectors, txByName(vectors, "t2_exact_multiple"))).root,
      hex(txByName(vectors, "t2_exact_multiple").data_root_hex));
  });

  it("dropping t2's zero-length trailing leaf gives the documented wrong root", () => {
    const tx = txByName(vectors, "t2_exact_multiple");
    const data = txData(vectors, tx);
    const zeroLeaf = tx.chunks.find((chunk) => chunk.zero_length === true);
    assert.ok(zeroLeaf, "t2 has a zero-length leaf");
    assert.equal(zeroLeaf.size, 0);
    const withoutZeroLeaf = dataTreeFromData(data, chunkEnds(tx).slice(0, -1));
    assert.equal(toHex(withoutZeroLeaf.root), vectors.t2_wrong_root_if_zero_length_leaf_omitted_hex);
    assert.notEqual(toHex(withoutZeroLeaf.root), tx.data_root_hex);
  });

  it("data of size 0 is one empty leaf at end 0", () => {
    assert.deepEqual(standardChunkEnds(0n), [0n]);
    assert.deepEqual(dataTreeFromData(new Uint8Array(0)).root, leafId(chunkId(new Uint8Array(0)), 0n));
    assert.deepEqual(buildMerkleTree([]).root, new Uint8Array(0));
  });

  it("rejects chunk ends that do not cover the data", () => {
    assert.throws(() => dataTreeFromData(new Uint8Array(10), [5n]), BadArgumentError);
    assert.throws(() => dataTreeFromData(new Uint8Array(10), [6n, 5n, 10n]), BadArgumentError);
  });
});

describe("rebased subtree (HEAD generate_tree with a nested list)", () => {
  const tx = vectors.rebase_tx;
  const data = txData(vectors, tx);

  function leafFor(index: number): MerkleElementInput {
    const chunk = tx.chunks[index];
    assert.ok(chunk);
    const bytes = data.subarray(chunk.start, chunk.end);
    // Inside the rebased subtree, ends restart at 0 (the tags in the vector).
    const end = index === 0 ? BigInt(chunk.end) : BigInt(chunk.end - (tx.chunks[1]?.start ?? 0));
    return { data: chunkId(bytes), end };
  }

  it("reproduces data_root and every path, markers included", () => {
    const tree = buildMerkleTree([leafFor(0), { rebased: [leafFor(1), leafFor(2)] }]);
    assert.equal(toHex(tree.root), tx.data_root_hex);
    for (const chunk of tx.chunks) {
      const path = generateMerklePath(tree, BigInt(chunk.start));
      assert.equal(toHex(path), chunk.data_path_hex, `chunk ${chunk.index}`);
      const leading = path.subarray(0, REBASE_MARKER_BYTES).every((byte) => byte === 0);
      assert.equal(leading, chunk.has_leading_rebase_marker);
    }
  });

  it("the flat tree over the same chunks has a different root", () => {
    const flat = dataTreeFromData(data, tx.chunks.map((chunk) => BigInt(chunk.end)));
    assert.notEqual(toHex(flat.root), tx.data_root_hex);
  });
});

function blockTxs(block: BlockVector): BlockTxInput[] {
  // Reversed so that only the (format, id) sort can put them back in tree order.
  return block.tx_root_entries
    .filter((entry) => entry.kind === "tx")
    .reverse()
    .map((entry) => {
      const tx = txByName(vectors, entry.tx ?? "");
      return { format: 2, id: hex(tx.tx_id_hex ?? ""), dataRoot: hex(tx.data_root_hex), dataSize: BigInt(tx.data_size) };
    });
}

describe("tx_root over synthetic blocks", () => {
  for (const name of ["block_pre_2_5", "block_post_2_5", "block2_post_2_5"] as const) {
    const block = vectors[name];
    it(`${name} (height ${block.height}): root, entries, sizes and tx paths`, () => {
      const { tree, entries, blockSize } = buildBlockTxTree(blockTxs(block), block.height);
      assert.equal(toHex(tree.root), block.tx_root_hex);
      assert.deepEqual(tree.root, b64url(block.tx_root_b64url));
      assert.equal(blockSize, BigInt(block.block_size));
      assert.equal(BigInt(block.block_start) + blockSize, BigInt(block.weave_size));
      assert.equal(entries.length, block.tx_root_entries.length);
      block.tx_root_entries.forEach((expected, i) => {
        const entry = entries[i];
        assert.ok(entry);
        assert.equal(entry.kind, expected.kind, `entry ${i} kind`);
        assert.equal(entry.start, BigInt(expected.start));
        assert.equal(entry.end, BigInt(expected.end));
        assert.equal(toHex(entry.dataRoot), expected.data_root_hex);
        assert.equal(toHex(leafId(entry.dataRoot, entry.end)), expected.leaf_id_hex);
        if (expected.tx_path_hex !== undefined) {
          assert.equal(toHex(generateMerklePath(tree, entry.start)), expected.tx_path_hex, `entry ${i} tx_path`);
        }
      });
    });
  }

  it("padding appears only from the fork height", () => {
    const txs = blockTxs(vectors.block_post_2_5);
    const before = buildBlockTxTree(txs, FORK_2_5_HEIGHT - 1);
    const after = buildBlockTxTree(txs, FORK_2_5_HEIGHT);
    assert.ok(before.entries.every((entry) => entry.kind === "tx"));
    assert.ok(after.entries.some((entry) => entry.kind === "padding"));
    assert.equal(after.blockSize % BigInt(DATA_CHUNK_SIZE_BYTES), 0n);
    assert.equal(toHex(before.tree.root), vectors.block_pre_2_5.tx_root_hex);
  });

  it("a block without txs has an empty tx_root", () => {
    const empty = buildBlockTxTree([], FORK_2_5_HEIGHT);
    assert.equal(empty.tree.root.length, 0);
    assert.equal(empty.blockSize, 0n);
    assert.throws(() => generateMerklePath(empty.tree, 0n), BadArgumentError);
  });
});

describe("real-world anchor (arweave-js test/rebar3)", () => {
  const rebar3 = vectors.real_world.rebar3;
  const tree = dataTreeFromChunkIds(
    rebar3.chunk_ids_hex.map((id, i) => ({ chunkId: hex(id), end: BigInt(rebar3.chunk_ends[i] ?? -1) })),
  );

  it("data_root equals the published root", () => {
    assert.equal(toHex(tree.root), rebar3.data_root_hex);
    assert.deepEqual(tree.root, b64url(rebar3.data_root_b64url));
    assert.deepEqual(standardChunkEnds(BigInt(rebar3.data_size)), rebar3.chunk_ends.map(BigInt));
  });

  it("generate_path reproduces both published data paths byte for byte", () => {
    for (const published of rebar3.published_paths) {
      const path = generateMerklePath(tree, BigInt(published.offset));
      assert.equal(toHex(path), published.data_path_hex);
      assert.deepEqual(path, b64url(published.data_path_b64url));
    }
  });
});

describe("path byte layout", () => {
  const tx = txByName(vectors, "t1_five_full_plus_tail");
  for (const chunk of tx.chunks) {
    it(`t1 chunk ${chunk.index}: segments, length, extract_root, extract_note`, () => {
      const path = hex(chunk.data_path_hex ?? "");
      const segments = parsePathSegments(path, false);
      assert.ok(segments);
      const branches = segments.filter((segment) => segment.kind === "branch").length;
      assert.equal(segments.at(-1)?.kind, "leaf");
      assert.equal(pathLengthBytes(branches), path.length);
      assert.equal(toHex(extractPathRoot(path) ?? new Uint8Array(0)), tx.data_root_hex);
      assert.equal(extractPathNote(path), BigInt(chunk.end));
    });
  }

  it("markers are counted in the length and only parsed when allowed", () => {
    const path = hex(vectors.rebase_tx.chunks[1]?.data_path_hex ?? "");
    const withMarkers = parsePathSegments(path, true);
    assert.ok(withMarkers);
    assert.deepEqual(withMarkers.map((segment) => segment.kind), ["marker", "branch", "branch", "leaf"]);
    assert.equal(pathLengthBytes(2, 1), path.length);
    // Read without marker support, 288 bytes are three branches and no leaf: not a path.
    assert.equal(parsePathSegments(path, false), undefined);
    assert.equal(parsePathSegments(path.subarray(1), true), undefined);
    assert.equal(parsePathSegments(new Uint8Array(0), true), undefined);
  });
});
