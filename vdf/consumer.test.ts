// Consumers on a real nats-server: forged and old-term steps are rejected and counted while the genuine
// chain goes through; a consumer that was away for 20+ steps catches up from JetStream without a gap.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { encodeStepMessage } from "../protocol/vdf/index.ts";
import { startNatsServer, type NatsServer } from "../test/harness/index.ts";
import { parseConfig } from "./config.ts";
import { consumeSteps, type ConsumerEvent } from "./consumer.ts";
import { silentLogger } from "./log.ts";
import { StepProducer, type ChainPoint } from "./producer.ts";
import { DerivedSeedSource } from "./seeds.ts";
import { ensureStepStream, StepStore } from "./step-store.ts";
import { forge, memoryMetrics, messageOf, waitFor } from "./test-support.ts";
import { StepVerifier } from "./verifier.ts";
import { wire } from "./wiring.ts";

const iterations = 5000;
const genesisHex = "ab".repeat(32);
const streamLimits = { streamMaxMsgs: 1000, streamMaxAgeMs: 600_000, duplicateWindowMs: 60_000, storage: "memory" as const };

async function storeFor(nc: NatsConnection, chain: string): Promise<StepStore> {
  const jsm = await jetstreamManager(nc);
  await ensureStepStream(jsm, chain, streamLimits);
  return new StepStore(jsm, jetstream(nc), chain);
}

/** Runs a consumer in the background, collecting events until stopped. */
function collect(nc: NatsConnection, store: StepStore, verifier: StepVerifier) {
  const events: ConsumerEvent[] = [];
  const abort = new AbortController();
  const done = (async () => {
    for await (const ev of consumeSteps({ nc, store, verifier, catchUpStepsMax: 500, signal: abort.signal })) events.push(ev);
  })();
  return { events, stop: async () => (abort.abort(), await done), steps: () => events.filter((e) => e.type === "step") };
}

function assertContinuous(events: ConsumerEvent[], from: number): number[] {
  const numbers = events.flatMap((e) => (e.type === "step" ? [e.step.step] : []));
  assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => from + i), "every step number once, in order");
  return numbers;
}

describe("consuming a chain over NATS", () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it("rejects and counts a forged step and a step from an old term", async () => {
    const chain = "forgery";
    const store = await storeFor(nc, chain);
    const { metrics, counter } = memoryMetrics();
    const genesis: ChainPoint = { step: 0, output: Buffer.from(genesisHex, "hex") };
    const consumer = collect(nc, store, new StepVerifier({ chain, iterations, threads: 2, metrics }, genesis));
    const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource(chain));
    let prev = genesis;
    for (let i = 0; i < 3; i++) {
      const s = await producer.next(prev);
      await store.publish(s.step, encodeStepMessage(messageOf(chain, iterations, s, 2)), 2000);
      prev = s;
    }
    const next = await producer.next(prev);
    await store.publish(next.step, encodeStepMessage(forge(messageOf(chain, iterations, next, 2), 13)), 2000);
    await store.publish(next.step, encodeStepMessage(messageOf(chain, iterations, next, 1)), 2000);
    await store.publish(next.step, encodeStepMessage(messageOf(chain, iterations, next, 2)), 2000);
    await waitFor("step 4", 5000, () => consumer.steps().length === 4);
    await consumer.stop();
    assertContinuous(consumer.events, 1);
    const reasons = consumer.events.flatMap((e) => (e.type === "rejected" ? [e.reason] : []));
    assert.deepEqual(reasons, ["forged", "stale-term"]);
    assert.equal(await counter("arkube_vdf_rejected_steps", { reason: "forged", chain }), 1);
    assert.equal(await counter("arkube_vdf_rejected_steps", { reason: "stale-term", chain }), 1);
  });

  it("a consumer disconnected for 20 steps catches up from JetStream without gaps", async () => {
    const chain = "catchup";
    const config = parseConfig({
      natsUrl: nats.url,
      identity: "leader-0",
      chain: { name: chain, genesisOutputHex: genesisHex, startStep: 100, iterationsPerCheckpoint: iterations, seeds: { type: "derived", domain: chain } },
      stream: streamLimits,
      leadership: { type: "nats-kv", leaseDurationMs: 1500, renewIntervalMs: 250, retryIntervalMs: 100, renewMarginMs: 300 },
      verifyThreads: 2,
      metricsPort: 0,
    });
    const leaderNc = await connect({ servers: nats.url });
    const { service } = await wire(config, { nc: leaderNc, meter: new MeterProvider().getMeter("t"), log: silentLogger });
    const stopLeader = new AbortController();
    const running = service.run(stopLeader.signal);
    try {
      const genesis = { step: 100, output: Buffer.from(genesisHex, "hex") };
      const firstNc = await connect({ servers: nats.url });
      const verifier = new StepVerifier({ chain, iterations, threads: 2, metrics: undefined }, genesis);
      const first = collect(firstNc, await storeFor(firstNc, chain), verifier);
      await waitFor("5 steps", 10_000, () => first.steps().length >= 5);
      await first.stop();
      await firstNc.close();
      const away = verifier.head;
      assertContinuous(first.events, 101);

      await waitFor("20 steps while away", 20_000, () => service.head.step >= away.step + 20);
      const secondNc = await connect({ servers: nats.url });
      const second = collect(secondNc, await storeFor(secondNc, chain), verifier);
      await waitFor("caught up and live", 20_000, () => second.steps().some((e) => e.type === "step" && e.source === "live" && e.step.step > away.step + 21));
      await second.stop();
      await secondNc.close();
      const numbers = assertContinuous(second.events, away.step + 1);
      const fromStream = second.steps().filter((e) => e.type === "step" && e.source === "stream").length;
      assert.ok(fromStream >= 20, `${fromStream} steps came from JetStream`);
      assert.ok(second.events.some((e) => e.type === "caught-up"));
      assert.ok(numbers.length > 21);
    } finally {
      stopLeader.abort();
      await running;
      await leaderNc.close();
    }
  });
});
