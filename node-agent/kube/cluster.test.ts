// The agent in a cluster, end to end on real parts: kube-apiserver + etcd with the arkube CRDs, the
// operator's storage controllers (in this process), nats-server carrying VDF steps, the synthetic
// weave over HTTP, and node-agent/main.ts as a process with a `kubernetes:` section and two data
// disks. The agent publishes its inventory, the operator places a Replica's two Partitions on those
// disks, the agent syncs, packs and mines them and reports their status; corrupting one disk's data
// fails that Partition (lastError, DiskHealthy=False) while the other keeps mining; scaling the
// Replica down deletes a Partition with deletionPolicy Delete, which the agent erases before the
// operator lets it go.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Partition, Replica } from "../../protocol/crds/index.ts";
import { encodeStepMessage } from "../../protocol/vdf/index.ts";
import { createStorageNode, startCluster, type Cluster } from "../../operator/integration/support.ts";
import { resources } from "../../operator/kube/resources.ts";
import { startStorageControllers, type StorageControllers } from "../../operator/operator.ts";
import { parseInventory } from "../../operator/placement/inventory.ts";
import { requeueDelaysDefault } from "../../operator/reconcile/requeue.ts";
import { freePort, startNatsServer, type NatsServer } from "../../test/harness/index.ts";
import { logTail, processSetIn, type Component } from "../../test/k8s/processes.ts";
import { SyntheticWeave, startWeaveServer, type WeaveServer } from "../../test/weave/index.ts";
import { DerivedSeedSource, ensureStepStream, StepProducer, StepStore, type ChainPoint } from "../../vdf/index.ts";
import { messageOf } from "../../vdf/test-support.ts";
import { CHUNK_BYTES, moduleDirName } from "../storage/layout.ts";
import { tempDir, waitFor } from "../test-support.ts";

const ns = "arkube";
const node = "agent-node";
const chain = "k8s-test";
const iterations = 1000;
const genesisHex = "ab".repeat(32);
const C = BigInt(CHUNK_BYTES);
const partitionSizeBytes = 8n * C;
const address = Buffer.alloc(32, 0x4b);
const u256 = 1n << 256n;
const mainPath = new URL("../main.ts", import.meta.url).pathname;
const convergeMs = 90_000;

type Condition = { type: string; status: string; reason: string; observedGeneration?: number };
const conditionOf = (p: Partition | undefined, type: string): Condition | undefined => p?.status?.conditions?.find((c) => c.type === type);

