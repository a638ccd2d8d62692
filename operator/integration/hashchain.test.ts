// HashChain controller on a real kube-apiserver: it applies the vdf Deployment and reports the leader
// and step from the vdf Lease; a leader that stops renewing is noticed when its lease expires.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HashChain } from "../../protocol/crds/index.ts";
import type { OperatorContext } from "../context.ts";
import { startHashChainController, type HashChainController } from "../hashchain/controller.ts";
import { stepAnnotation } from "../hashchain/desired.ts";
import type { KubeObject } from "../kube/client.ts";
import { resources } from "../kube/resources.ts";
import type { LogFields } from "../log.ts";
import { requeueDelaysDefault } from "../reconcile/requeue.ts";
import { pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "vdf";
const timeoutMs = 30_000;
const leaseSeconds = 2;

describe("HashChain controller on a real control plane", () => {
  let cluster: Cluster;
  let ctrl: HashChainController | undefined;
  const events: LogFields[] = [];
  const getChain = () => cluster.api.get<HashChain>(resources.hashChain, "main", ns);
  const cond = (h: HashChain | undefined, type: string) => h?.status?.conditions?.find((c) => c.type === type);

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
    const ctx: OperatorContext = { api: cluster.api, namespace: ns, log: (f) => events.push(f), now: () => new Date(), writeConcurrencyMax: 4, delays: requeueDelaysDefault };
    ctrl = await startHashChainController(ctx, 2);
  });
  after(async () => {
    await ctrl?.stop();
    await cluster?.stop();
  });

  it("applies a 2-replica vdf Deployment owned by the HashChain and reports NoLeader", async () => {
    const hc = await cluster.api.create<HashChain>(resources.hashChain, {
      metadata: { name: "main", namespace: ns },
      spec: { chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 1000, image: "arkube/vdf:dev" },
    } as never);
    const dep = await pollUntil("vdf Deployment", timeoutMs, () => cluster.api.get<KubeObject & { spec: { replicas: number } }>(resources.deployment, "main-vdf", ns));
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.metadata.ownerReferences?.[0]?.uid, hc.metadata.uid);
    const h = await pollUntil("status", timeoutMs, async () => { const g = await getChain(); return cond(g, "Ready") !== undefined ? g : undefined; });
    assert.equal(cond(h, "Ready")?.status, "False");
    assert.equal(cond(h, "LeaderElected")?.reason, "NoLeader");
  });

  it("surfaces the leader and step from the vdf Lease, and notices when the lease lapses", async () => {
    // What kube-controller-manager and the vdf pods would do.
    await cluster.api.apply(resources.deployment, { metadata: { name: "main-vdf", namespace: ns }, status: { replicas: 2, readyReplicas: 2 } } as never,
      { fieldManager: "test-kcm", subresource: "status" });
    await cluster.api.create(resources.lease, {
      metadata: { name: "main-vdf", namespace: ns, annotations: { [stepAnnotation]: "4242" } },
      spec: { holderIdentity: "main-vdf-abc", leaseDurationSeconds: leaseSeconds, renewTime: new Date().toISOString().replace("Z", "000Z") },
    } as never);
    const h = await pollUntil("leader", timeoutMs, async () => { const g = await getChain(); return g?.status?.leader !== undefined ? g : undefined; });
    assert.equal(h.status?.leader, "main-vdf-abc");
    assert.equal(h.status?.step, 4242);
    assert.equal(h.status?.readyReplicas, 2);
    assert.equal(cond(h, "Ready")?.status, "True");
    const lapsed = await pollUntil("lease lapse noticed", timeoutMs, async () => { const g = await getChain(); return cond(g, "LeaderElected")?.status === "False" ? g : undefined; });
    assert.equal(lapsed.status?.leader, undefined);
    assert.equal(cond(lapsed, "Ready")?.reason, "NoLeader");
    assert.deepEqual(events.filter((e) => e.event === "reconcile_failed"), []);
  });
});
