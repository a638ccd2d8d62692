// The service's publishing discipline: a leader cut off from its lease store stops publishing before the
// lease can expire (so before the standby is elected), and the standby continues from the last published
// step, so the consumer still sees one continuous verified chain.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { startNatsServer, type NatsServer } from "../test/harness/index.ts";
import { consumeSteps, type ConsumerEvent } from "./consumer.ts";
import { Elector } from "./leadership/elector.ts";
import { NatsKvLeaseStore } from "./leadership/nats-kv.ts";
import type { LeaseRecord, LeaseStore } from "./leadership/types.ts";
import type { LogEvent } from "./log.ts";
import { VdfMetrics } from "./metrics.ts";
import { DerivedSeedSource } from "./seeds.ts";
import { VdfService } from "./service.ts";
import { ensureStepStream, StepStore } from "./step-store.ts";
import { waitFor } from "./test-support.ts";
import { StepVerifier } from "./verifier.ts";

const chain = "cutoff";
const iterations = 3000;
const genesis = { step: 0, output: Buffer.alloc(32, 0x11) };
const timing = { leaseDurationMs: 1500, renewIntervalMs: 250, retryIntervalMs: 100, renewMarginMs: 300 };

class CutOffStore implements LeaseStore {
  readonly kind = "cut-off";
  cut = false;
  constructor(private readonly inner: LeaseStore) {}
  private guard<T>(op: () => Promise<T>): Promise<T> {
    return this.cut ? Promise.reject(new Error("cut off")) : op();
  }
  read() {
    return this.guard(() => this.inner.read());
  }
  create(r: LeaseRecord) {
    return this.guard(() => this.inner.create(r));
  }
  update(r: LeaseRecord, v: string) {
    return this.guard(() => this.inner.update(r, v));
  }
}

describe("VdfService leadership discipline", () => {
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

  async function service(identity: string, leaseStore: LeaseStore, logs: Array<LogEvent & { atMs: number }>) {
    const jsm = await jetstreamManager(nc);
    await ensureStepStream(jsm, chain, { streamMaxMsgs: 1000, streamMaxAgeMs: 600_000, duplicateWindowMs: 60_000, storage: "memory" });
    const store = new StepStore(jsm, jetstream(nc), chain);
    const log = (e: LogEvent) => logs.push({ ...e, atMs: performance.now() });
    const elector = new Elector({ ...timing, store: leaseStore, identity, log });
    const metrics = new VdfMetrics(new MeterProvider().getMeter("t"));
    const opts = { chain, iterations, identity, genesis, verifyThreads: 2, catchUpStepsMax: 1000, publishTimeoutMs: 2000, publishRetryMs: 50 };
    const svc = new VdfService(opts, { nc, store, elector, seeds: new DerivedSeedSource(chain), metrics, log });
    const abort = new AbortController();
    return { svc, store, stop: async (run: Promise<void>) => (abort.abort(), await run), run: () => svc.run(abort.signal) };
  }

  it("a cut-off leader goes quiet before the standby is elected; the chain stays continuous", async () => {
    const logsA: Array<LogEvent & { atMs: number }> = [];
    const logsB: Array<LogEvent & { atMs: number }> = [];
    const cut = new CutOffStore(await NatsKvLeaseStore.open(nc, chain));
    const a = await service("svc-a", cut, logsA);
    const runA = a.run();
    const events: Array<ConsumerEvent & { atMs: number }> = [];
    const stopConsumer = new AbortController();
    const verifier = new StepVerifier({ chain, iterations, threads: 2, metrics: undefined }, genesis);
    const consumer = (async () => {
      for await (const ev of consumeSteps({ nc, store: a.store, verifier, catchUpStepsMax: 1000, signal: stopConsumer.signal })) events.push({ ...ev, atMs: performance.now() });
    })();
    const from = (id: string) => events.filter((e) => e.type === "step" && e.step.leader === id);
    const b = await service("svc-b", await NatsKvLeaseStore.open(nc, chain), logsB);
    const runB = b.run();
    try {
      await waitFor("steps from svc-a", 10_000, () => from("svc-a").length >= 5);
      cut.cut = true;
      await waitFor("steps from svc-b", 10_000, () => from("svc-b").length >= 5);
      const lostAt = logsA.find((e) => e.event === "lease_lost")!.atMs;
      const electedB = logsB.find((e) => e.event === "lease_acquired")!.atMs;
      const lastOfA = from("svc-a").at(-1)!.atMs;
      assert.ok(lostAt < electedB, "svc-a lost its right to publish before svc-b was elected");
      assert.ok(lastOfA < electedB, "no step of svc-a arrived after svc-b's election");
      const numbers = events.flatMap((e) => (e.type === "step" ? [e.step.step] : []));
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1));
      assert.deepEqual(events.filter((e) => e.type === "rejected"), []);
    } finally {
      stopConsumer.abort();
      await consumer;
      await Promise.all([a.stop(runA), b.stop(runB)]);
    }
  });
});
