// validate_path under every ruleset against merkle.json: every chunk and dest, the rebase tree,
// corrupted paths, tx paths, the real-world anchor, and HEAD's admission verdicts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_PATH_SIZE_BYTES } from "./constants.ts";
import { admitDataPathHead, hasRedundantRebaseMarker } from "./chunk-proof.ts";
import { BadArgumentError } from "./errors.ts";
import { generateMerklePath, buildMerkleTree } from "./merkle.ts";
import type { MerkleElementInput, MerkleLeafInput } from "./merkle.ts";
import { rulesetAllowsRebase, validatePath } from "./validate-path.ts";
import type { PathRuleset } from "./validate-path.ts";
import { allTxData, assertPathResult, RULESET_BY_VALIDATOR, rulesetFor } from "./test-helpers/fixtures.ts";
import { hex, loadMerkleVectors } from "./test-helpers/vectors.ts";
import type { ChunkVector, TxVector } from "./test-helpers/vectors.ts";

const vectors = loadMerkleVectors();
const dataOf = allTxData(vectors);
const ALL_VALIDATORS = Object.keys(RULESET_BY_VALIDATOR);

function provableChunks(tx: TxVector): ChunkVector[] {
  return tx.chunks.filter((chunk) => chunk.zero_length !== true);
}

function checkChunkResults(tx: TxVector, chunk: ChunkVector): number {
  const validate = chunk.validate;
  assert.ok(validate, `${tx.name} chunk ${chunk.index} has results`);
  assert.deepEqual(Object.keys(validate.results).sort(), [...ALL_VALIDATORS].sort());
  let checks = 0;
  for (const dest of validate.dests) {
    for (const [validator, expected] of Object.entries(validate.results)) {
      const path = hex(chunk.data_path_hex ?? "");
      const actual = validatePath(hex(tx.data_root_hex), BigInt(dest), BigInt(validate.right_bound), path, rulesetFor(validator));
      assertPathResult(actual, expected, `${tx.name} chunk ${chunk.index} dest ${dest} ${validator}`);
      checks += 1;
    }
  }
  return checks;
}

describe("data paths of the prng txs, every ruleset, both dests", () => {
  for (const tx of [...vectors.txs, vectors.rebase_tx]) {
    it(tx.name, () => {
      const checks = provableChunks(tx).reduce((sum, chunk) => sum + checkChunkResults(tx, chunk), 0);
      assert.equal(checks, provableChunks(tx).length * 2 * ALL_VALIDATORS.length);
    });
  }

  it("t4: 2.6's path-size rule is the only difference between the two strict splits", () => {
    const tx = vectors.txs.find((t) => t.name === "t4_tiny_second_last");
    const chunk = tx?.chunks[0];
    assert.ok(tx && chunk);
    const args = [hex(tx.data_root_hex), 0n, BigInt(tx.data_size), hex(chunk.data_path_hex ?? "")] as const;
    assert.equal(validatePath(...args, "strict_data_split").ok, true);
    const v26 = validatePath(...args, "strict_data_split_2_6");
    assert.deepEqual(v26, { ok: false, reason: "split" });
  });
});

describe("corrupted paths", () => {
  for (const corruption of vectors.corruptions) {
    it(corruption.name, () => {
      for (const [validator, expected] of Object.entries(corruption.results)) {
        const actual = validatePath(
          hex(corruption.root_hex),
          BigInt(corruption.dest),
          BigInt(corruption.right_bound),
          hex(corruption.path_hex),
          rulesetFor(validator),
        );
        assertPathResult(actual, expected, `${corruption.name} ${validator}`);
      }
      const redundant = hasRedundantRebaseMarker(
        hex(corruption.root_hex),
        BigInt(corruption.dest),
        BigInt(corruption.right_bound),
        hex(corruption.path_hex),
      );
      assert.equal(redundant, corruption.head_has_redundant_rebase_marker);
    });
  }

  it("reports why: hash mismatch for flipped bytes, malformed for bad lengths", () => {
    const reasonOf = (name: string): string | undefined => {
      const c = vectors.corruptions.find((corruption) => corruption.name === name);
      assert.ok(c, name);
      const result = validatePath(hex(c.root_hex), BigInt(c.dest), BigInt(c.right_bound), hex(c.path_hex), "basic");
      return result.ok ? undefined : result.reason;
    };
    assert.equal(reasonOf("flip_first_byte_of_first_left_hash"), "hash_mismatch");
    assert.equal(reasonOf("flip_byte_in_leaf_data_hash"), "hash_mismatch");
    assert.equal(reasonOf("path_against_other_tx_root"), "hash_mismatch");
    assert.equal(reasonOf("truncate_last_byte"), "malformed");
    assert.equal(reasonOf("append_zero_byte"), "malformed");
    assert.equal(reasonOf("empty_path"), "malformed");
  });
});

