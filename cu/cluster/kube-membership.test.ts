// Membership from Kubernetes on a real control plane (kube-apiserver + etcd, the arkube CRDs), the real
// operator's AOProcess controller, a real nats-server and the real aos module. Two compute pods run in
// this process; the test plays the kubelet (reports the Pod objects Running and Ready on 127.0.0.1 with
// the pods' ports named in their spec). Proof: an AOProcess assigned to pod X is evaluated by X and the
// other pod forwards to it; reassigning it moves ownership with a checkpoint handoff; deleting the
// owner's pod under load moves it again, and no message is lost or applied twice. Throughout, the
// owning pod writes status.lastNonce / lastEvaluatedTime of the AOProcess (rate-limited, status
// subresource, its own field manager next to the operator's assignedPod).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cuPodSelectorDefault, startAOProcessController, type AOProcessController } from "../../operator/aoprocess/controller.ts";
import type { OperatorContext } from "../../operator/context.ts";
import { pollUntil, startCluster, type Cluster } from "../../operator/integration/support.ts";
import { resources } from "../../operator/kube/resources.ts";
import { requeueDelaysDefault } from "../../operator/reconcile/requeue.ts";
import type { AOProcess } from "../../protocol/crds/index.ts";
import type { DataItem } from "../../protocol/ao/index.ts";
import { aos2Module, evalItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { testCuConfig } from "../../test/cu-harness/cu-config.ts";
import { freePort, startNats, type NatsServer } from "../../test/cu-harness/nats.ts";
import type { Logger, LogRecord } from "../log.ts";
import { startCuNode, type CuNode } from "../node.ts";

const ns = "compute";
const cuLabels = { "app.kubernetes.io/component": "cu" };
const convergeTimeoutMs = 60_000;
const loadMessages = 16;
const loadLanes = 2;
const owner = testSigner("kube-owner");
const aos2 = aos2Module();
const countCode = "Count = (Count or 0) + 1; return Count";

interface Pod {
  readonly name: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly events: LogRecord[];
  node?: CuNode;
}

let cluster: Cluster;
let nats: NatsServer;
let operator: AOProcessController | undefined;
const pods: Pod[] = [];
const operatorCtx = (): OperatorContext => ({ api: cluster.api, namespace: ns, log: () => undefined, now: () => new Date(), writeConcurrencyMax: 4, delays: requeueDelaysDefault });

function capture(events: LogRecord[]): Logger {
  return { info: (r) => events.push(r), warn: (r) => events.push(r), error: (r) => events.push(r) };
}

function node(pod: Pod): CuNode {
  assert.ok(pod.node !== undefined, `${pod.name} is running`);
  return pod.node;
}

async function createPodObject(pod: Pod): Promise<void> {
  await cluster.api.create(resources.pod, {
    metadata: { name: pod.name, namespace: ns, labels: cuLabels },
    spec: {
      nodeName: "cu-node",
      containers: [{ name: "cu", image: "registry.invalid/cu:0", ports: [{ name: "http", containerPort: pod.httpPort }, { name: "grpc", containerPort: pod.grpcPort }] }],
    },
  } as never);
}

/** What the kubelet writes once the readiness probe (/healthz) passes. */
async function reportReady(pod: Pod): Promise<void> {
  await pollUntil(`${pod.name} /healthz`, convergeTimeoutMs, async () => (await fetch(`${node(pod).url}/healthz`).catch(() => undefined))?.ok === true);
  await cluster.api.apply(resources.pod, {
    metadata: { name: pod.name, namespace: ns },
    status: { phase: "Running", podIP: "127.0.0.1", podIPs: [{ ip: "127.0.0.1" }], conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }] },
  } as never, { fieldManager: "test-kubelet", subresource: "status" });
}

async function startPod(name: string): Promise<Pod> {
  const pod: Pod = { name, httpPort: await freePort(), grpcPort: await freePort(), events: [] };
  await createPodObject(pod);
  const base = testCuConfig(nats.url, name, { idleWorkersMax: 1, statusWriteIntervalMs: 1_000 });
  pod.node = await startCuNode({
    ...base,
    http: { host: "127.0.0.1", port: pod.httpPort },
    grpc: { host: "127.0.0.1", port: pod.grpcPort, advertise: undefined },
    membership: { type: "kubernetes", namespace: ns, podSelector: cuPodSelectorDefault, ports: { http: "http", grpc: "grpc" }, kubeconfig: cluster.cp.kubeconfigPath },
  }, capture(pod.events));
  return pod;
}

