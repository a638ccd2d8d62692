// Real mainnet blocks (real_blocks.json): every tx_root recomputed from the tx list, v1 data roots
// rebuilt from chunk ids, the ordering traps, and real tx paths (the padding leaf is unprovable).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DATA_CHUNK_SIZE_BYTES_BIG, STRICT_DATA_SPLIT_THRESHOLD_BYTES } from "./constants.ts";
import { compareBytes } from "./bytes.ts";
import {
  buildBlockTxTree,
  dataTreeFromChunkIds,
  generateMerklePath,
  sizeTaggedTxEntries,
  standardChunkEnds,
  txTreeFromEntries,
} from "./merkle.ts";
import type { BlockTxInput } from "./merkle.ts";
import { validatePath } from "./validate-path.ts";
import { b64url, loadRealBlocks } from "./test-helpers/vectors.ts";
import type { RealBlockVector, RealTxVector } from "./test-helpers/vectors.ts";

const { blocks } = loadRealBlocks();

/** v1 txs carry their data; the node rebuilds their data_root from the (standard) chunk split. */
function v1DataRoot(tx: RealTxVector): Uint8Array {
  const ids = tx.v1_chunk_ids ?? [];
  const ends = tx.v1_chunk_ends ?? [];
  assert.deepEqual(standardChunkEnds(BigInt(tx.data_size)), ends.map(BigInt), `${tx.id} split`);
  return dataTreeFromChunkIds(ids.map((id, i) => ({ chunkId: b64url(id), end: BigInt(ends[i] ?? -1) }))).root;
}

function txInputs(block: RealBlockVector): BlockTxInput[] {
  return block.txs_in_block_order.map((tx) => {
    const dataRoot = tx.format === 1 ? v1DataRoot(tx) : b64url(tx.data_root ?? "");
    if (tx.format === 1) assert.deepEqual(dataRoot, b64url(tx.data_root_computed ?? ""), `${tx.id} v1 data_root`);
    return { format: tx.format, id: b64url(tx.id), dataRoot, dataSize: BigInt(tx.data_size) };
  });
}

function rootOf(ordered: readonly BlockTxInput[], height: number): Uint8Array {
  return txTreeFromEntries(sizeTaggedTxEntries(ordered, height)).root;
}

describe("real mainnet blocks", () => {
  assert.equal(blocks.length, 7);

  for (const block of blocks) {
    it(`height ${block.height}: tx_root from the tx list`, () => {
      const txs = txInputs(block);
      const { tree, entries, blockSize } = buildBlockTxTree(txs, block.height);
      assert.deepEqual(tree.root, b64url(block.tx_root));
      assert.equal(blockSize, BigInt(block.block_size));
      assert.equal(BigInt(block.block_start) + blockSize, BigInt(block.weave_size));
      assert.equal(entries.length, block.n_entries_incl_padding);
      assert.equal(entries.some((entry) => entry.kind === "padding"), block.padded);
    });

    it(`height ${block.height}: block order and id-only order match only when the vector says so`, () => {
      const txs = txInputs(block);
      const expected = b64url(block.tx_root);
      const inBlockOrder = compareBytes(rootOf(txs, block.height), expected) === 0;
      const byIdOnly = [...txs].sort((a, b) => compareBytes(a.id, b.id));
      assert.equal(inBlockOrder, block.tx_root_if_block_order_matches);
      assert.equal(compareBytes(rootOf(byIdOnly, block.height), expected) === 0, block.tx_root_if_sorted_by_id_only_matches);
    });

    it(`height ${block.height}: sample tx paths are regenerated and validate as recorded`, () => {
      const { tree } = buildBlockTxTree(txInputs(block), block.height);
      const root = b64url(block.tx_root);
      for (const sample of block.sample_tx_paths) {
        const path = b64url(sample.tx_path_b64url);
        assert.equal(path.length, sample.tx_path_len);
        assert.deepEqual(generateMerklePath(tree, BigInt(sample.start)), path, `${sample.kind} at ${sample.start}`);
        const result = validatePath(root, BigInt(sample.start), BigInt(block.block_size), path, "basic");
        assert.equal(result.ok, sample.validate_basic.ok, `${sample.kind} at ${sample.start}`);
        if (!result.ok) {
          assert.equal(sample.kind, "padding");
          assert.equal(result.reason, "malformed");
          continue;
        }
        assert.deepEqual(result.leaf, b64url(sample.validate_basic.leaf_b64url ?? ""));
        assert.equal(result.start, BigInt(sample.validate_basic.start ?? -1));
        assert.equal(result.end, BigInt(sample.validate_basic.end ?? -1));
      }
    });
  }

  it("552190 mixes v1 and v2 txs, so only the (format, id) order reproduces it", () => {
    const mixed = blocks.find((block) => new Set(block.txs_in_block_order.map((tx) => tx.format)).size > 1);
    assert.ok(mixed);
    assert.equal(mixed.tx_root_if_sorted_by_id_only_matches, false);
  });

  it("post-fork block starts lie on the bucket grid", () => {
    const gridded = blocks.filter((block) => block.block_start_minus_threshold_mod_256k !== null);
    assert.ok(gridded.length > 0);
    for (const block of gridded) {
      const offset = BigInt(block.block_start) - STRICT_DATA_SPLIT_THRESHOLD_BYTES;
      assert.equal(offset % DATA_CHUNK_SIZE_BYTES_BIG, BigInt(block.block_start_minus_threshold_mod_256k ?? -1));
    }
  });
});
