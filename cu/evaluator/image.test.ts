// Sparse checkpoint images: exact round trip, zero pages omitted, corruption refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSparseImage, encodeSparseImage, imagePageBytes } from "./image.ts";

describe("sparse checkpoint image", () => {
  it("round-trips memory exactly and stores only non-zero pages", () => {
    const memory = new Uint8Array(40 * imagePageBytes);
    memory[3] = 1;
    memory[17 * imagePageBytes + 5] = 200;
    memory[40 * imagePageBytes - 1] = 9;
    const image = encodeSparseImage(memory);
    assert.equal(image.byteLength, 12 + 3 * (4 + imagePageBytes));
    assert.deepEqual(decodeSparseImage(image), memory);
    assert.deepEqual(decodeSparseImage(encodeSparseImage(new Uint8Array(imagePageBytes))), new Uint8Array(imagePageBytes));
  });

  it("refuses a truncated or foreign image", () => {
    const image = encodeSparseImage(new Uint8Array(2 * imagePageBytes).fill(1));
    assert.throws(() => decodeSparseImage(image.subarray(0, image.byteLength - 1)), { code: "ERR_CU_CORRUPT_LOG" });
    assert.throws(() => decodeSparseImage(new Uint8Array(64)), { code: "ERR_CU_CORRUPT_LOG" });
  });
});
