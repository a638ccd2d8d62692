// AOProcess assignment on a real control plane: compute pods run on a kwok node (kwok reports them
// Running and Ready), processes are assigned by consistent hashing, and scaling the pods moves ~1/N.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AOProcess } from "../../protocol/crds/index.ts";
import { startAOProcessController, type AOProcessController } from "../aoprocess/controller.ts";
import type { OperatorContext } from "../context.ts";
import { mapLimit } from "../context.ts";
import { resources } from "../kube/resources.ts";
import type { LogFields } from "../log.ts";
import { requeueDelaysDefault } from "../reconcile/requeue.ts";
import { createStorageNode, pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "compute";
const processCount = 300;
const convergeTimeoutMs = 60_000;
const cuLabels = { "app.kubernetes.io/component": "cu" };

describe("AOProcess assignment on a real control plane with kwok pods", () => {
  let cluster: Cluster;
  let ctrl: AOProcessController | undefined;
  let ctx: OperatorContext;
  const events: LogFields[] = [];
  const assignments = async () => new Map((await cluster.api.list<AOProcess>(resources.aoProcess, ns)).items.map((p) => [p.metadata.name ?? "", p.status?.assignedPod]));
  const createPod = (name: string) => cluster.api.create(resources.pod, {
    metadata: { name, namespace: ns, labels: cuLabels },
    spec: { nodeName: "cu-node", containers: [{ name: "cu", image: "registry.invalid/cu:0" }] },
  } as never);
  // Converged when every process is on the owner the current ring says.
  const converged = async (pods: number) => pollUntil(`assignment over ${pods} pods`, convergeTimeoutMs, async () => {
    const ring = ctrl!.currentRing();
    if (ring.members.length !== pods) return undefined;
    const list = (await cluster.api.list<AOProcess>(resources.aoProcess, ns)).items;
    const ok = list.length === processCount && list.every((p) => p.status?.assignedPod === ring.owner(p.spec.processId));
    return ok ? new Map(list.map((p) => [p.metadata.name ?? "", p.status?.assignedPod])) : undefined;
  });
  const moved = (a: Map<string, string | undefined>, b: Map<string, string | undefined>) => [...a].filter(([k, v]) => b.get(k) !== v).length;

  before(async () => {
    cluster = await startCluster({ kwok: true, namespaces: [ns] });
    await cluster.api.create({ group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true }, { metadata: { name: "default", namespace: ns } });
    await createStorageNode(cluster.api, "cu-node");
    for (let i = 0; i < 10; i++) await createPod(`cu-${i}`);
    const ids = Array.from({ length: processCount }, (_, i) => i);
    await mapLimit(ids, 16, async (i) => {
      await cluster.api.create(resources.aoProcess, {
        metadata: { name: `proc-${i}`, namespace: ns },
        spec: { processId: `proc${String(i).padStart(39, "0")}`, module: { id: "m".repeat(43) }, scheduler: "s".repeat(43) },
      } as never);
    });
    ctx = { api: cluster.api, namespace: ns, log: (f) => events.push(f), now: () => new Date(), writeConcurrencyMax: 8, delays: requeueDelaysDefault };
  });

  after(async () => {
    await ctrl?.stop();
    await cluster?.stop();
  });

  it("assigns every process to one of the ready compute pods, spread evenly", async () => {
    ctrl = await startAOProcessController(ctx, { cuPodSelector: "app.kubernetes.io/component=cu", workers: 8 });
    const got = await converged(10);
    const perPod = new Map<string, number>();
    for (const pod of got.values()) perPod.set(pod ?? "", (perPod.get(pod ?? "") ?? 0) + 1);
    assert.equal(perPod.size, 10);
    for (const [pod, n] of perPod) assert.ok(n > 10 && n < 60, `${pod}: ${n}`);
  });

  it("adding an 11th pod moves about 1/11 of the processes, all to the new pod", async () => {
    const before = await assignments();
    const patchesBefore = ctrl!.statusPatches();
    await createPod("cu-10");
    const after = await converged(11);
    const n = moved(before, after);
    assert.ok(n > processCount * 0.3 / 11 && n < processCount * 2 / 11, `moved ${n} of ${processCount}`);
    for (const [k, v] of after) if (before.get(k) !== v) assert.equal(v, "cu-10");
    // One write per moved process; the echoes of those writes cost nothing.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ctrl!.statusPatches() - patchesBefore, n);
  });

  it("removing a pod moves only its processes", async () => {
    const before = await assignments();
    await cluster.api.delete(resources.pod, "cu-3", ns);
    const after = await converged(10);
    for (const [k, v] of before) if (v !== "cu-3") assert.equal(after.get(k), v, k);
    assert.ok([...after.values()].every((v) => v !== "cu-3"));
  });

  it("a restarted controller changes nothing", async () => {
    const before = await assignments();
    await ctrl?.stop();
    ctrl = await startAOProcessController(ctx, { cuPodSelector: "app.kubernetes.io/component=cu", workers: 8 });
    await pollUntil("queue drained", convergeTimeoutMs, async () => ctrl!.controller.stats().queued === 0 && ctrl!.controller.stats().reconciles >= processCount);
    assert.deepEqual(await assignments(), before);
    assert.equal(ctrl!.statusPatches(), 0, "nothing to write after a restart");
    assert.deepEqual(events.filter((e) => e.event === "reconcile_failed"), []);
  });
});