describe("tx paths of the synthetic blocks (basic rules)", () => {
  for (const name of ["block_pre_2_5", "block_post_2_5", "block2_post_2_5"] as const) {
    it(name, () => {
      const block = vectors[name];
      let checked = 0;
      for (const entry of block.tx_root_entries) {
        const validate = entry.tx_path_validate;
        if (validate === undefined) continue;
        for (const dest of validate.dests) {
          for (const expected of [validate.v26_validate_path, validate.head_basic_ruleset]) {
            const result = validatePath(hex(block.tx_root_hex), BigInt(dest), BigInt(validate.right_bound), hex(entry.tx_path_hex ?? ""), "basic");
            assertPathResult(result, expected, `${name} ${entry.tx ?? "?"} dest ${dest}`);
            checked += 1;
          }
        }
      }
      assert.equal(checked, block.tx_root_entries.filter((entry) => entry.kind === "tx").length * 4);
    });
  }
});

describe("real-world anchor paths under all seven validators", () => {
  for (const published of vectors.real_world.rebar3.published_paths) {
    it(`offset ${published.offset}`, () => {
      for (const [validator, expected] of Object.entries(published.results)) {
        const result = validatePath(
          hex(vectors.real_world.rebar3.data_root_hex),
          BigInt(published.offset),
          BigInt(published.data_size),
          hex(published.data_path_hex),
          rulesetFor(validator),
        );
        assertPathResult(result, expected, validator);
      }
    });
  }
});

describe("HEAD admission of uploaded chunks (ar_poa:validate_data_path)", () => {
  for (const tx of [...vectors.txs, vectors.rebase_tx]) {
    it(tx.name, () => {
      const data = dataOf.get(tx.name) ?? assert.fail(tx.name);
      for (const chunk of provableChunks(tx)) {
        const expected = chunk.head_ar_poa_validate_data_path;
        assert.ok(expected);
        const bytes = data.subarray(chunk.start, chunk.end);
        const path = hex(chunk.data_path_hex ?? "");
        const admission = admitDataPathHead(hex(tx.data_root_hex), BigInt(chunk.start), BigInt(tx.data_size), path, bytes);
        assert.equal(admission.ok, expected.ok, `chunk ${chunk.index} ok`);
        if (!expected.ok) continue;
        assert.equal(admission.endOffset, BigInt(expected.end_offset ?? -1));
        assert.equal(admission.passesStrictDataSplit, expected.passes_strict_data_split);
        assert.equal(admission.passesStrictBorders, expected.passes_strict_borders);
        assert.equal(admission.passesOffsetRebaseSupport, expected.passes_offset_rebase_support);
        const tampered = Uint8Array.from(bytes);
        tampered[0] = (tampered[0] ?? 0) ^ 1;
        const rejected = admitDataPathHead(hex(tx.data_root_hex), BigInt(chunk.start), BigInt(tx.data_size), path, tampered);
        assert.equal(rejected.ok, false, `chunk ${chunk.index} tampered`);
      }
    });
  }

  it("rejects the prepended-marker path although the rebase ruleset accepts it", () => {
    const c = vectors.corruptions.find((corruption) => corruption.head_has_redundant_rebase_marker);
    assert.ok(c);
    const t1 = vectors.txs.find((tx) => tx.data_root_hex === c.root_hex);
    assert.ok(t1);
    const chunk = t1.chunks.find((candidate) => candidate.start <= c.dest && c.dest < candidate.end);
    assert.ok(chunk);
    const bytes = (dataOf.get(t1.name) ?? assert.fail(t1.name)).subarray(chunk.start, chunk.end);
    const args = [hex(c.root_hex), BigInt(c.dest), BigInt(c.right_bound), hex(c.path_hex)] as const;
    assert.equal(validatePath(...args, "offset_rebase_support").ok, true);
    const admission = admitDataPathHead(...args, bytes);
    assert.equal(admission.passesOffsetRebaseSupport, true);
    assert.equal(admission.ok, false);
  });
});

