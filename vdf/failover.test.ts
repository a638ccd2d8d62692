// Failover with real processes: two `vdf/main.ts` processes and a consumer (this test) on a real
// nats-server. The leader is killed with SIGKILL; the standby must publish the next step within 3 s and
// the consumer must see one continuous, verified chain: every step number once, no rejection.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { freePort, startNatsServer, type Component, type NatsServer } from "../test/harness/index.ts";
import { consumeSteps, type ConsumerEvent } from "./consumer.ts";
import { StepStore } from "./step-store.ts";
import { memoryMetrics, waitFor } from "./test-support.ts";
import { StepVerifier } from "./verifier.ts";

const chain = "failover";
const iterations = 5000;
const genesisHex = "5a".repeat(32);
const takeoverBoundMs = 3000;
const mainPath = new URL("./main.ts", import.meta.url).pathname;

function writeConfig(nats: NatsServer, identity: string, metricsPort: number): string {
  const path = join(nats.dir, `${identity}.yaml`);
  writeFileSync(
    path,
    [
      `natsUrl: ${nats.url}`,
      `identity: ${identity}`,
      "chain:",
      `  name: ${chain}`,
      `  genesisOutputHex: "${genesisHex}"`,
      "  startStep: 0",
      `  iterationsPerCheckpoint: ${iterations}`,
      "  seeds: { type: derived, domain: failover-test }",
      "stream: { streamMaxMsgs: 5000, storage: file }",
      "leadership: { type: nats-kv, leaseDurationMs: 1500, renewIntervalMs: 250, retryIntervalMs: 100, renewMarginMs: 300 }",
      "verifyThreads: 2",
      `metricsPort: ${metricsPort}`,
      "metricsHost: 127.0.0.1",
    ].join("\n"),
  );
  return path;
}

function startVdf(nats: NatsServer, identity: string, metricsPort: number): Component {
  return nats.startProcess(identity, process.execPath, ["--import", "tsx", mainPath, "--config", writeConfig(nats, identity, metricsPort)]);
}

function logOf(c: Component): string {
  try {
    return readFileSync(c.logPath, "utf8");
  } catch {
    return "";
  }
}

describe("vdf processes: kill -9 the leader", () => {
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

  it("the standby continues the chain within 3 s; the consumer sees every step once, verified", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = startVdf(nats, "vdf-a", portA);
    const events: Array<ConsumerEvent & { atMs: number }> = [];
    const { metrics, counter } = memoryMetrics();
    const verifier = new StepVerifier({ chain, iterations, threads: 2, metrics }, { step: 0, output: Buffer.from(genesisHex, "hex") });
    const stop = new AbortController();
    let consumer: Promise<void> | undefined;
    const byLeader = (id: string) => events.filter((e) => e.type === "step" && e.step.leader === id);
    try {
      await waitFor("the stream", 30_000, async () => (await (await jetstreamManager(nc)).streams.names().next()).length > 0, 200);
      const store = new StepStore(await jetstreamManager(nc), jetstream(nc), chain);
      consumer = (async () => {
        for await (const ev of consumeSteps({ nc, store, verifier, catchUpStepsMax: 5000, signal: stop.signal })) events.push({ ...ev, atMs: performance.now() });
      })();
      await waitFor("steps from vdf-a", 30_000, () => byLeader("vdf-a").length >= 5, 50);
      const b = startVdf(nats, "vdf-b", portB);
      await waitFor("vdf-b following vdf-a", 30_000, () => logOf(b).includes('"event":"leader_observed"') && logOf(b).includes('"holder":"vdf-a"'), 100);
      await waitFor("vdf-b verifying", 10_000, () => b.exit === undefined && logOf(b).includes('"role":"follower"'), 100);
      const scrape = await (await fetch(`http://127.0.0.1:${portA}/metrics`)).text();
      assert.match(scrape, /arkube_vdf_steps_produced_total\{[^}]*chain="failover"[^}]*\} \d+/);
      assert.match(scrape, /arkube_vdf_publish_latency_seconds_count/);

      process.kill(-a.pid, "SIGKILL");
      const killedAtMs = performance.now();
      await a.exited;
      await waitFor("a step from vdf-b", 10_000, () => byLeader("vdf-b").length > 0, 10);
      const firstOfB = byLeader("vdf-b")[0]!;
      await waitFor("10 steps from vdf-b", 10_000, () => byLeader("vdf-b").length >= 10, 50);
      stop.abort();
      await consumer;
      // Read only now: steps vdf-a published just before the kill may still have been in flight to the consumer.
      const lastOfA = byLeader("vdf-a").at(-1)!;

      const tookOverMs = firstOfB.atMs - killedAtMs;
      assert.ok(tookOverMs < takeoverBoundMs, `vdf-b published ${Math.round(tookOverMs)} ms after the kill`);
      assert.equal(b.exit, undefined, "vdf-b still running");
      const numbers = events.flatMap((e) => (e.type === "step" ? [e.step.step] : []));
      assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), "every step number once, from 1");
      assert.deepEqual(events.filter((e) => e.type === "rejected"), []);
      assert.equal(await counter("arkube_vdf_rejected_steps"), 0);
      if (firstOfB.type === "step" && lastOfA.type === "step") {
        assert.ok(firstOfB.step.term > lastOfA.step.term, "a new term");
        assert.ok(firstOfB.step.step <= lastOfA.step.step + 1, "vdf-b continues from the last published step");
      }
      console.log(`# takeover after kill -9: ${Math.round(tookOverMs)} ms; ${numbers.length} steps`);
    } finally {
      stop.abort();
      await consumer;
    }
  });
});
