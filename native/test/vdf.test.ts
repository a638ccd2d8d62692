// The VDF against every entry of ../shared/vectors/vdf.json, with both SHA-256 implementations
// where affordable, plus parallel verification and argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BadArgumentError,
  BadLengthError,
  cpuFeatures,
  vdfChain,
  vdfMixResetSeed,
  vdfStep,
  vdfSteps,
  vdfStepStartSalt,
  vdfVerifyStep,
  VDF_STEP_BYTES,
  type ShaImplName,
} from "../index.ts";
import { addon } from "../lib/loader.ts";
import { toNativeError } from "../lib/errors.ts";
import { fromHex, hex, loadVectors } from "./vectors.ts";
import type { RawVector as RawEntry, StepVector as StepEntry } from "../../test/vectors/checks/vdf.ts";


const file = loadVectors<{ raw: RawEntry[]; steps: StepEntry[] }>("vdf.json");
const impls: ShaImplName[] = cpuFeatures().shaNi ? ["ni", "portable"] : ["portable"];
// The portable path takes several seconds per full-difficulty step; SHA-NI covers that one.
const portableIterationsMax = 100_000;

function implsFor(iterations: number): ShaImplName[] {
  return impls.filter((sha) => sha !== "portable" || iterations <= portableIterationsMax || impls.length === 1);
}

function stepArgs(entry: StepEntry) {
  return {
    step: entry.step_number,
    prev: fromHex(entry.prev_output_hex),
    iterations: entry.iterations,
    resetSeed: entry.reset_seed_hex === undefined ? undefined : fromHex(entry.reset_seed_hex),
  };
}

for (const entry of file.raw) {
  for (const sha of implsFor(entry.iterations)) {
    test(`raw chain salt ${entry.start_salt} x${entry.checkpoint_count_arg} it ${entry.iterations} (${sha})`, async () => {
      const result = await vdfChain(
        {
          startSalt: entry.start_salt,
          seed: fromHex(entry.seed_hex),
          checkpointCount: entry.checkpoint_count_arg,
          iterations: entry.iterations,
        },
        { sha },
      );
      assert.deepEqual(result.checkpoints.map(hex), entry.checkpoints_hex);
      assert.equal(hex(result.output), entry.output_hex);
    });
  }
}

for (const entry of file.steps) {
  for (const sha of implsFor(entry.iterations)) {
    test(`step ${entry.step_number} it ${entry.iterations} (${sha})`, async () => {
      assert.equal(vdfStepStartSalt(entry.step_number), entry.start_salt);
      const step = await vdfStep(stepArgs(entry), { sha });
      assert.deepEqual(step.checkpoints.map(hex), entry.x_hex);
      assert.equal(hex(step.output), entry.output_hex);
    });
  }
}

test("entropy reset mixes the seed into the previous output", () => {
  const entry = file.steps.find((s) => s.reset_seed_hex !== undefined);
  assert.ok(entry?.mixed_input_hex, "vdf.json has a reset step");
  for (const sha of impls) {
    const mixed = vdfMixResetSeed(fromHex(entry.prev_output_hex), fromHex(entry.reset_seed_hex!), { sha });
    assert.equal(hex(mixed), entry.mixed_input_hex);
  }
});

test("consecutive steps in one call equal the separate steps", async () => {
  const first = file.steps.find((s) => file.steps.some((t) => t.step_number === s.step_number + 1));
  assert.ok(first, "vdf.json has two consecutive steps");
  const second = file.steps.find((s) => s.step_number === first.step_number + 1)!;
  assert.equal(second.prev_output_hex, first.output_hex);
  const both = await vdfSteps({ firstStep: first.step_number, stepCount: 2, prev: fromHex(first.prev_output_hex), iterations: first.iterations });
  assert.equal(both.length, 2 * VDF_STEP_BYTES);
  assert.deepEqual(
    [first, second].flatMap((s) => s.x_hex),
    Array.from({ length: 50 }, (_, i) => hex(both.subarray(32 * i, 32 * i + 32))),
  );
});

test("steps crossing a reset use the seed at the reset step", async () => {
  const reset = file.steps.find((s) => s.reset_seed_hex !== undefined)!;
  const before = await vdfStep({ step: reset.step_number - 1, prev: fromHex(reset.prev_output_hex), iterations: 50 });
  const together = await vdfSteps({
    firstStep: reset.step_number - 1,
    stepCount: 2,
    prev: fromHex(reset.prev_output_hex),
    iterations: 50,
    resetSeed: fromHex(reset.reset_seed_hex!),
  });
  const alone = await vdfStep({ step: reset.step_number, prev: before.output, iterations: 50, resetSeed: fromHex(reset.reset_seed_hex!) });
  assert.equal(hex(together.subarray(0, VDF_STEP_BYTES)), hex(Buffer.concat(before.checkpoints)));
  assert.equal(hex(together.subarray(VDF_STEP_BYTES)), hex(Buffer.concat(alone.checkpoints)));
});

for (const entry of file.steps) {
  test(`verify step ${entry.step_number} on 2 threads accepts the vector and names a forged checkpoint`, async () => {
    const claimed = Buffer.concat(entry.x_hex.map(fromHex));
    assert.deepEqual(await vdfVerifyStep({ ...stepArgs(entry), checkpoints: claimed }, { threads: 2 }), { valid: true });
    if (entry.iterations > portableIterationsMax) return; // one forgery check is enough at full difficulty
    const forged = Buffer.from(claimed);
    forged[13 * 32 + 7]! ^= 1;
    assert.deepEqual(await vdfVerifyStep({ ...stepArgs(entry), checkpoints: forged }, { threads: 2 }), {
      valid: false,
      failedCheckpoint: 13,
    });
    forged[20 * 32]! ^= 0x80;
    forged[5 * 32 + 31]! ^= 0x80;
    const twoForged = await vdfVerifyStep({ ...stepArgs(entry), checkpoints: forged }, { threads: 3 });
    assert.deepEqual(twoForged, { valid: false, failedCheckpoint: 5 });
  });
}