describe("rebased subtrees in the middle of a tree (generator and validator agree on absolute offsets)", () => {
  const C = 262_144n;
  const leaf = (tag: number, end: bigint): MerkleLeafInput => ({ data: new Uint8Array(32).fill(tag), end });
  // Subtree ends restart at 0; leaves after a subtree carry absolute ends, as in HEAD's generate_tree.
  const layouts: { name: string; elements: MerkleElementInput[]; starts: bigint[]; ends: bigint[] }[] = [
    {
      name: "[c0, c1, [s0, s1], c3]: a left turn into the subtree below a right turn",
      // The last leaf starts off a border, so (relaxed split) it must end inside the next bucket.
      elements: [leaf(1, C), leaf(2, 2n * C), { rebased: [leaf(3, C), leaf(4, C + 50_000n)] }, leaf(5, 4n * C + 10_000n)],
      starts: [0n, C, 2n * C, 3n * C, 3n * C + 50_000n],
      ends: [C, 2n * C, 3n * C, 3n * C + 50_000n, 4n * C + 10_000n],
    },
    {
      name: "[c0, [s0, s1], c2, c3]: a rebased right child lifts the notes after it",
      elements: [leaf(1, C), { rebased: [leaf(3, C), leaf(4, 2n * C)] }, leaf(5, 4n * C), leaf(6, 4n * C + 7n)],
      starts: [0n, C, 2n * C, 3n * C, 4n * C],
      ends: [C, 2n * C, 3n * C, 4n * C, 4n * C + 7n],
    },
  ];
  for (const layout of layouts) {
    it(layout.name, () => {
      const tree = buildMerkleTree(layout.elements);
      const size = layout.ends.at(-1) ?? 0n;
      layout.starts.forEach((start, i) => {
        const path = generateMerklePath(tree, start);
        const result = validatePath(tree.root, start, size, path, "offset_rebase_support");
        assert.ok(result.ok, `leaf ${i}: ${result.ok ? "" : result.reason}`);
        assert.equal(result.start, start, `leaf ${i} start`);
        assert.equal(result.end, layout.ends[i], `leaf ${i} end`);
        assert.equal(result.noOpRebaseMarkers, 0, `leaf ${i} markers all shift`);
      });
    });
  }
});

describe("limits and arguments", () => {
  const tx = vectors.txs.find((t) => t.name === "t0_single_small");
  assert.ok(tx);
  const root = hex(tx.data_root_hex);

  it("MAX_PATH_SIZE: one byte over is path_too_long, at the limit it is judged on its content", () => {
    const over = validatePath(root, 0n, 1n, new Uint8Array(MAX_PATH_SIZE_BYTES + 1), "basic");
    assert.deepEqual(over, { ok: false, reason: "path_too_long" });
    const at = validatePath(root, 0n, 1n, new Uint8Array(MAX_PATH_SIZE_BYTES), "basic");
    assert.equal(at.ok, false);
    assert.notEqual(at.ok ? "" : at.reason, "path_too_long");
  });

  it("a deep but legal path validates (4096 leaves, 12 levels)", () => {
    const leaves = Array.from({ length: 4096 }, (_, i) => ({ data: new Uint8Array(32).fill(i % 251), end: BigInt((i + 1) * 1000) }));
    const tree = buildMerkleTree(leaves);
    const path = generateMerklePath(tree, 2_500_123n);
    const result = validatePath(tree.root, 2_500_123n, 4_096_000n, path, "strict_borders");
    assert.ok(result.ok);
    assert.equal(result.start, 2_500_000n);
    assert.equal(result.end, 2_501_000n);
  });

  it("right bound <= 0 is a caller bug and throws a typed error", () => {
    const path = hex(tx.chunks[0]?.data_path_hex ?? "");
    assert.throws(() => validatePath(root, 0n, 0n, path, "basic"), (err: unknown) => {
      return err instanceof BadArgumentError && err.code === "ERR_SYNC_BAD_ARGUMENT";
    });
  });

  it("dest is clamped: a far-out dest still proves the last chunk (callers must check bounds)", () => {
    const path = hex(tx.chunks[0]?.data_path_hex ?? "");
    const result = validatePath(root, 10n ** 30n, BigInt(tx.data_size), path, "basic");
    assert.ok(result.ok);
    assert.equal(result.end, BigInt(tx.data_size));
  });

  it("only the rebase ruleset understands markers", () => {
    const rulesets: PathRuleset[] = ["basic", "strict_borders", "strict_data_split", "strict_data_split_2_6", "offset_rebase_support"];
    assert.deepEqual(rulesets.filter(rulesetAllowsRebase), ["offset_rebase_support"]);
  });
});
