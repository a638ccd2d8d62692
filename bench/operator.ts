// Benchmarks of the operator on a real control plane (etcd + kube-apiserver + kwok), with the operator
// running as its own process (operator/main.ts) so its RSS is its own:
//   - storage: N kwok nodes x 4 reported disks and one Replica of 4N partitions; time from creating the
//     Replica until every Partition exists and the Replica reports them all placed.
//   - compute: P AOProcesses over 20 ready cu pods (kwok runs them); time from the operator's start
//     until every process has an assigned pod; then a 21st pod: time to rebalance and the fraction of
//     processes moved (reference: the ideal 1/21; `ratio` = measured / ideal, 1.00 is ideal: below 1
//     the new pod took less than its share, above 1 more processes moved than needed).
// Also the pure cores in-process: placement of 4N partitions, and 10,000 ring lookups.
// Full: 100 nodes, 400 partitions, 10,000 processes. --quick: 20 nodes, 80 partitions, 1,000 processes.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AOProcess, Partition, Replica } from "../protocol/crds/index.ts";
import { buildRing } from "../operator/hashring/ring.ts";
import { mapLimit } from "../operator/context.ts";
import { createInformer } from "../operator/kube/informer.ts";
import { resources } from "../operator/kube/resources.ts";
import { silentLogger } from "../operator/log.ts";
import { inventoryConfigMap } from "../operator/placement/inventory.ts";
import { place } from "../operator/placement/placement.ts";
import { createStorageNode, pollUntil, startCluster, type Cluster } from "../operator/integration/support.ts";

const ns = "arkube";
const disksPerNode = 4;
const cuPods = 20;
const partSize = 262_144;
const createConcurrency = 32;
const convergeTimeoutMs = 600_000;
const operatorStartTimeoutMs = 60_000;
const mainPath = fileURLToPath(new URL("../operator/main.ts", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));

interface Sizes {
  nodes: number;
  partitions: number;
  processes: number;
}

function line(name: string, value: string, unit: string, extra = ""): void {
  console.log(`${name.padEnd(58)} ${value.padStart(10)} ${unit.padEnd(6)}${extra}`);
}

function ratioLine(name: string, measured: number, reference: number, unit: string): void {
  const ratio = measured / reference;
  line(name, measured.toFixed(4), unit, ` reference ${reference.toFixed(4)} ${unit} ratio ${ratio.toFixed(2)}`);
}

function benchPureCores(s: Sizes): void {
  const disks = Array.from({ length: s.nodes * disksPerNode }, (_, i) => ({ node: `n${Math.floor(i / disksPerNode)}`, path: `/mnt/d${i % disksPerNode}`, capacityBytes: 4 * partSize }));
  const indices = Array.from({ length: s.partitions }, (_, i) => i);
  let t = performance.now();
  const first = place({ indices, partitionSizeBytes: partSize, disks, existing: [], policy: "Spread", allowMovingPacked: false });
  line(`placement: ${s.partitions} partitions on ${disks.length} disks (pure)`, (performance.now() - t).toFixed(1), "ms");
  const existing = first.assignments.map((a) => ({ index: a.index, node: a.node, path: a.path, packed: true }));
  t = performance.now();
  place({ indices, partitionSizeBytes: partSize, disks, existing, policy: "Spread", allowMovingPacked: false });
  line(`placement: re-check of ${s.partitions} placed partitions (pure)`, (performance.now() - t).toFixed(1), "ms");
  const pods = Array.from({ length: cuPods }, (_, i) => `cu-${i}`);
  t = performance.now();
  const ring = buildRing(pods);
  const before = Array.from({ length: s.processes }, (_, i) => ring.owner(processId(i)));
  line(`ring: build + ${s.processes} lookups over ${cuPods} pods (pure)`, (performance.now() - t).toFixed(1), "ms");
  const grown = buildRing([...pods, `cu-${cuPods}`]);
  const moved = before.filter((owner, i) => grown.owner(processId(i)) !== owner).length;
  ratioLine(`ring: fraction moved ${cuPods} -> ${cuPods + 1} pods (pure)`, moved / s.processes, 1 / (cuPods + 1), "");
}

