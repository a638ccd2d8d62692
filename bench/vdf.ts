// VDF service benchmarks on a real nats-server (loopback):
//  1. fan-out: one step published through JetStream to 50 subscribers (one connection each), latency
//     from publish to a verified receipt (decode + classify + native verify), p50 and p99. Reference:
//     the 1 s step period, the budget within which every miner must have the step. The fan-out uses a
//     small difficulty so that 50 verifiers sharing this machine's cores measure the path, not 50x the
//     hashing a real (one-per-machine) consumer does; verification at full difficulty is line 3.
//  2. producer loop at mainnet difficulty (compute + encode + publish + ack) in steps/s, against the
//     native single-step figure measured in the same run (the loop's overhead shows as ratio < 1).
//  3. verification of one mainnet-difficulty step on 2 threads, against computing it.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { vdfStep, vdfVerifyStep, VDF_ITERATIONS_DEFAULT } from "../native/index.ts";
import { encodeStepMessage, stepSubjectWildcard, type VdfStepMessage } from "../protocol/vdf/index.ts";
import { startNatsServer } from "../test/harness/index.ts";
import { DerivedSeedSource } from "../vdf/seeds.ts";
import { StepProducer, type ChainPoint } from "../vdf/producer.ts";
import { ensureStepStream, StepStore } from "../vdf/step-store.ts";
import { StepVerifier } from "../vdf/verifier.ts";
import { bestSeconds, printLine } from "./report.ts";

const subscribers = 50;
const fanOutIterations = 20;
const stepPeriodMs = 1000;
const publishGapMs = 20;
/** First steps excluded from the percentiles: connection and JIT warm-up. */
const warmupSteps = 5;
const publishTimeoutMs = 5000;
const streamLimits = { streamMaxMsgs: 10_000, streamMaxAgeMs: 600_000, duplicateWindowMs: 60_000, storage: "memory" as const };

async function storeOn(nc: NatsConnection, chain: string): Promise<StepStore> {
  const jsm = await jetstreamManager(nc);
  await ensureStepStream(jsm, chain, streamLimits);
  return new StepStore(jsm, jetstream(nc), chain);
}

async function chainOf(chain: string, iterations: number, count: number): Promise<{ genesis: ChainPoint; steps: VdfStepMessage[] }> {
  const genesis = { step: 0, output: Buffer.alloc(32, 0x42) };
  const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource(chain));
  const steps: VdfStepMessage[] = [];
  let prev: ChainPoint = genesis;
  for (let i = 0; i < count; i++) {
    const s = await producer.next(prev);
    steps.push({ ...s, chain, difficulty: iterations, term: 1, leader: "bench", timeMs: Date.now() });
    prev = s;
  }
  return { genesis, steps };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function fanOut(url: string, quick: boolean): Promise<void> {
  const chain = "bench-fanout";
  const { genesis, steps } = await chainOf(chain, fanOutIterations, quick ? 40 : 200);
  const publisher = await connect({ servers: url });
  const store = await storeOn(publisher, chain);
  const sentAt = new Map<number, number>();
  const latenciesMs: number[] = [];
  let rejected = 0;
  const conns = await Promise.all(Array.from({ length: subscribers }, () => connect({ servers: url })));
  const loops = conns.map(async (nc) => {
    const verifier = new StepVerifier({ chain, iterations: fanOutIterations, threads: 1, metrics: undefined }, genesis);
    const sub = nc.subscribe(stepSubjectWildcard(chain), { max: steps.length });
    for await (const msg of sub) {
      const out = await verifier.checkBytes(msg.data);
      if (out.type !== "accepted") rejected++;
      else if (out.step.step > warmupSteps) latenciesMs.push(performance.now() - sentAt.get(out.step.step)!);
    }
  });
  await Promise.all(conns.map((nc) => nc.flush()));
  for (const m of steps) {
    const data = encodeStepMessage(m);
    sentAt.set(m.step, performance.now());
    await store.publish(m.step, data, publishTimeoutMs);
    await new Promise((r) => setTimeout(r, publishGapMs));
  }
  await Promise.all(loops);
  await Promise.all([...conns, publisher].map((nc) => nc.close()));
  if (rejected > 0 || latenciesMs.length !== (steps.length - warmupSteps) * subscribers) throw new Error(`fan-out: ${rejected} rejected, ${latenciesMs.length} received`);
  latenciesMs.sort((a, b) => a - b);
  const note = `${steps.length - warmupSteps} steps (after ${warmupSteps} warm-up) x ${subscribers} subscribers, difficulty ${fanOutIterations}`;
  printLine({ name: `fan-out to ${subscribers}, publish->verified p50`, measured: percentile(latenciesMs, 50), reference: stepPeriodMs, unit: "ms", higherIsBetter: false, note });
  printLine({ name: `fan-out to ${subscribers}, publish->verified p99`, measured: percentile(latenciesMs, 99), reference: stepPeriodMs, unit: "ms", higherIsBetter: false, note });
}

async function producerLoop(url: string, quick: boolean): Promise<void> {
  const iterations = quick ? VDF_ITERATIONS_DEFAULT / 10 : VDF_ITERATIONS_DEFAULT;
  const count = quick ? 3 : 5;
  const prev = Buffer.alloc(32, 7);
  const native = await bestSeconds(count, () => vdfStep({ step: 1001, prev, iterations }));
  const chain = "bench-producer";
  const nc = await connect({ servers: url });
  const store = await storeOn(nc, chain);
  const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource(chain));
  let head: ChainPoint = { step: 1000, output: prev };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const s = await producer.next(head);
    const m: VdfStepMessage = { ...s, chain, difficulty: iterations, term: 1, leader: "bench", timeMs: Date.now() };
    await store.publish(s.step, encodeStepMessage(m), publishTimeoutMs);
    head = s;
  }
  const loopSeconds = (performance.now() - started) / 1000 / count;
  await nc.close();
  const scaled = iterations !== VDF_ITERATIONS_DEFAULT ? `, scaled from ${iterations} iterations` : "";
  const scale = iterations / VDF_ITERATIONS_DEFAULT;
  printLine({
    name: "producer loop at mainnet difficulty (compute+publish)",
    measured: scale / loopSeconds,
    reference: scale / native,
    unit: "steps/s",
    higherIsBetter: true,
    note: `reference: native single step, best of ${count}${scaled}`,
  });
  const { checkpoints } = await vdfStep({ step: 1001, prev, iterations });
  const verify = await bestSeconds(count, () => vdfVerifyStep({ step: 1001, prev, iterations, checkpoints }, { threads: 2 }));
  printLine({
    name: "verify one mainnet step (2 threads) vs computing it",
    measured: verify / scale,
    reference: native / scale,
    unit: "s",
    higherIsBetter: false,
    note: scaled.replace(/^, /, "") || undefined,
  });
}

export async function run(opts: { quick: boolean }): Promise<void> {
  console.log(`vdf service (${opts.quick ? "quick" : "full"}; nats-server on loopback)`);
  const nats = await startNatsServer();
  try {
    await fanOut(nats.url, opts.quick);
    await producerLoop(nats.url, opts.quick);
  } finally {
    await nats.stop();
  }
}
