// The producer against ../shared/vectors/vdf.json (steps 1000, 1001 and the reset step 1200), entropy
// resets exactly at multiples of 1200, and the verifier accepting what the producer made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { vdfChain, vdfMixResetSeed, vdfStepStartSalt } from "../native/index.ts";
import { loadVectors, hex } from "../native/test/vectors.ts";
import { ListSeedSource, type SeedSource } from "./seeds.ts";
import { StepProducer } from "./producer.ts";
import { StepVerifier } from "./verifier.ts";
import { memoryMetrics, messageOf } from "./test-support.ts";

interface StepVector {
  step_number: number;
  prev_output_hex: string;
  reset_seed_hex?: string;
  iterations: number;
  x_hex: string[];
  output_hex: string;
}

const vectors = loadVectors<{ steps: StepVector[] }>("vdf.json").steps.filter((v) => v.iterations <= 1000);

test("steps match the vectors, including the reset at step 1200", async () => {
  assert.ok(vectors.some((v) => v.reset_seed_hex !== undefined && v.step_number % 1200 === 0), "a reset vector exists");
  for (const v of vectors) {
    const interval = Math.floor(v.step_number / 1200);
    const seed = Buffer.from(v.reset_seed_hex ?? "00".repeat(32), "hex");
    const producer = new StepProducer({ chain: "vectors", iterations: v.iterations }, new ListSeedSource([seed], interval));
    const got = await producer.next({ step: v.step_number - 1, output: Buffer.from(v.prev_output_hex, "hex") });
    assert.equal(got.step, v.step_number);
    assert.deepEqual(got.checkpoints.map(hex), v.x_hex, `step ${v.step_number}`);
    assert.equal(hex(got.output), v.output_hex);
    assert.equal(got.session.interval, interval);
  }
});

class RecordingSeeds implements SeedSource {
  readonly asked: number[] = [];
  async seedForInterval(interval: number): Promise<Uint8Array> {
    this.asked.push(interval);
    return Buffer.alloc(32, interval + 1);
  }
}

test("the entropy reset is applied at step 2400 and at no neighbour", async () => {
  const iterations = 50;
  const seeds = new RecordingSeeds();
  const producer = new StepProducer({ chain: "resets", iterations }, seeds);
  let prev = { step: 2398, output: Buffer.alloc(32, 7) as Uint8Array };
  const outputs = new Map<number, { prev: Uint8Array; output: Uint8Array }>();
  for (let i = 0; i < 4; i++) {
    const s = await producer.next(prev);
    outputs.set(s.step, { prev: prev.output, output: s.output });
    prev = s;
  }
  const plain = async (step: number, input: Uint8Array) =>
    hex((await vdfChain({ startSalt: vdfStepStartSalt(step), seed: input, checkpointCount: 24, iterations })).output);
  for (const step of [2399, 2401, 2402]) {
    assert.equal(hex(outputs.get(step)!.output), await plain(step, outputs.get(step)!.prev), `step ${step} has no reset`);
  }
  const at = outputs.get(2400)!;
  assert.notEqual(hex(at.output), await plain(2400, at.prev));
  assert.equal(hex(at.output), await plain(2400, vdfMixResetSeed(at.prev, Buffer.alloc(32, 3))), "seed of interval 2 mixed in");
  assert.deepEqual([...new Set(seeds.asked)], [1, 2], "one seed lookup per session");
});

test("the verifier accepts produced steps across a reset and rejects a wrong reset seed", async () => {
  const iterations = 100;
  const { metrics, counter } = memoryMetrics();
  const producer = new StepProducer({ chain: "resets", iterations }, new RecordingSeeds());
  const start = { step: 1198, output: Buffer.alloc(32, 9) };
  const verifier = new StepVerifier({ chain: "resets", iterations, threads: 2, metrics }, start);
  const s1199 = await producer.next(start);
  assert.equal((await verifier.check(messageOf("resets", iterations, s1199, 1))).type, "accepted");
  const s1200 = await producer.next(s1199);
  const wrongSeed = messageOf("resets", iterations, { ...s1200, session: { interval: 1, seed: Buffer.alloc(32, 0xaa) } }, 1);
  const rejected = await verifier.check(wrongSeed);
  assert.equal(rejected.type === "rejected" && rejected.reason, "forged");
  assert.equal((await verifier.check(messageOf("resets", iterations, s1200, 1))).type, "accepted");
  assert.equal(verifier.head.step, 1200);
  assert.equal(await counter("arkube_vdf_rejected_steps", { reason: "forged" }), 1);
});
