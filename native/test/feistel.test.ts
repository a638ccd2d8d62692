// The packing cipher against ../shared/vectors/feistel.json (both directions, both SHA-256
// implementations, 1..3 threads, in place), chains in batches, the packing key against
// spora26_packing.json, and argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { BadArgumentError, BadLengthError, cpuFeatures, feistelDecrypt, feistelEncrypt, packingKey, type ShaImplName } from "../index.ts";
import { addon } from "../lib/loader.ts";
import { toNativeError } from "../lib/errors.ts";
import { fromHex, hex, loadVectors, prngLabel, prngStream, sha256Hex } from "./vectors.ts";

interface FeistelEntry {
  index: number;
  length: number;
  plaintext_sha256: string;
  key_sha256: string;
  plaintext_hex?: string;
  key_hex?: string;
  ciphertext_hex?: string;
  ciphertext_first64_hex: string;
  ciphertext_sha256: string;
}

interface PackingEntry {
  index: number;
  chunk_end_offset: number;
  tx_root_hex: string;
  reward_addr_hex: string;
  packing_key_hex: string;
}

const feistel = loadVectors<{ prng_prefix: string; vectors: FeistelEntry[] }>("feistel.json");
const packing = loadVectors<{ prng_prefix: string; vectors: PackingEntry[] }>("spora26_packing.json");
const impls: ShaImplName[] = [
  ...(cpuFeatures().avx512 ? (["avx512"] as const) : []),
  ...(cpuFeatures().shaNi ? (["ni"] as const) : []),
  "portable",
];

function inputs(entry: FeistelEntry) {
  const plaintext = prngStream(prngLabel(feistel.prng_prefix, "feistel-pt"), entry.index, entry.length);
  const entropy = prngStream(prngLabel(feistel.prng_prefix, "feistel-key"), entry.index, entry.length);
  return { plaintext, entropy };
}

for (const entry of feistel.vectors) {
  test(`feistel vector ${entry.index} (${entry.length} bytes): inputs match the file`, () => {
    const { plaintext, entropy } = inputs(entry);
    assert.equal(sha256Hex(plaintext), entry.plaintext_sha256);
    assert.equal(sha256Hex(entropy), entry.key_sha256);
    if (entry.plaintext_hex) assert.equal(hex(plaintext), entry.plaintext_hex);
    if (entry.key_hex) assert.equal(hex(entropy), entry.key_hex);
  });

  for (const sha of impls) {
    test(`feistel vector ${entry.index} (${entry.length} bytes) encrypts and decrypts (${sha})`, async () => {
      const { plaintext, entropy } = inputs(entry);
      const ciphertext = await feistelEncrypt(plaintext, entropy, { sha });
      assert.equal(sha256Hex(ciphertext), entry.ciphertext_sha256);
      assert.equal(hex(ciphertext.subarray(0, 64)), entry.ciphertext_first64_hex);
      if (entry.ciphertext_hex) assert.equal(hex(ciphertext), entry.ciphertext_hex);
      for (const threads of [1, 2, 3]) {
        const decrypted = await feistelDecrypt(ciphertext, entropy, { sha, threads });
        assert.equal(hex(decrypted), hex(plaintext), `decrypt on ${threads} threads`);
      }
    });
  }
}

test("encryption and decryption work in place", async () => {
  const entry = feistel.vectors.at(-1)!;
  const { plaintext, entropy } = inputs(entry);
  const buffer = Buffer.from(plaintext);
  await feistelEncrypt(buffer, entropy, { out: buffer });
  assert.equal(sha256Hex(buffer), entry.ciphertext_sha256);
  await feistelDecrypt(buffer, entropy, { out: buffer, threads: 2 });
  assert.equal(hex(buffer), hex(plaintext));
});

for (const sha of impls) {
  test(`a batch of chains equals the chains encrypted one by one (${sha})`, async () => {
    await checkBatch(sha);
  });
}

async function checkBatch(sha: ShaImplName): Promise<void> {
  const chainBytes = 1024;
  const chains = 19; // a 16-lane batch plus an odd remainder on 1 thread; 10 + 9 on 2 threads
  const plaintext = prngStream("batch-pt", 0, chains * chainBytes);
  const entropy = prngStream("batch-entropy", 0, chains * chainBytes);
  for (const threads of [1, 2]) {
    const batch = await feistelEncrypt(plaintext, entropy, { sha, chainBytes, threads });
    for (let c = 0; c < chains; c += 1) {
      const range = [c * chainBytes, (c + 1) * chainBytes] as const;
      const one = await feistelEncrypt(plaintext.subarray(...range), entropy.subarray(...range), { sha: "portable" });
      assert.equal(hex(batch.subarray(...range)), hex(one), `chain ${c}, ${threads} threads`);
    }
    for (const decryptThreads of [1, 2, 4]) {
      const back = await feistelDecrypt(batch, entropy, { sha, chainBytes, threads: decryptThreads });
      assert.equal(hex(back), hex(plaintext), `batch decrypt on ${decryptThreads} threads`);
    }
  }
}

