// The verifier's classification of every kind of unwanted step, each counted once by reason, and that a
// rejected step leaves the head where it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeStepMessage } from "../protocol/vdf/index.ts";
import { StepProducer } from "./producer.ts";
import { DerivedSeedSource } from "./seeds.ts";
import { StepVerifier } from "./verifier.ts";
import { forge, memoryMetrics, messageOf } from "./test-support.ts";

const chain = "unit";
const iterations = 200;

async function chainOf(count: number) {
  const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource("unit"));
  const steps = [];
  let prev = { step: 10, output: Buffer.alloc(32, 1) as Uint8Array };
  for (let i = 0; i < count; i++) {
    const s = await producer.next(prev);
    steps.push(s);
    prev = s;
  }
  return { genesis: { step: 10, output: Buffer.alloc(32, 1) }, steps };
}

test("rejects forged, stale-term, conflicting, foreign and malformed steps; counts each", async () => {
  const { genesis, steps } = await chainOf(4);
  const { metrics, counter, histogramCount } = memoryMetrics();
  const v = new StepVerifier({ chain, iterations, threads: 2, metrics }, genesis);
  const m = (i: number, term: number) => messageOf(chain, iterations, steps[i]!, term);

  assert.equal((await v.check(m(0, 2))).type, "accepted");
  for (const k of [0, 12, 24]) {
    const out = await v.check(forge(m(1, 2), k));
    assert.deepEqual(out.type === "rejected" && [out.reason, out.step], ["forged", 12], `checkpoint ${k}`);
  }
  const stale = await v.check(m(1, 1));
  assert.equal(stale.type === "rejected" && stale.reason, "stale-term");
  const foreign = await v.check({ ...m(1, 2), chain: "other" });
  assert.equal(foreign.type === "rejected" && foreign.reason, "wrong-chain");
  const easy = await v.check({ ...m(1, 2), difficulty: 2 });
  assert.equal(easy.type === "rejected" && easy.reason, "difficulty");
  const malformed = await v.checkBytes(Buffer.from('{"v":1}'));
  assert.equal(malformed.type === "rejected" && malformed.reason, "malformed");
  assert.equal(v.head.step, 11, "no rejected step moved the head");

  assert.equal((await v.check(m(1, 2))).type, "accepted");
  assert.equal((await v.check(m(1, 3))).type, "duplicate", "same step re-sent by a newer term");
  assert.equal(v.head.term, 3);
  const conflict = await v.check(forge(m(1, 3), 24));
  assert.equal(conflict.type === "rejected" && conflict.reason, "conflict");
  const gap = await v.check(m(3, 3));
  assert.deepEqual(gap.type === "gap" && [gap.from, gap.to], [13, 13]);
  const wrongSession = await v.check({ ...m(2, 3), session: { interval: 0, seed: Buffer.alloc(32, 5) } });
  assert.equal(wrongSession.type === "rejected" && wrongSession.reason, "session");

  assert.equal(await counter("arkube_vdf_rejected_steps", { reason: "forged" }), 3);
  assert.equal(await counter("arkube_vdf_rejected_steps", { reason: "stale-term" }), 1);
  assert.equal(await counter("arkube_vdf_rejected_steps"), 9);
  assert.ok((await histogramCount("arkube_vdf_verify_seconds")) >= 5);
  // The bytes path decodes the same message.
  assert.equal((await v.checkBytes(encodeStepMessage(m(2, 3)))).type, "accepted");
});