async function post(pod: Pod, item: DataItem): Promise<number> {
  const res = await fetch(`${node(pod).url}/`, { method: "POST", body: Buffer.from(item.bytes) });
  const body = (await res.json()) as { nonce: number };
  assert.equal(res.status, 201, `POST to ${pod.name}: ${JSON.stringify(body)}`);
  return body.nonce;
}

/** Posts a Count Eval through `pod`, reads its result through the same pod, returns [nonce, output]. */
async function count(pod: Pod, pid: string): Promise<[number, string]> {
  const item = evalItem(owner, pid, countCode);
  const nonce = await post(pod, item);
  const res = await fetch(`${node(pod).url}/result/${item.id}?process-id=${pid}`);
  const body = (await res.json()) as { Output?: unknown; Error?: unknown };
  assert.equal(res.status, 200, `result via ${pod.name}: ${JSON.stringify(body)}`);
  assert.equal(body.Error, undefined, JSON.stringify(body));
  return [nonce, String(outputData(body.Output))];
}

function metric(pod: Pod, name: string): number {
  const line = node(pod).router.metricsText().split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? NaN);
}

async function assignedPod(name: string): Promise<string | undefined> {
  return (await cluster.api.get<AOProcess>(resources.aoProcess, name, ns))?.status?.assignedPod;
}

/** Waits until the AOProcess names `want` (any pod when absent) and every running pod routes there. */
async function ownedEverywhere(name: string, pid: string, want?: string): Promise<Pod> {
  const podName = await pollUntil(`${name} assigned${want === undefined ? "" : ` to ${want}`}`, convergeTimeoutMs, async () => {
    const got = await assignedPod(name);
    if (got === undefined || (want !== undefined && got !== want)) return undefined;
    return pods.filter((p) => p.node !== undefined).every((p) => p.node!.router.ownerOf(pid).id === got) ? got : undefined;
  });
  return pods.find((p) => p.name === podName)!;
}