describe("node agent on a real control plane", () => {
  let cluster: Cluster;
  let operator: StorageControllers | undefined;
  let nats: NatsServer;
  let nc: NatsConnection;
  let weave: WeaveServer;
  let synthetic: SyntheticWeave;
  let agent: Component;
  let metricsPort: number;
  let stepping: Promise<void> | undefined;
  const stopSteps = new AbortController();
  const data = tempDir("arkube-agent-k8s-");
  const disks = [join(data.path, "disk0"), join(data.path, "disk1")];
  const procDir = mkdtempSync(join(tmpdir(), "arkube-agent-k8s-procs-"));
  const procs = processSetIn(procDir);
  mkdirSync(join(procDir, "logs"));

  const partition = (name: string) => cluster.api.get<Partition>(resources.partition, name, ns);
  const chunksIn = (p: number) => synthetic.chunks.filter((c) => (c.absoluteEnd - 1n) / partitionSizeBytes === BigInt(p)).length;
  const alive = () => {
    if (agent.exit !== undefined) throw new Error(`agent exited:\n${logTail(agent)}`);
  };

  async function hashesOf(p: number): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    // The exporter may suffix counters with _total.
    const series = new RegExp(`^arkube_mining_hashes(_total)?\\{[^}]*partition="${p}"`);
    return text.split("\n").filter((line) => series.test(line)).reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  }

  /** Publishes a verified VDF chain, one step every 200 ms, until the test ends. */
  async function publishSteps(signal: AbortSignal): Promise<void> {
    const store = new StepStore(await jetstreamManager(nc), jetstream(nc), chain);
    const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource(chain));
    let prev: ChainPoint = { step: 0, output: Buffer.from(genesisHex, "hex") };
    while (!signal.aborted) {
      const s = await producer.next(prev);
      await store.publish(s.step, encodeStepMessage(messageOf(chain, iterations, s, 1)), 2000);
      prev = s;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
    await createStorageNode(cluster.api, node);
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    await ensureStepStream(await jetstreamManager(nc), chain, { streamMaxMsgs: 1000, streamMaxAgeMs: 600_000, duplicateWindowMs: 60_000, storage: "memory" });
    synthetic = new SyntheticWeave({ label: "k8s", blocks: 4, txsPerBlock: 3, txBytesMax: 700_000 });
    weave = await startWeaveServer(synthetic);
    for (const d of disks) mkdirSync(d);
    operator = await startStorageControllers({
      api: cluster.api, namespace: ns, log: () => undefined, now: () => new Date(), writeConcurrencyMax: 4,
      delays: { ...requeueDelaysDefault, waitForParentMs: 200, waitForDependentsMs: 200, waitForDataEraseMs: 200, noCapacityMs: 500 },
    });
    metricsPort = await freePort();
    const configPath = join(data.path, "agent.yaml");
    writeFileSync(configPath, [
      `kubernetes: {nodeName: ${node}, namespace: ${ns}, kubeconfig: ${cluster.cp.kubeconfigPath}, statusIntervalMs: 1000, inventoryIntervalMs: 1000}`,
      `natsUrl: ${nats.url}`,
      `miningAddressB64Url: ${address.toString("base64url")}`,
      `partitionSizeBytes: "${partitionSizeBytes}"`,
      `dataRoots: [${disks.join(", ")}]`,
      `peers: [${weave.url}]`,
      `proofRules: "2.6"`,
      `randomxMode: light`,
      `packing: {programCount: 4, threads: 1, fetchConcurrency: 2, queueChunksMax: 4, packBatchChunksMax: 2, writeBatchChunksMax: 2, resyncIntervalMs: 600000}`,
      `storage: {chunksPerFile: 4, tailCheckChunks: 4, indexFlushEveryChunks: 4}`,
      `selfCheck: {sampleIntervalMs: 500, sampleChunks: 8}`,
      `mining: {enabled: true, chain: ${chain}, iterationsPerCheckpoint: ${iterations}, genesisOutputHex: "${genesisHex}", difficulty: "${u256 - u256 / 4n}", ` +
        `difficultyH1: "${u256 - u256 / 16n}", recallRangeChunks: 2, partitionUpperBound: "${synthetic.weaveSize}", readCacheBytesMax: ${8 * CHUNK_BYTES}, replica: r1, hashThreads: 1}`,
      `metricsPort: ${metricsPort}`,
    ].join("\n"));
    agent = procs.start("agent", process.execPath, ["--import", "tsx", mainPath, "--config", configPath]);
  });

  after(async () => {
    stopSteps.abort();
    await stepping?.catch(() => undefined);
    await procs.stopAll(10_000);
    await operator?.stop();
    await nc?.close();
    await nats?.stop();
    await weave?.close();
    await cluster?.stop();
    data.remove();
  });

  it("publishes the inventory, packs and mines its Partitions, fails a corrupted one alone, erases a deleted one", async (t) => {
    assert.ok(synthetic.weaveSize > partitionSizeBytes + 4n * C, "the weave fills most of two partitions");

    // 1. Inventory: the operator's parser reads the agent's ConfigMap.
    const cm = await pollFor("inventory ConfigMap", async () => {
      alive();
      return cluster.api.get<{ metadata: { name: string; labels?: Record<string, string> }; data?: Record<string, string> }>(resources.configMap, `arkube-inventory-${node}`, ns);
    });
    assert.equal(cm.metadata.labels?.["arkube.dev/inventory"], "true");
    const inv = parseInventory(cm);
    assert.equal(inv.node, node);
    assert.deepEqual(inv.disks.map((d) => d.path), disks);
    assert.ok(inv.disks.every((d) => d.capacityBytes > Number(partitionSizeBytes)));

    // 2. The operator places a Replica's two Partitions, one per disk; the agent packs and mines them.
    await cluster.api.create(resources.replica, {
      metadata: { name: "r1", namespace: ns },
      spec: {
        miningAddress: { address: address.toString("base64url") }, packing: "spora_2_6", partitions: { count: 2 }, partitionSizeBytes: Number(partitionSizeBytes),
        storage: { nodes: [{ name: node }] }, placement: { maxPartitionsPerDisk: 1 }, deletionPolicy: "Delete",
      },
    } as never);
    stepping = publishSteps(stopSteps.signal);
    const seenPhases = new Set<string>();
    const [p0, p1] = await pollFor("both Partitions Mining with their bytes packed", async () => {
      alive();
      const parts = await Promise.all([partition("r1-p0"), partition("r1-p1")]);
      for (const p of parts) if (p?.status?.phase !== undefined) seenPhases.add(p.status.phase);
      const done = parts.every((p, i) => p?.status?.phase === "Mining" && p.status.packedBytes === chunksIn(i) * CHUNK_BYTES && (p.status.hashrate ?? 0) > 0);
      return done ? (parts as [Partition, Partition]) : undefined;
    });
    for (const [i, p] of [p0, p1].entries()) {
      assert.equal(p.status?.progressPercent, 100, `r1-p${i} progress`);
      assert.equal(p.status?.observedGeneration, p.metadata.generation);
      assert.equal(p.status?.lastError, undefined);
      assert.deepEqual([conditionOf(p, "DiskHealthy")?.status, conditionOf(p, "DiskHealthy")?.observedGeneration], ["True", p.metadata.generation]);
      assert.equal(conditionOf(p, "Mining")?.status, "True");
      assert.equal(conditionOf(p, "Scheduled")?.reason, "DiskReported", "the operator's condition sits next to the agent's");
    }
    assert.deepEqual(new Set([p0.spec.diskPath, p1.spec.diskPath]), new Set(disks), "one Partition per disk");
    const replica = await pollFor("Replica Ready", async () => {
      const r = await cluster.api.get<Replica>(resources.replica, "r1", ns);
      return r?.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? r : undefined;
    });
    assert.equal(replica.status?.partitions?.mining, 2);

    // 3. The disk under r1-p0 returns other bytes than were written: the sampler finds it, r1-p0 goes Failed.
    const dir0 = join(p0.spec.diskPath, moduleDirName(0, address.toString("base64url")));
    for (const f of readdirSync(join(dir0, "chunks"))) writeFileSync(join(dir0, "chunks", f), randomBytes(statSync(join(dir0, "chunks", f)).size));
    const failed = await pollFor("r1-p0 Failed", async () => {
      alive();
      const p = await partition("r1-p0");
      return p?.status?.phase === "Failed" ? p : undefined;
    });
    assert.match(failed.status?.lastError ?? "", /^CorruptData: .*failed verification/);
    assert.deepEqual([conditionOf(failed, "DiskHealthy")?.status, conditionOf(failed, "DiskHealthy")?.reason], ["False", "CorruptData"]);
    const before = await hashesOf(1);
    await pollFor("r1-p1 still mining after r1-p0 failed", async () => {
      alive();
      const p = await partition("r1-p1");
      return p?.status?.phase === "Mining" && (await hashesOf(1)) > before;
    });

    // 4. Scale down: the operator deletes r1-p1 (deletionPolicy Delete); the agent erases its data first.
    const dir1 = join(p1.spec.diskPath, moduleDirName(1, address.toString("base64url")));
    assert.ok(existsSync(dir1));
    await cluster.api.mergePatch(resources.replica, "r1", ns, { spec: { partitions: { count: 1 } } });
    await pollFor("r1-p1 erased and gone", async () => {
      alive();
      return (await partition("r1-p1")) === undefined;
    });
    assert.equal(existsSync(dir1), false, "the module directory is erased");
    assert.ok(existsSync(dir0), "the other Partition's data stays");

    process.kill(-agent.pid, "SIGTERM");
    assert.equal((await agent.exited).code, 0, `graceful stop:\n${logTail(agent)}`);
    // The offline verify (agent stopped) agrees that r1-p0's disk holds other bytes than were written.
    const verify = procs.start("verify", process.execPath, ["--import", "tsx", mainPath, "--config", join(data.path, "agent.yaml"), "--verify", "0", "--disk", p0.spec.diskPath]);
    assert.equal((await verify.exited).code, 1, `offline verify finds the corruption:\n${logTail(verify)}`);
    // Partitions report what they went through; a 1 s status tick may skip a short phase, so this is a diagnostic.
    t.diagnostic(`phases seen: ${[...seenPhases].join(", ")}`);
  });
});

async function pollFor<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  let found: T | undefined;
  await waitFor(what, convergeMs, async () => {
    const v = await check();
    if (v === undefined || v === false) return false;
    found = v;
    return true;
  }, 200);
  return found!;
}
