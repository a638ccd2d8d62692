import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deepHash, deepHashBytes, type DeepHashInput } from "./deep-hash.ts";
import { bytesFromSpec, loadAns104Vectors, toHex, type DeepHashVectorInput } from "./test-support.ts";

const vectors = loadAns104Vectors();

function toInput(spec: DeepHashVectorInput): DeepHashInput {
  if (Array.isArray(spec)) return spec.map(toInput);
  return bytesFromSpec(spec as Exclude<DeepHashVectorInput, readonly unknown[]>, vectors.prng_prefix);
}

describe("deep hash (SHA-384)", () => {
  it("has the vectors", () => assert.equal(vectors.deep_hash.length, 14));
  for (const vector of vectors.deep_hash) {
    it(vector.name, () => {
      const hash = deepHash(toInput(vector.input));
      assert.equal(hash.length, deepHashBytes);
      assert.equal(toHex(hash), vector.sha384_deep_hash_hex);
      assert.equal(Buffer.from(hash).toString("base64url"), vector.b64url);
    });
  }

  it("distinguishes a blob from the list of its halves and from a nested list", () => {
    const ab = new Uint8Array(Buffer.from("ab"));
    const blob = toHex(deepHash(ab));
    const list = toHex(deepHash([ab.subarray(0, 1), ab.subarray(1)]));
    const nested = toHex(deepHash([ab]));
    assert.notEqual(blob, list);
    assert.notEqual(blob, nested);
    assert.notEqual(list, nested);
  });
});
