// Recall ranges, H1 and H2 against ../shared/vectors/mining.json (H0 is taken from the file:
// computing it needs RandomX), batches against a node:crypto reference, solutions, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  BadArgumentError,
  BadLengthError,
  computeH1s,
  computeH2s,
  cpuFeatures,
  MINING_CHUNK_BYTES,
  PARTITION_SIZE_DEFAULT,
  recallRangeStarts,
  type ShaImplName,
} from "../index.ts";
import { addon } from "../lib/loader.ts";
import { toNativeError } from "../lib/errors.ts";
import { fromHex, hex, loadVectors, prngLabel, prngStream } from "./vectors.ts";
import type { MiningVector as MiningEntry } from "../../test/vectors/checks/mining.ts";

const file = loadVectors<{ prng_prefix: string; vectors: MiningEntry[] }>("mining.json");
const impls: ShaImplName[] = [
  ...(cpuFeatures().avx512 ? (["avx512"] as const) : []),
  ...(cpuFeatures().shaNi ? (["ni"] as const) : []),
  "portable",
];
const easiest = 0n; // every hash but all-zeros is above it

const chunk1 = (e: MiningEntry) => prngStream(prngLabel(file.prng_prefix, "h1-chunk"), e.index, MINING_CHUNK_BYTES);
const chunk2 = (e: MiningEntry) => prngStream(prngLabel(file.prng_prefix, "h2-chunk"), e.index, MINING_CHUNK_BYTES);

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

function referenceH1(h0: Buffer, nonce: number, chunk: Uint8Array): Buffer {
  const nonceBytes = Buffer.alloc(8);
  nonceBytes.writeBigUInt64BE(BigInt(nonce));
  return sha256(h0, sha256(h0, nonceBytes, chunk));
}

function referenceH2(h0: Buffer, h1: Uint8Array, chunk: Uint8Array): Buffer {
  return sha256(h0, sha256(h1, chunk));
}

for (const entry of file.vectors) {
  test(`recall range starts, vector ${entry.index}`, () => {
    const h0 = fromHex(entry.h0_hex);
    const starts = recallRangeStarts(h0, entry.partition_number, entry.partition_upper_bound);
    assert.equal(starts.range1Start, BigInt(entry.recall_range1_start));
    assert.equal(starts.range2Start, BigInt(entry.recall_range2_start));
    assert.equal(starts.range2Start / PARTITION_SIZE_DEFAULT, BigInt(entry.recall_range2_partition));
  });

  for (const sha of impls) {
    test(`H1 and H2, vector ${entry.index} nonce ${entry.nonce} (${sha})`, async () => {
      const h0 = fromHex(entry.h0_hex);
      const c1 = chunk1(entry);
      const h1 = await computeH1s(h0, c1, { sha, firstNonce: entry.nonce, difficulty: easiest });
      assert.equal(hex(h1.hashes), entry.h1_hex);
      assert.equal(hex(sha256(h0, fromHex(entry.h1_preimage_hex))), entry.h1_hex); // the file's p1 is SHA256(h0||nonce||chunk)
      const h2 = await computeH2s(h0, h1.hashes, chunk2(entry), { sha, difficulty: easiest });
      assert.equal(hex(h2.hashes), entry.h2_hex);
      assert.deepEqual(h1.solutions, [0]);
      assert.deepEqual(h2.solutions, [0]);
    });
  }
}

test("recall range 1 is exact beyond 2^64", () => {
  const h0 = fromHex(file.vectors[0]!.h0_hex);
  const partition = 2n ** 70n + 3n;
  const upperBound = 2n ** 100n;
  const size = 123_456_789n;
  const starts = recallRangeStarts(h0, partition, upperBound, size);
  assert.equal(starts.range1Start, partition * size + (h0.readBigUInt64BE(0) % size));
  assert.equal(starts.range2Start, BigInt(`0x${h0.toString("hex")}`) % upperBound);
});

for (const sha of impls) {
  test(`a recall range batch matches per-chunk hashes, on 1 and 2 threads (${sha})`, async () => {
    await checkBatch(sha);
  });
}

async function checkBatch(sha: ShaImplName): Promise<void> {
  const entry = file.vectors.find((e) => e.nonce >= 2)!;
  const h0 = fromHex(entry.h0_hex);
  const firstNonce = entry.nonce - 2;
  const count = 21; // one 16-lane batch plus 5 (x2 pairs and a single); 11 + 10 on 2 threads
  const chunks = randomBytes(count * MINING_CHUNK_BYTES);
  chunk1(entry).copy(chunks, 2 * MINING_CHUNK_BYTES);
  const chunks2 = randomBytes(count * MINING_CHUNK_BYTES);
  chunk2(entry).copy(chunks2, 2 * MINING_CHUNK_BYTES);
  for (const threads of [1, 2]) {
    const h1 = await computeH1s(h0, chunks, { sha, firstNonce, difficulty: easiest, threads });
    const h2 = await computeH2s(h0, h1.hashes, chunks2, { sha, difficulty: easiest, threads });
    for (let i = 0; i < count; i += 1) {
      const at = (n: number) => [n * MINING_CHUNK_BYTES, (n + 1) * MINING_CHUNK_BYTES] as const;
      const expectedH1 = referenceH1(h0, firstNonce + i, chunks.subarray(...at(i)));
      assert.equal(hex(h1.hashes.subarray(32 * i, 32 * i + 32)), hex(expectedH1), `H1 ${i}`);
      const expectedH2 = referenceH2(h0, expectedH1, chunks2.subarray(...at(i)));
      assert.equal(hex(h2.hashes.subarray(32 * i, 32 * i + 32)), hex(expectedH2), `H2 ${i}`);
    }
    assert.equal(hex(h1.hashes.subarray(64, 96)), entry.h1_hex);
    assert.equal(hex(h2.hashes.subarray(64, 96)), entry.h2_hex);
  }
}