test("every implementation agrees with portable on random inputs", { skip: impls.length < 2 }, async () => {
  for (const blocks of [1, 2, 3, 8, 17, 40]) {
    const plaintext = randomBytes(blocks * 64);
    const entropy = randomBytes(blocks * 64);
    const expected = hex(await feistelEncrypt(plaintext, entropy, { sha: "portable" }));
    for (const sha of impls) {
      const ciphertext = await feistelEncrypt(plaintext, entropy, { sha });
      assert.equal(hex(ciphertext), expected, `${sha}, ${blocks} blocks`);
      assert.equal(hex(await feistelDecrypt(ciphertext, entropy, { sha, threads: 2 })), hex(plaintext));
    }
  }
});

for (const entry of packing.vectors) {
  test(`packing key for chunk end offset ${entry.chunk_end_offset}`, () => {
    const txRoot = prngStream(prngLabel(packing.prng_prefix, "txroot"), entry.index, 32);
    const rewardAddress = prngStream(prngLabel(packing.prng_prefix, "addr"), entry.index, 32);
    assert.equal(hex(txRoot), entry.tx_root_hex);
    assert.equal(hex(rewardAddress), entry.reward_addr_hex);
    for (const sha of impls) {
      assert.equal(hex(packingKey(entry.chunk_end_offset, txRoot, rewardAddress, { sha })), entry.packing_key_hex);
    }
    assert.equal(hex(packingKey(BigInt(entry.chunk_end_offset), fromHex(entry.tx_root_hex), fromHex(entry.reward_addr_hex))), entry.packing_key_hex);
  });
}

test("bad arguments are rejected with typed errors", async () => {
  const block = Buffer.alloc(64);
  await assert.rejects(feistelEncrypt(Buffer.alloc(0), Buffer.alloc(0)), BadLengthError);
  await assert.rejects(feistelEncrypt(Buffer.alloc(100), Buffer.alloc(100)), BadLengthError);
  await assert.rejects(feistelDecrypt(Buffer.alloc(128), Buffer.alloc(64)), BadLengthError);
  await assert.rejects(feistelEncrypt(Buffer.alloc(192), Buffer.alloc(192), { chainBytes: 128 }), BadLengthError);
  await assert.rejects(feistelEncrypt(block, block, { out: Buffer.alloc(128) }), BadLengthError);
  await assert.rejects(feistelDecrypt(block, block, { threads: 0 }), BadArgumentError);
  assert.throws(() => packingKey(-1, Buffer.alloc(32), Buffer.alloc(32)), BadArgumentError);
  assert.throws(() => packingKey(2n ** 60n, Buffer.alloc(32), Buffer.alloc(32)), BadArgumentError);
  assert.throws(() => packingKey(1, Buffer.alloc(31), Buffer.alloc(32)), BadLengthError);
});

test("the binding rejects bad lengths and overlapping buffers itself", () => {
  const native = addon();
  const shared = Buffer.alloc(2048);
  const entropy = Buffer.alloc(1024);
  const cases: Array<[() => unknown, string]> = [
    [() => native.feistelEncrypt("auto", Buffer.alloc(0), Buffer.alloc(0), 64, Buffer.alloc(0), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.feistelEncrypt("auto", Buffer.alloc(96), Buffer.alloc(96), 96, Buffer.alloc(96), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.feistelDecrypt("auto", Buffer.alloc(128), Buffer.alloc(128), 64, Buffer.alloc(64), 1), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.feistelDecrypt("auto", Buffer.alloc(128), Buffer.alloc(128), 64, Buffer.alloc(128), 0), "ERR_ARKUBE_BAD_ARGUMENT"],
    // output shifted by one block over the input: neither in place nor disjoint
    [() => native.feistelDecrypt("auto", shared.subarray(0, 1024), entropy, 1024, shared.subarray(64, 1088), 1), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.feistelEncrypt("auto", Buffer.alloc(1024), shared.subarray(0, 1024), 1024, shared.subarray(512, 1536), 1), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.packingKey("auto", 2 ** 54, Buffer.alloc(32), Buffer.alloc(32)), "ERR_ARKUBE_BAD_ARGUMENT"],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (err: unknown) => toNativeError(err).code === code);
  }
});