const verifyImpls: ShaImplName[] = [...(cpuFeatures().avx512 ? (["avx512"] as const) : []), ...impls];

for (const sha of verifyImpls) {
  test(`verify (${sha}) names the lowest forged checkpoint on 1, 2 and 3 threads`, async () => {
    const entry = file.steps.find((s) => s.iterations <= portableIterationsMax)!;
    const claimed = Buffer.concat(entry.x_hex.map(fromHex));
    for (const threads of [1, 2, 3]) {
      assert.deepEqual(await vdfVerifyStep({ ...stepArgs(entry), checkpoints: claimed }, { sha, threads }), { valid: true });
      for (const forgedSet of [[24], [0], [16, 3], [15, 20]]) {
        const forged = Buffer.from(claimed);
        for (const k of forgedSet) forged[k * 32 + 17]! ^= 0x40;
        const result = await vdfVerifyStep({ ...stepArgs(entry), checkpoints: forged }, { sha, threads });
        assert.deepEqual(result, { valid: false, failedCheckpoint: Math.min(...forgedSet) }, `${threads} threads, ${forgedSet}`);
      }
    }
  });
}

test("verify names the first checkpoint when the previous output is wrong", async () => {
  const entry = file.steps[0]!;
  const claimed = entry.x_hex.map(fromHex);
  const wrongPrev = fromHex(entry.output_hex);
  const result = await vdfVerifyStep({ ...stepArgs(entry), prev: wrongPrev, checkpoints: claimed }, { threads: 2 });
  assert.deepEqual(result, { valid: false, failedCheckpoint: 0 });
});

test("SHA-NI and portable chains agree on random inputs", { skip: impls.length < 2 }, async () => {
  for (let i = 0; i < 8; i += 1) {
    const seed = Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256)));
    const args = { startSalt: Math.floor(Math.random() * 2 ** 40), seed, checkpointCount: 3, iterations: 2 + i * 37 };
    const [ni, portable] = await Promise.all([vdfChain(args, { sha: "ni" }), vdfChain(args, { sha: "portable" })]);
    assert.deepEqual(ni.checkpoints.map(hex), portable.checkpoints.map(hex));
    assert.equal(hex(ni.output), hex(portable.output));
  }
});

test("bad arguments are rejected with typed errors", async () => {
  const seed = Buffer.alloc(32);
  await assert.rejects(vdfChain({ startSalt: 0, seed, checkpointCount: 1, iterations: 1 }), BadArgumentError);
  await assert.rejects(vdfChain({ startSalt: 0, seed: Buffer.alloc(31), checkpointCount: 1, iterations: 2 }), BadLengthError);
  await assert.rejects(vdfStep({ step: 0, prev: seed, iterations: 2 }), BadArgumentError);
  await assert.rejects(vdfStep({ step: 2400, prev: seed, iterations: 2 }), BadArgumentError); // reset step without seed
  await assert.rejects(vdfSteps({ firstStep: 1199, stepCount: 1203, prev: seed, iterations: 2, resetSeed: seed }), BadArgumentError);
  await assert.rejects(vdfSteps({ firstStep: 1, stepCount: 2, prev: seed, iterations: 2 }, { out: Buffer.alloc(800) }), BadLengthError);
  await assert.rejects(vdfVerifyStep({ step: 5, prev: seed, iterations: 2, checkpoints: Buffer.alloc(799) }), BadLengthError);
  await assert.rejects(vdfVerifyStep({ step: 5, prev: seed, iterations: 2, checkpoints: [seed] }), BadLengthError);
  await assert.rejects(vdfVerifyStep({ step: 5, prev: seed, iterations: 2, checkpoints: Buffer.alloc(800) }, { threads: 0 }), BadArgumentError);
  await assert.rejects(vdfChain({ startSalt: 0, seed, checkpointCount: 1, iterations: 2 }, { sha: "fast" as ShaImplName }), BadArgumentError);
});

test("the binding checks its arguments itself (not only the wrappers)", () => {
  const seed = Buffer.alloc(32);
  const native = addon();
  const cases: Array<[() => unknown, string]> = [
    [() => native.vdfChain("auto", 0, seed, 1, 1, Buffer.alloc(32), Buffer.alloc(32)), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.vdfChain("auto", 0, seed, 1, 2, Buffer.alloc(31), Buffer.alloc(32)), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.vdfSteps("auto", 1200, seed, null, 1, 2, Buffer.alloc(800)), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.vdfSteps("auto", 0, seed, null, 1, 2, Buffer.alloc(800)), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.vdfVerifyStep("auto", 1, seed, null, Buffer.alloc(800), 2, 0), "ERR_ARKUBE_BAD_ARGUMENT"],
    [() => native.vdfMixResetSeed("auto", seed, Buffer.alloc(0)), "ERR_ARKUBE_BAD_LENGTH"],
    [() => native.vdfChain("best" as ShaImplName, 0, seed, 1, 2, Buffer.alloc(32), Buffer.alloc(32)), "ERR_ARKUBE_BAD_ARGUMENT"],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (err: unknown) => toNativeError(err).code === code);
  }
});
