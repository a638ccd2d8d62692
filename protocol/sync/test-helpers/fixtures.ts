// Shared test fixtures: tx data from the prng recipe, the validator-name mapping, and a result check.
import assert from "node:assert/strict";
import type { PathRuleset, PathValidation } from "../validate-path.ts";
import { prngLabel, prngStream } from "./prng.ts";
import { toHex } from "./vectors.ts";
import type { MerkleVectors, PathResultVector, TxVector } from "./vectors.ts";

/**
 * Vector result keys -> our rulesets. 2.6 validate_path and HEAD basic are the same rules, as are
 * the two strict_borders; the strict split differs (2.6 adds the path-size rule).
 */
export const RULESET_BY_VALIDATOR: Readonly<Record<string, PathRuleset>> = {
  "v26.validate_path": "basic",
  "v26.validate_path_strict_borders": "strict_borders",
  "v26.validate_path_strict_data_split": "strict_data_split_2_6",
  "head.basic_ruleset": "basic",
  "head.strict_borders_ruleset": "strict_borders",
  "head.strict_data_split_ruleset": "strict_data_split",
  "head.offset_rebase_support_ruleset": "offset_rebase_support",
};

export function rulesetFor(validator: string): PathRuleset {
  const ruleset = RULESET_BY_VALIDATOR[validator];
  if (ruleset === undefined) throw new Error(`vector names an unknown validator ${validator}`);
  return ruleset;
}

/** The bytes of tx `tx`: prng_stream("{prefix}-txdata", v, data_size). */
export function txData(vectors: MerkleVectors, tx: TxVector): Uint8Array {
  return prngStream(prngLabel(vectors.prng_prefix, "txdata"), tx.v, tx.data_size);
}

/** Every tx's bytes, generated once per test file (t1 alone is 1.3 MB of SHA-256 output). */
export function allTxData(vectors: MerkleVectors): ReadonlyMap<string, Uint8Array> {
  return new Map([...vectors.txs, vectors.rebase_tx].map((tx) => [tx.name, txData(vectors, tx)]));
}

export function txByName(vectors: MerkleVectors, name: string): TxVector {
  const tx = name === vectors.rebase_tx.name ? vectors.rebase_tx : vectors.txs.find((t) => t.name === name);
  if (tx === undefined) throw new Error(`vector tx ${name} not found`);
  return tx;
}

export function assertPathResult(actual: PathValidation, expected: PathResultVector, label: string): void {
  assert.equal(actual.ok, expected.ok, `${label}: ok`);
  if (!actual.ok || !expected.ok) return;
  assert.equal(toHex(actual.leaf), expected.leaf_hex, `${label}: leaf`);
  assert.equal(actual.start, BigInt(expected.start ?? -1), `${label}: start`);
  assert.equal(actual.end, BigInt(expected.end ?? -1), `${label}: end`);
}
