// The step message codec: round trip, and every class of malformed payload refused with its code.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as native from "../../native/index.ts";
import {
  VDF_CHECKPOINTS_PER_STEP,
  VDF_HASH_BYTES,
  VDF_ITERATIONS_MIN,
  VDF_RESET_INTERVAL_STEPS,
  checkChainName,
  decodeStepMessage,
  encodeStepMessage,
  stepMessageBytesMax,
  stepStreamName,
  stepSubject,
  stepSubjectWildcard,
  type VdfStepMessage,
} from "./index.ts";

function hash(fill: number): Uint8Array {
  return Buffer.alloc(VDF_HASH_BYTES, fill);
}

function sample(): VdfStepMessage {
  const checkpoints = Array.from({ length: VDF_CHECKPOINTS_PER_STEP }, (_, i) => hash(i + 1));
  return {
    chain: "devnet-1",
    step: 2401,
    output: checkpoints[24]!,
    checkpoints,
    session: { interval: 2, seed: hash(0xee) },
    difficulty: 600_000,
    term: 7,
    leader: "vdf-0",
    timeMs: 1_700_000_000_000,
  };
}

function wire(mutate: (w: Record<string, unknown>) => void): Uint8Array {
  const w = JSON.parse(Buffer.from(encodeStepMessage(sample())).toString()) as Record<string, unknown>;
  mutate(w);
  return Buffer.from(JSON.stringify(w));
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return "no error";
}

test("constants agree with the native core", () => {
  assert.equal(VDF_CHECKPOINTS_PER_STEP, native.VDF_CHECKPOINTS_PER_STEP);
  assert.equal(VDF_HASH_BYTES, native.VDF_HASH_BYTES);
  assert.equal(VDF_RESET_INTERVAL_STEPS, native.VDF_RESET_INTERVAL_STEPS);
  assert.equal(VDF_ITERATIONS_MIN, native.VDF_ITERATIONS_MIN);
});

test("round trip keeps every field", () => {
  const m = sample();
  const bytes = encodeStepMessage(m);
  assert.ok(bytes.length < stepMessageBytesMax);
  const back = decodeStepMessage(bytes);
  assert.deepEqual({ ...back, output: hexOf(back.output), checkpoints: back.checkpoints.map(hexOf), session: { ...back.session, seed: hexOf(back.session.seed) } },
    { ...m, output: hexOf(m.output), checkpoints: m.checkpoints.map(hexOf), session: { ...m.session, seed: hexOf(m.session.seed) } });
});

function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

test("malformed payloads are refused with stable codes", () => {
  assert.equal(code(() => decodeStepMessage(Buffer.alloc(stepMessageBytesMax + 1, 0x20))), "ERR_VDF_PAYLOAD_TOO_LARGE");
  assert.equal(code(() => decodeStepMessage(Buffer.from("{not json"))), "ERR_VDF_BAD_JSON");
  assert.equal(code(() => decodeStepMessage(Buffer.from("[1,2]"))), "ERR_VDF_BAD_JSON");
  assert.equal(code(() => decodeStepMessage(Buffer.from([0x22, 0xff, 0x22]))), "ERR_VDF_BAD_JSON");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.v = 2)))), "ERR_VDF_UNSUPPORTED_VERSION");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.extra = 1)))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => delete w.term))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.step = 0)))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.step = 1.5)))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.term = "7")))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.difficulty = 1)))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.chain = "Bad.Name")))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.leader = "")))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.output = "AB".repeat(32))))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.checkpoints = (w.checkpoints as string[]).slice(1))))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => ((w.session as Record<string, unknown>).x = 1)))), "ERR_VDF_BAD_FIELD");
  assert.equal(code(() => decodeStepMessage(wire((w) => (w.output = "00".repeat(32))))), "ERR_VDF_INCONSISTENT");
  assert.equal(code(() => decodeStepMessage(wire((w) => ((w.session as Record<string, unknown>).interval = 1)))), "ERR_VDF_INCONSISTENT");
});

test("names: one subject tree, stream and key per chain", () => {
  assert.equal(stepSubject("devnet-1", 42), "arkube.vdf.devnet-1.step.42");
  assert.equal(stepSubjectWildcard("devnet-1"), "arkube.vdf.devnet-1.step.*");
  assert.equal(stepStreamName("devnet-1"), "ARKUBE_VDF_DEVNET_1");
  for (const bad of ["", "A", "a.b", "a*", "-a", "a-", "x".repeat(64)]) {
    assert.equal(code(() => checkChainName(bad)), "ERR_VDF_BAD_CHAIN_NAME", bad);
  }
});