/** A counter from the pod's /metrics (the status writer's live there, next to the router's). */
async function scraped(pod: Pod, name: string): Promise<number> {
  const text = await (await fetch(`${node(pod).url}/metrics`)).text();
  return Number(text.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ")[1] ?? NaN);
}

/** Waits until the AOProcess reports `nonce` as its last, then returns its status. */
async function reportedNonce(name: string, nonce: number): Promise<NonNullable<AOProcess["status"]>> {
  return pollUntil(`${name} status.lastNonce ${nonce}`, convergeTimeoutMs, async () => {
    const status = (await cluster.api.get<AOProcess>(resources.aoProcess, name, ns))?.status;
    return status?.lastNonce === nonce ? status : undefined;
  });
}

const releasedCount = (pod: Pod) => pod.events.filter((e) => e.event === "cu.router.released").length;

before(async () => {
  cluster = await startCluster({ namespaces: [ns] });
  await cluster.api.create({ group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true }, { metadata: { name: "default", namespace: ns } });
  nats = await startNats();
  operator = await startAOProcessController(operatorCtx(), { cuPodSelector: cuPodSelectorDefault, workers: 2 });
  for (const name of ["cu-a", "cu-b"]) pods.push(await startPod(name));
  for (const pod of pods) await reportReady(pod);
  await pollUntil("both pods see both members", convergeTimeoutMs, async () => pods.every((p) => node(p).membership.members().length === 2));
});

after(async () => {
  for (const pod of pods) await pod.node?.close();
  await operator?.stop();
  await nats?.stop();
  await cluster?.stop();
});

describe("cu membership from Kubernetes", () => {
  let pid: string;
  let x: Pod;
  let y: Pod;

  it("an AOProcess assigned to pod X is evaluated by X; the other pod forwards to it", async () => {
    const spawn = processItem(owner, aos2.id, node(pods[0]!).schedulerAddress, [], "-kube");
    await post(pods[0]!, spawn);
    pid = spawn.id;
    await cluster.api.create(resources.aoProcess, {
      metadata: { name: "proc-1", namespace: ns },
      spec: { processId: pid, module: { id: aos2.id }, scheduler: node(pods[0]!).schedulerAddress },
    } as never);
    x = await ownedEverywhere("proc-1", pid);
    y = pods.find((p) => p !== x)!;
    for (let i = 1; i <= 3; i++) assert.deepEqual(await count(y, pid), [i, String(i)]);
    assert.equal(node(x).service.hotProcesses(), 1, "the assigned pod evaluates");
    assert.equal(node(y).service.hotProcesses(), 0, "the other pod only forwards");
    assert.ok(metric(y, "arkube_cu_forwarded_total") >= 3);
    assert.equal(metric(y, "arkube_cu_forward_fallbacks_total"), 0);
    const status = await reportedNonce("proc-1", 3);
    assert.ok(Number.isFinite(Date.parse(status.lastEvaluatedTime ?? "")), `lastEvaluatedTime ${status.lastEvaluatedTime}`);
    assert.equal(status.assignedPod, x.name, "the operator's field is untouched");
    type WithManagers = AOProcess & { metadata: { managedFields?: { manager: string }[] } };
    const managers = (await cluster.api.get<WithManagers>(resources.aoProcess, "proc-1", ns))?.metadata.managedFields?.map((f) => f.manager);
    assert.ok(managers?.includes("arkube-cu"), `managers: ${managers?.join(",")}`);
    assert.ok((await scraped(x, "arkube_cu_status_writes_total")) >= 1);
    assert.equal(await scraped(y, "arkube_cu_status_writes_total"), 0, "only the owner writes");
  });

  it("reassigning the AOProcess moves ownership with a checkpoint handoff", async () => {
    // Another assigner (the operator stopped, so it does not put it back): status.assignedPod = Y.
    await operator?.stop();
    operator = undefined;
    await cluster.api.apply(resources.aoProcess, { metadata: { name: "proc-1", namespace: ns }, status: { assignedPod: y.name } } as never, { fieldManager: "test-assigner", subresource: "status" });
    await ownedEverywhere("proc-1", pid, y.name);
    await pollUntil("X released the process", convergeTimeoutMs, async () => releasedCount(x) === 1 && node(x).service.hotProcesses() === 0);
    const handedOver = x.events.filter((e) => e.event === "cu.checkpoint.written" && e.processId === pid).at(-1);
    assert.equal(handedOver?.nonce, 3, "X checkpointed the state it reached");
    for (let i = 4; i <= 6; i++) assert.deepEqual(await count(x, pid), [i, String(i)]);
    const hot = y.events.filter((e) => e.event === "cu.process.hot" && e.processId === pid);
    assert.deepEqual(hot.map((e) => e.fromNonce), [3], "Y restored X's checkpoint instead of replaying from the start");
    assert.equal(node(x).service.hotProcesses(), 0);
    assert.equal(node(y).service.hotProcesses(), 1);
    await reportedNonce("proc-1", 6);
    assert.ok((await scraped(y, "arkube_cu_status_writes_total")) >= 1, "the new owner reports");
  });

  it("deleting the owner's pod under load moves the process; nothing is lost or applied twice", async () => {
    operator = await startAOProcessController(operatorCtx(), { cuPodSelector: cuPodSelectorDefault, workers: 2 });
    const from = await pollUntil("operator ring", convergeTimeoutMs, async () => {
      const ring = operator!.currentRing();
      return ring.members.length === 2 ? ownedEverywhere("proc-1", pid, ring.owner(pid)) : undefined;
    });
    const to = pods.find((p) => p !== from)!;
    const releasedBefore = releasedCount(from);
    const seen: [number, string][] = [];
    let sent = 0;
    const lane = async (lane: number): Promise<void> => {
      while (sent < loadMessages) {
        const i = sent++;
        // Halfway: the owner's pod is deleted (scale-down). It keeps running through its grace period.
        if (i === loadMessages / 2) await cluster.api.delete(resources.pod, from.name, ns);
        seen.push(await count(pods[(i + lane) % pods.length]!, pid));
      }
    };
    await Promise.all(Array.from({ length: loadLanes }, (_, i) => lane(i)));
    await ownedEverywhere("proc-1", pid, to.name);
    await pollUntil("the deleted pod released the process", convergeTimeoutMs, async () => releasedCount(from) > releasedBefore && node(from).service.hotProcesses() === 0);
    // Every Eval's output is its nonce: each message applied once, in order, on whichever pod owned it.
    for (const [nonce, output] of seen) assert.equal(output, String(nonce));
    const [lastNonce, lastOutput] = await count(to, pid);
    assert.equal(lastNonce, 6 + loadMessages + 1);
    assert.equal(lastOutput, String(lastNonce));
    const log = (await (await fetch(`${node(to).url}/${pid}?from=0&limit=1000`)).json()) as { edges: { node: { message: { id: string } } }[] };
    const ids = log.edges.map((e) => e.node.message.id);
    assert.equal(ids.length, lastNonce + 1);
    assert.equal(new Set(ids).size, ids.length, "no message assigned twice");
    await reportedNonce("proc-1", lastNonce);
  });
});
