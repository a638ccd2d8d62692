// HashChain controller on a real kube-apiserver: it applies the vdf config (ConfigMap) and the vdf
// Deployment started on it, rolls the pods when the config changes, repairs a deleted config, and reports
// the leader and step that the real vdf leadership code (vdf/leadership, Lease store) writes; a leader
// that stops renewing is noticed when its lease expires.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { parse } from "yaml";
import type { HashChain } from "../../protocol/crds/index.ts";
import { parseConfig } from "../../vdf/config.ts";
import { Elector } from "../../vdf/leadership/elector.ts";
import { KubeLeaseStore } from "../../vdf/leadership/kube-lease.ts";
import type { OperatorContext } from "../context.ts";
import { startHashChainController, type HashChainController } from "../hashchain/controller.ts";
import { configHashAnnotation } from "../hashchain/desired.ts";
import type { KubeObject } from "../kube/client.ts";
import { resources } from "../kube/resources.ts";
import type { LogFields } from "../log.ts";
import { requeueDelaysDefault } from "../reconcile/requeue.ts";
import { pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "vdf";
const timeoutMs = 30_000;
// Lease durations are whole seconds in the API; short so the lapse is seen quickly.
const leaseTiming = { leaseDurationMs: 2000, renewIntervalMs: 300, retryIntervalMs: 200, renewMarginMs: 500 };

type Deployment = KubeObject & { spec: { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { containers: { args: string[] }[] } } } };
type ConfigMap = KubeObject & { data: Record<string, string> };

describe("HashChain controller on a real control plane", () => {
  let cluster: Cluster;
  let ctrl: HashChainController | undefined;
  const events: LogFields[] = [];
  const ctx = (): OperatorContext => ({ api: cluster.api, namespace: ns, log: (f) => events.push(f), now: () => new Date(), writeConcurrencyMax: 4, delays: requeueDelaysDefault });
  const getChain = () => cluster.api.get<HashChain>(resources.hashChain, "main", ns);
  const getDeployment = () => cluster.api.get<Deployment>(resources.deployment, "main-vdf", ns);
  const getConfig = () => cluster.api.get<ConfigMap>(resources.configMap, "main-vdf", ns);
  const cond = (h: HashChain | undefined, type: string) => h?.status?.conditions?.find((c) => c.type === type);

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
    ctrl = await startHashChainController(ctx(), { workers: 2, natsUrl: "nats://nats-a:4222" });
  });
  after(async () => {
    await ctrl?.stop();
    await cluster?.stop();
  });

  it("applies the vdf config and a 2-replica Deployment started on it, both owned by the HashChain", async () => {
    const hc = await cluster.api.create<HashChain>(resources.hashChain, {
      metadata: { name: "main", namespace: ns },
      spec: { chainName: "main", genesisOutput: "A".repeat(43), iterationsPerCheckpoint: 1000, image: "arkube/vdf:dev" },
    } as never);
    assert.deepEqual(hc.spec.resetSeeds, { type: "derived" }, "the API server's default");
    const dep = await pollUntil("vdf Deployment", timeoutMs, getDeployment);
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.metadata.ownerReferences?.[0]?.uid, hc.metadata.uid);
    assert.deepEqual(dep.spec.template.spec.containers[0]!.args, ["--config", "/etc/arkube/config.yaml"]);
    const cm = await pollUntil("vdf ConfigMap", timeoutMs, getConfig);
    assert.equal(cm.metadata.ownerReferences?.[0]?.uid, hc.metadata.uid);
    const config = parseConfig(parse(cm.data["config.yaml"]!));
    assert.equal(config.natsUrl, "nats://nats-a:4222");
    assert.deepEqual(config.chain.seeds, { type: "derived", domain: "main" });
    assert.deepEqual(config.leadership.type === "kubernetes" && [config.leadership.namespace, config.leadership.leaseName], [ns, "main-vdf"]);
    const h = await pollUntil("status", timeoutMs, async () => { const g = await getChain(); return cond(g, "Ready") !== undefined ? g : undefined; });
    assert.equal(cond(h, "Ready")?.status, "False");
    assert.equal(cond(h, "LeaderElected")?.reason, "NoLeader");
  });

  it("rolls the pods when the config changes, and puts back a deleted config", async () => {
    const before = (await getDeployment())!.spec.template.metadata.annotations[configHashAnnotation];
    await ctrl!.stop();
    ctrl = await startHashChainController(ctx(), { workers: 2, natsUrl: "nats://nats-b:4222" });
    const rolled = await pollUntil("new config hash", timeoutMs, async () => {
      const d = await getDeployment();
      const hash = d?.spec.template.metadata.annotations[configHashAnnotation];
      return hash !== undefined && hash !== before ? d : undefined;
    });
    assert.ok(rolled.metadata.generation! > 1, "a template change is a new generation: a rollout");
    assert.equal(parseConfig(parse((await getConfig())!.data["config.yaml"]!)).natsUrl, "nats://nats-b:4222");
    await cluster.api.delete(resources.configMap, "main-vdf", ns);
    await pollUntil("config re-applied", timeoutMs, async () => (await getConfig()) !== undefined);
  });

  it("surfaces the leader and step that vdf's Lease leadership writes, and notices when the lease lapses", async () => {
    // What kube-controller-manager would report once both pods run.
    await cluster.api.apply(resources.deployment, { metadata: { name: "main-vdf", namespace: ns }, status: { replicas: 2, readyReplicas: 2 } } as never,
      { fieldManager: "test-kcm", subresource: "status" });
    const coordination = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
    const elector = new Elector({ ...leaseTiming, store: new KubeLeaseStore(coordination, ns, "main-vdf"), identity: "main-vdf-abc", log: () => undefined });
    const stepTimeMs = Date.parse("2026-05-01T12:00:00.250Z");
    elector.noteProgress({ step: 4242, timeMs: stepTimeMs });
    elector.start();
    try {
      const h = await pollUntil("leader and step", timeoutMs, async () => { const g = await getChain(); return g?.status?.step === 4242 ? g : undefined; });
      assert.equal(h.status?.leader, "main-vdf-abc");
      assert.equal(Date.parse(h.status?.stepTime ?? ""), stepTimeMs);
      assert.equal(h.status?.readyReplicas, 2);
      assert.equal(cond(h, "Ready")?.status, "True");
      elector.noteProgress({ step: 4243, timeMs: stepTimeMs + 1000 });
      await pollUntil("next step after a renewal", timeoutMs, async () => (await getChain())?.status?.step === 4243);
    } finally {
      await elector.stop(false); // a crash: no release, the lease runs out
    }
    const lapsed = await pollUntil("lease lapse noticed", timeoutMs, async () => { const g = await getChain(); return cond(g, "LeaderElected")?.status === "False" ? g : undefined; });
    assert.equal(lapsed.status?.leader, undefined);
    assert.equal(lapsed.status?.step, 4243, "the last step stays visible");
    assert.equal(cond(lapsed, "Ready")?.reason, "NoLeader");
    assert.deepEqual(events.filter((e) => e.event === "reconcile_failed"), []);
  });
});