function processId(i: number): string {
  return `proc${String(i).padStart(39, "0")}`;
}

function memoryKiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

function startOperator(kubeconfig: string): { child: ChildProcess; running: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", mainPath, "--kubeconfig", kubeconfig, "--namespace", ns, "--leader-elect=false", "--metrics-port", "0"], {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const running = new Promise<void>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('"operator_running"')) resolve();
      if (buf.length > 1_000_000) buf = buf.slice(-1000);
    });
    child.on("exit", (code) => reject(new Error(`operator exited with ${code} before running`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, running, exited };
}

async function setUpCluster(cluster: Cluster, s: Sizes): Promise<void> {
  const { api } = cluster;
  await api.create({ group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true }, { metadata: { name: "default", namespace: ns } });
  const nodes = Array.from({ length: s.nodes }, (_, i) => `storage-${i}`);
  await mapLimit(nodes, createConcurrency, async (node) => {
    await createStorageNode(api, node);
    const disks = Array.from({ length: disksPerNode }, (_, d) => ({ path: `/mnt/disk${d}`, capacityBytes: 4 * partSize }));
    await api.create(resources.configMap, inventoryConfigMap(ns, { node, disks }) as never);
  });
  await mapLimit(Array.from({ length: cuPods }, (_, i) => i), createConcurrency, (i) => createCuPod(cluster, i));
  let t = performance.now();
  await mapLimit(Array.from({ length: s.processes }, (_, i) => i), createConcurrency, async (i) => {
    await api.create(resources.aoProcess, {
      metadata: { name: `proc-${i}`, namespace: ns },
      spec: { processId: processId(i), module: { id: "m".repeat(43) }, scheduler: "s".repeat(43) },
    } as never);
  });
  line(`setup: created ${s.processes} AOProcesses`, ((performance.now() - t) / 1000).toFixed(2), "s");
  t = performance.now();
  await waitCuPodsReady(cluster, cuPods);
  line(`setup: ${cuPods} cu pods Running+Ready on kwok`, ((performance.now() - t) / 1000).toFixed(2), "s");
}

async function createCuPod(cluster: Cluster, i: number): Promise<void> {
  await cluster.api.create(resources.pod, {
    metadata: { name: `cu-${i}`, namespace: ns, labels: { "app.kubernetes.io/component": "cu" } },
    spec: { nodeName: `storage-${i % 10}`, containers: [{ name: "cu", image: "registry.invalid/cu:0" }] },
  } as never);
}

async function waitCuPodsReady(cluster: Cluster, n: number): Promise<void> {
  await pollUntil(`${n} cu pods ready`, convergeTimeoutMs, async () => {
    const pods = (await cluster.api.list<{ metadata: { name?: string }; status?: { conditions?: { type: string; status: string }[] } }>(resources.pod, ns, "app.kubernetes.io/component=cu")).items;
    return pods.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length >= n;
  });
}

/** Resolves when every process's assignedPod equals ring(pods).owner(processId). Incremental: each
 * event re-checks only its own object, so the watcher costs O(events), not O(events x processes). */
function watchAssignments(cluster: Cluster, s: Sizes) {
  const assigned = new Map<string, string | undefined>();
  const matching = new Set<string>();
  let owner: ((p: AOProcess) => string) | undefined;
  let resolveDone: (() => void) | undefined;
  const check = (p: AOProcess) => {
    const name = p.metadata.name ?? "";
    if (owner !== undefined && p.status?.assignedPod === owner(p)) matching.add(name);
    else matching.delete(name);
  };
  const inf = createInformer<AOProcess>({
    api: cluster.api, log: silentLogger, ref: resources.aoProcess, namespace: ns,
    onEvent: (_t, p) => {
      assigned.set(p.metadata.name ?? "", p.status?.assignedPod);
      check(p);
      if (matching.size === s.processes) resolveDone?.();
    },
  });
  return {
    inf,
    snapshot: () => new Map(assigned),
    until(pods: string[]): Promise<void> {
      const ring = buildRing(pods);
      const owners = new Map<string, string>();
      owner = (p) => {
        let o = owners.get(p.spec.processId);
        if (o === undefined) owners.set(p.spec.processId, (o = ring.owner(p.spec.processId)));
        return o;
      };
      matching.clear();
      for (const p of inf.list()) check(p);
      return new Promise((resolve) => {
        resolveDone = resolve;
        if (matching.size === s.processes) resolve();
      });
    },
  };
}

async function benchCluster(s: Sizes): Promise<void> {
  const cluster = await startCluster({ kwok: true, namespaces: [ns] });
  let op: ReturnType<typeof startOperator> | undefined;
  const watcher = watchAssignments(cluster, s);
  try {
    await setUpCluster(cluster, s);
    await watcher.inf.start();
    const pods = Array.from({ length: cuPods }, (_, i) => `cu-${i}`);
    let t = performance.now();
    op = startOperator(cluster.cp.kubeconfigPath);
    await withTimeout(op.running, operatorStartTimeoutMs, "operator start");
    line("compute: operator process start -> controllers running", ((performance.now() - t) / 1000).toFixed(2), "s");
    await withTimeout(watcher.until(pods), convergeTimeoutMs, "assignment");
    line(`compute: operator start -> ${s.processes} AOProcesses assigned over ${cuPods} pods`, ((performance.now() - t) / 1000).toFixed(2), "s");

    const before = watcher.snapshot();
    t = performance.now();
    await createCuPod(cluster, cuPods);
    await waitCuPodsReady(cluster, cuPods + 1);
    line(`compute: pod cu-${cuPods} created -> Running+Ready on kwok`, ((performance.now() - t) / 1000).toFixed(2), "s");
    t = performance.now();
    await withTimeout(watcher.until([...pods, `cu-${cuPods}`]), convergeTimeoutMs, "rebalance");
    line(`compute: ${cuPods} -> ${cuPods + 1} pods, pod ready -> processes rebalanced`, ((performance.now() - t) / 1000).toFixed(2), "s");
    const after = watcher.snapshot();
    const moved = [...before].filter(([k, v]) => after.get(k) !== v).length;
    ratioLine(`compute: fraction of processes moved ${cuPods} -> ${cuPods + 1} pods`, moved / s.processes, 1 / (cuPods + 1), "");

    t = performance.now();
    await cluster.api.create(resources.replica, {
      metadata: { name: "bench", namespace: ns },
      spec: { miningAddress: { address: "A".repeat(43) }, packing: "spora_2_6", partitions: { count: s.partitions }, partitionSizeBytes: partSize },
    } as never);
    await pollUntil("replica converged", convergeTimeoutMs, async () => {
      const r = await cluster.api.get<Replica>(resources.replica, "bench", ns);
      if (r?.status?.partitions?.placed !== s.partitions) return false;
      const parts = (await cluster.api.list<Partition>(resources.partition, ns)).items;
      return parts.length === s.partitions;
    });
    line(`storage: Replica of ${s.partitions} partitions on ${s.nodes}x${disksPerNode} disks converged`, ((performance.now() - t) / 1000).toFixed(2), "s");
    const mem = memoryKiB(op.child.pid!);
    line("operator RSS at the end", (mem.rss / 1024).toFixed(1), "MiB");
    line("operator peak RSS (VmHWM)", (mem.peak / 1024).toFixed(1), "MiB");
  } finally {
    watcher.inf.stop();
    if (op !== undefined) {
      op.child.kill("SIGTERM");
      await op.exited;
    }
    await cluster.stop();
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms); });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(opts: { quick: boolean }): Promise<void> {
  const s: Sizes = opts.quick ? { nodes: 20, partitions: 80, processes: 1_000 } : { nodes: 100, partitions: 400, processes: 10_000 };
  console.log(`# operator bench (${opts.quick ? "quick" : "full"}): ${s.nodes} nodes x ${disksPerNode} disks, ${s.partitions} partitions, ${s.processes} AOProcesses`);
  benchPureCores(s);
  await benchCluster(s);
}