test("solutions are the hashes strictly above the difficulty", async () => {
  const h0 = randomBytes(32);
  const count = 12;
  const chunks = randomBytes(count * MINING_CHUNK_BYTES);
  const { hashes } = await computeH1s(h0, chunks, { difficulty: easiest });
  const values = Array.from({ length: count }, (_, i) => BigInt(`0x${hex(hashes.subarray(32 * i, 32 * i + 32))}`));
  const difficulty = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[count / 2]!; // the median hash
  const expected = values.flatMap((v, i) => (v > difficulty ? [i] : []));
  const result = await computeH1s(h0, chunks, { difficulty, threads: 2 });
  assert.deepEqual(result.solutions, expected);
  assert.equal(expected.length, count / 2 - 1);
  const none = await computeH2s(h0, hashes, chunks, { difficulty: 2n ** 256n - 1n });
  assert.deepEqual(none.solutions, []);
});

test("every implementation agrees with portable on random chunks", { skip: impls.length < 2 }, async () => {
  const h0 = randomBytes(32);
  for (const count of [3, 9, 16]) {
    const chunks = randomBytes(count * MINING_CHUNK_BYTES);
    const firstNonce = 400 - count;
    const expected = await computeH1s(h0, chunks, { sha: "portable", difficulty: easiest, firstNonce });
    const expectedH2 = await computeH2s(h0, expected.hashes, chunks, { sha: "portable", difficulty: easiest });
    for (const sha of impls) {
      const h1 = await computeH1s(h0, chunks, { sha, difficulty: easiest, firstNonce });
      assert.equal(hex(h1.hashes), hex(expected.hashes), `H1 ${sha}, ${count} chunks`);
      const h2 = await computeH2s(h0, h1.hashes, chunks, { sha, difficulty: easiest });
      assert.equal(hex(h2.hashes), hex(expectedH2.hashes), `H2 ${sha}, ${count} chunks`);
    }
  }
});

test("bad arguments are rejected with typed errors", async () => {
  const h0 = Buffer.alloc(32);
  const chunk = Buffer.alloc(MINING_CHUNK_BYTES);
  await assert.rejects(computeH1s(Buffer.alloc(31), chunk, { difficulty: 0n }), BadLengthError);
  await assert.rejects(computeH1s(h0, Buffer.alloc(0), { difficulty: 0n }), BadLengthError);
  await assert.rejects(computeH1s(h0, Buffer.alloc(MINING_CHUNK_BYTES + 1), { difficulty: 0n }), BadLengthError);
  await assert.rejects(computeH1s(h0, Buffer.alloc(401 * MINING_CHUNK_BYTES), { difficulty: 0n }), BadLengthError);
  await assert.rejects(computeH1s(h0, Buffer.alloc(2 * MINING_CHUNK_BYTES), { difficulty: 0n, firstNonce: 399 }), BadArgumentError);
  await assert.rejects(computeH1s(h0, chunk, { difficulty: 2n ** 256n }), BadArgumentError);
  await assert.rejects(computeH2s(h0, Buffer.alloc(64), chunk, { difficulty: 0n }), BadLengthError);
  assert.throws(() => recallRangeStarts(h0, -1n, 10n), BadArgumentError);
  assert.throws(() => recallRangeStarts(h0, 1n, 0n), BadArgumentError);
  assert.throws(() => recallRangeStarts(h0, 1n, 10n, 0n), BadArgumentError);
  assert.throws(() => recallRangeStarts(h0, 2n ** 250n, 10n, 2n ** 10n), BadArgumentError); // overflows 256 bits
});

test("the binding checks its arguments itself", () => {
  const native = addon();
  const h0 = Buffer.alloc(32);
  const chunks = Buffer.alloc(2 * MINING_CHUNK_BYTES);
  const cases: Array<[() => unknown, string]> = [
    [() => native.miningH1s("auto", h0, Buffer.alloc(100), 0, h0, Buffer.alloc(32), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.miningH1s("auto", h0, chunks, 399, h0, Buffer.alloc(64), 1), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.miningH1s("auto", h0, chunks, 0, h0, Buffer.alloc(32), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.miningH2s("auto", h0, Buffer.alloc(32), chunks, h0, Buffer.alloc(64), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.miningH1s("auto", h0, chunks, 0, h0, chunks.subarray(0, 64), 1), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.recallRangeStarts(h0, -1n, 1n, 1n), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.recallRangeStarts(h0, 2n ** 256n, 1n, 1n), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.recallRangeStarts(h0, 1n, 1n, 0n), "ERR_ARKUBE_BAD_ARGUMENT"],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (err: unknown) => toNativeError(err).code === code);
  }
});
