// operator/main.ts as a real process against a real control plane: it wins the lease and starts the
// controllers; killed with SIGKILL in the middle of applying a Replica's Partitions, a new process
// converges on exactly the desired Partitions, answers its health probes and applies the default
// HashChain it is given; SIGTERM stops it cleanly.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Partition, Replica } from "../../protocol/crds/index.ts";
import { replicaLabel } from "../constants.ts";
import type { KubeObject } from "../kube/client.ts";
import { resources } from "../kube/resources.ts";
import { inventoryConfigMap } from "../placement/inventory.ts";
import { createStorageNode, pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "arkube";
const mainPath = fileURLToPath(new URL("../main.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const partitionCount = 80;
const timeoutMs = 60_000;

interface Operator {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function startOperator(kubeconfig: string, extra: string[]): Operator {
  const child = spawn(process.execPath, ["--import", "tsx", mainPath, "--kubeconfig", kubeconfig, "--namespace", ns, ...extra], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr!.on("data", (d: Buffer) => lines.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("operator/main.ts as a process", () => {
  let cluster: Cluster;
  const started: Operator[] = [];
  const partitions = async () => (await cluster.api.list<Partition>(resources.partition, ns, `${replicaLabel}=big`)).items;

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
    await createStorageNode(cluster.api, "storage-0");
    const disks = Array.from({ length: 8 }, (_, d) => ({ path: `/mnt/disk${d}`, capacityBytes: 1e12 }));
    await cluster.api.create(resources.configMap, inventoryConfigMap(ns, { node: "storage-0", disks }) as never);
  });
  after(async () => {
    for (const op of started) if (op.child.exitCode === null && op.child.signalCode === null) op.child.kill("SIGKILL");
    await Promise.all(started.map((op) => op.exited));
    await cluster?.stop();
  });

  it("takes the lease, starts, and a SIGKILL mid-reconcile is repaired by the next process with no duplicates", async (t) => {
    const first = startOperator(cluster.cp.kubeconfigPath, ["--identity", "op-1", "--metrics-port", "0"]);
    started.push(first);
    await pollUntil("operator_running", timeoutMs, async () => first.lines.some((l) => l.includes('"operator_running"')));
    assert.ok(first.lines.some((l) => l.includes('"leader_acquired"')));
    await cluster.api.create(resources.replica, {
      metadata: { name: "big", namespace: ns },
      spec: { miningAddress: { address: "A".repeat(43) }, packing: "spora_2_6", partitions: { count: partitionCount }, partitionSizeBytes: 262_144 },
    } as never);
    await pollUntil("first partitions", timeoutMs, async () => (await partitions()).length > 0);
    first.child.kill("SIGKILL");
    await first.exited;
    const leftBehind = (await partitions()).length;
    t.diagnostic(`the killed operator had applied ${leftBehind} of ${partitionCount} partitions`);

    const metricsPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "arkube-operator-"));
    const defaultHashChain = join(dir, "hashchain.yaml");
    writeFileSync(defaultHashChain, [
      "apiVersion: arkube.dev/v1alpha1", "kind: HashChain", "metadata: {name: arkube}",
      `spec: {chainName: devnet, genesisOutput: ${"A".repeat(43)}, iterationsPerCheckpoint: 20000, image: "arkube/vdf:dev"}`,
    ].join("\n"));
    const second = startOperator(cluster.cp.kubeconfigPath, ["--leader-elect=false", "--metrics-port", String(metricsPort),
      "--nats-url", "nats://arkube-nats.arkube.svc:4222", "--default-hashchain", defaultHashChain]);
    started.push(second);
    const healthz = await pollUntil("healthz", timeoutMs, async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => undefined))?.status);
    assert.equal(healthz, 200);
    const replica = await pollUntil("converged", timeoutMs, async () => {
      const r = await cluster.api.get<Replica>(resources.replica, "big", ns);
      return r?.status?.partitions?.placed === partitionCount ? r : undefined;
    });
    const parts = await partitions();
    assert.equal(parts.length, partitionCount, `left behind ${leftBehind} after the kill`);
    assert.equal(new Set(parts.map((p) => p.spec.index)).size, partitionCount);
    assert.equal(replica.status?.conditions?.find((c) => c.type === "Placed")?.status, "True");
    // Ready once every controller runs (the storage controllers may have converged before the last one started).
    await pollUntil("readyz", timeoutMs, async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200);
    // The default HashChain from the file, and the vdf Deployment and config the controller makes of it.
    const vdfConfig = await pollUntil("default HashChain's vdf config", timeoutMs, () => cluster.api.get<KubeObject & { data: Record<string, string> }>(resources.configMap, "arkube-vdf", ns));
    assert.match(vdfConfig.data["config.yaml"]!, /natsUrl: nats:\/\/arkube-nats.arkube.svc:4222/);
    await pollUntil("default HashChain's vdf Deployment", timeoutMs, () => cluster.api.get(resources.deployment, "arkube-vdf", ns));
    rmSync(dir, { recursive: true, force: true });
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(scrape, /arkube_operator_reconciles_total\{controller="Replica",outcome="ok"[^}]*\} [1-9]/);
    assert.match(scrape, /arkube_operator_queue_depth\{controller="Partition"/);
  });

  it("SIGTERM stops the process cleanly", async () => {
    const op = started[started.length - 1]!;
    op.child.kill("SIGTERM");
    assert.equal(await op.exited, 0);
    assert.ok(op.lines.some((l) => l.includes('"operator_stopping"')));
  });
});
