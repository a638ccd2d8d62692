// RandomX: the `standard` config against Debian's librandomx on random keys and inputs (light
// and fast mode), implementation choices that must not change results, and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import {
  BadArgumentError,
  BadConfigError,
  BadLengthError,
  RandomxContext,
  splitHashes,
  type RandomxOptions,
} from "../index.ts";
import { referenceHashes, type ReferencePair } from "../../test/randomx-reference/reference.ts";

const lightKeys = 8;
const inputsPerLightKey = 25; // 8 x 25 = 200 light-mode pairs
const fastInputs = 200;

function randomInput(): Buffer {
  return randomBytes(randomInt(0, 257)); // includes empty inputs
}

async function ourHashes(options: RandomxOptions, inputs: Buffer[]): Promise<string[]> {
  const ctx = await RandomxContext.create(options);
  return splitHashes(await ctx.hashBatch(inputs, { threads: 2 })).map((h) => h.toString("hex"));
}

test("standard config equals librandomx on 200 random key/input pairs (light mode)", async () => {
  const pairs: ReferencePair[] = [];
  for (let k = 0; k < lightKeys; k += 1) {
    const key = randomBytes(randomInt(1, 61));
    for (let i = 0; i < inputsPerLightKey; i += 1) pairs.push({ key, input: randomInput() });
  }
  const expected = await referenceHashes(pairs, "light");
  const actual: string[] = [];
  for (let k = 0; k < lightKeys; k += 1) {
    const group = pairs.slice(k * inputsPerLightKey, (k + 1) * inputsPerLightKey);
    const options: RandomxOptions = { config: "standard", key: group[0]!.key, mode: "light" };
    actual.push(...(await ourHashes(options, group.map((p) => Buffer.from(p.input)))));
  }
  assert.equal(actual.length, 200);
  for (let i = 0; i < pairs.length; i += 1) {
    const p = pairs[i]!;
    assert.equal(actual[i], expected[i], `key ${Buffer.from(p.key).toString("hex")} input ${Buffer.from(p.input).toString("hex")}`);
  }
});

test("standard config equals librandomx on 200 random inputs (fast mode, full dataset)", async () => {
  const key = randomBytes(32);
  const inputs = Array.from({ length: fastInputs }, randomInput);
  const [expected, actual] = await Promise.all([
    referenceHashes(inputs.map((input) => ({ key, input })), "fast"),
    ourHashes({ config: "standard", key, mode: "fast" }, inputs),
  ]);
  assert.deepEqual(actual, expected);
});

test("software AES and the interpreters give the same hashes as AES-NI and the JITs", async () => {
  const key = Buffer.from("default arweave 2.5 pack key");
  const inputs = Array.from({ length: 12 }, randomInput);
  const reference = await ourHashes({ config: "rx512", key, mode: "light" }, inputs);
  assert.deepEqual(await ourHashes({ config: "standard", key, mode: "light", jit: false }, inputs),
    await ourHashes({ config: "standard", key, mode: "light" }, inputs));
  assert.deepEqual(await ourHashes({ config: "rx512", key, mode: "light", aes: "software" }, inputs), reference);
  assert.deepEqual(await ourHashes({ config: "rx512", key, mode: "light", jit: false }, inputs), reference);
});

test("rx512 fast mode (dataset) gives the light-mode hashes", async () => {
  const key = Buffer.from("default arweave 2.5 pack key");
  const inputs = Array.from({ length: 20 }, randomInput);
  const light = await ourHashes({ config: "rx512", key, mode: "light" }, inputs);
  assert.deepEqual(await ourHashes({ config: "rx512", key, mode: "fast" }, inputs), light);
});

test("bad RandomX input is rejected with typed errors", async () => {
  const key = Buffer.from("k");
  await assert.rejects(RandomxContext.create({ config: "rx1024" as "rx512", key, mode: "light" }), BadConfigError);
  await assert.rejects(RandomxContext.create({ config: "rx512", key, mode: "medium" as "light" }), BadArgumentError);
  await assert.rejects(RandomxContext.create({ config: "rx512", key: Buffer.alloc(2048), mode: "light" }), BadLengthError);
  await assert.rejects(
    RandomxContext.create({ config: "rx512", key: "text" as unknown as Buffer, mode: "light" }),
    BadArgumentError,
  );
  const ctx = await RandomxContext.create({ config: "rx512", key, mode: "light" });
  await assert.rejects(ctx.hash(Buffer.from("x"), 0), BadArgumentError);
  await assert.rejects(ctx.hash(Buffer.alloc(2 * 1024 * 1024)), BadLengthError);
  await assert.rejects(ctx.scratchpad(Buffer.from("x"), 1.5), BadArgumentError);
  await assert.rejects(ctx.hashBatch([Buffer.from("a"), "b" as unknown as Buffer]), BadArgumentError);
  assert.throws(() => splitHashes(Buffer.alloc(33)), BadLengthError);
});
