// operator/rbac.yaml is enough and no more: every controller and the leader election run with a
// ServiceAccount token bound only to those roles (the API server authorizes with RBAC), and the
// account is refused what the operator never needs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import type { AOProcess, HashChain, Replica } from "../../protocol/crds/index.ts";
import { startAOProcessController, type AOProcessController } from "../aoprocess/controller.ts";
import type { OperatorContext } from "../context.ts";
import { KubeApiError } from "../errors.ts";
import { startHashChainController, type HashChainController } from "../hashchain/controller.ts";
import { applyDefaultHashChain } from "../hashchain/default.ts";
import { createKubeClient, type KubeApi, type KubeObject } from "../kube/client.ts";
import type { ResourceRef } from "../kube/resources.ts";
import { resources } from "../kube/resources.ts";
import { LeaderElector } from "../leader/election.ts";
import type { LogFields } from "../log.ts";
import { startStorageControllers, type StorageControllers } from "../operator.ts";
import { inventoryConfigMap } from "../placement/inventory.ts";
import { requeueDelaysDefault } from "../reconcile/requeue.ts";
import { createStorageNode, pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "arkube";
const timeoutMs = 30_000;
const rbacPath = fileURLToPath(new URL("../rbac.yaml", import.meta.url));
const rbacGroup = (kind: string, plural: string, namespaced: boolean): ResourceRef => ({ group: "rbac.authorization.k8s.io", version: "v1", kind, plural, namespaced });
const refs: Record<string, ResourceRef> = {
  ClusterRole: rbacGroup("ClusterRole", "clusterroles", false),
  ClusterRoleBinding: rbacGroup("ClusterRoleBinding", "clusterrolebindings", false),
  Role: rbacGroup("Role", "roles", true),
  RoleBinding: rbacGroup("RoleBinding", "rolebindings", true),
};
const serviceAccounts: ResourceRef = { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true };

describe("operator RBAC (operator/rbac.yaml) on a real API server", () => {
  let cluster: Cluster;
  let sa: KubeApi;
  let storage: StorageControllers | undefined;
  let ao: AOProcessController | undefined;
  let hc: HashChainController | undefined;
  let elector: LeaderElector | undefined;
  const events: LogFields[] = [];

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
    for (const doc of parseAllDocuments(readFileSync(rbacPath, "utf8"))) {
      const obj = doc.toJSON() as KubeObject & { kind: string };
      await cluster.api.apply(refs[obj.kind]!, obj, { fieldManager: "test" });
    }
    await cluster.api.create(serviceAccounts, { metadata: { name: "arkube-operator", namespace: ns } });
    const tokenReq = await cluster.cp.request({
      method: "POST", path: `/api/v1/namespaces/${ns}/serviceaccounts/arkube-operator/token`,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
    });
    assert.equal(tokenReq.status, 201, tokenReq.text);
    const token = (tokenReq.json as { status: { token: string } }).status.token;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "test", server: cluster.cp.server, caData: readFileSync(cluster.cp.pki.caCertPath).toString("base64") }],
      users: [{ name: "operator", token }],
      contexts: [{ name: "operator", cluster: "test", user: "operator" }],
      currentContext: "operator",
    });
    sa = await createKubeClient(kc);
    await createStorageNode(cluster.api, "storage-0");
    await cluster.api.create(resources.configMap, inventoryConfigMap(ns, { node: "storage-0", disks: [{ path: "/mnt/d0", capacityBytes: 1e9 }] }) as never);
  });

  after(async () => {
    await storage?.stop();
    await ao?.stop();
    await hc?.stop();
    await elector?.stop({ release: true });
    sa?.close();
    await cluster?.stop();
  });

  it("runs every controller and the leader election with only these permissions", async () => {
    const ctx: OperatorContext = { api: sa, namespace: ns, log: (f) => events.push(f), now: () => new Date(), writeConcurrencyMax: 4, delays: { ...requeueDelaysDefault, waitForDependentsMs: 200 } };
    elector = new LeaderElector({ api: sa, namespace: ns, name: "arkube-operator", identity: "op", log: ctx.log, now: ctx.now, onStartedLeading: () => undefined, onStoppedLeading: () => undefined });
    elector.start();
    storage = await startStorageControllers(ctx);
    ao = await startAOProcessController(ctx, { cuPodSelector: "app.kubernetes.io/component=cu", workers: 2 });
    // The chart's default HashChain (named after the release, "arkube" here), applied as the operator.
    await applyDefaultHashChain(sa, [
      "apiVersion: arkube.dev/v1alpha1", "kind: HashChain", "metadata: {name: arkube}",
      `spec: {chainName: devnet, genesisOutput: ${"A".repeat(43)}, iterationsPerCheckpoint: 10, image: "arkube/vdf:dev"}`,
    ].join("\n"), ns, ctx.log);
    hc = await startHashChainController(ctx, { workers: 1, natsUrl: "nats://nats:4222" });

    await cluster.api.create(resources.replica, {
      metadata: { name: "r", namespace: ns },
      spec: { miningAddress: { address: "A".repeat(43) }, packing: "spora_2_6", partitions: { count: 3 }, partitionSizeBytes: 262_144 },
    } as never);
    await cluster.api.create(resources.hashChain, {
      metadata: { name: "main", namespace: ns },
      spec: { chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 10, image: "arkube/vdf:dev" },
    } as never);
    await cluster.api.create(resources.aoProcess, {
      metadata: { name: "p", namespace: ns }, spec: { processId: "p".repeat(43), module: { id: "m".repeat(43) }, scheduler: "s".repeat(43) },
    } as never);
    await pollUntil("replica placed", timeoutMs, async () => (await cluster.api.get<Replica>(resources.replica, "r", ns))?.status?.partitions?.placed === 3);
    await pollUntil("vdf deployment", timeoutMs, async () => (await cluster.api.get(resources.deployment, "main-vdf", ns)) !== undefined);
    await pollUntil("vdf config", timeoutMs, async () => (await cluster.api.get(resources.configMap, "arkube-vdf", ns)) !== undefined);
    await pollUntil("hashchain status", timeoutMs, async () => (await cluster.api.get<HashChain>(resources.hashChain, "main", ns))?.status?.conditions !== undefined);
    await pollUntil("aoprocess status", timeoutMs, async () => (await cluster.api.get<AOProcess>(resources.aoProcess, "p", ns))?.status?.conditions?.[0]?.reason === "NoComputePods");
    await pollUntil("leader", timeoutMs, async () => elector!.isLeader);
    // Deletion path: delete Partitions, drop finalizers.
    await cluster.api.delete(resources.replica, "r", ns);
    await pollUntil("replica finalized", timeoutMs, async () => (await cluster.api.get(resources.replica, "r", ns)) === undefined);
    assert.deepEqual(events.filter((e) => e.event === "reconcile_failed" || e.event === "leader_attempt_failed" || e.event === "watch_retry"), []);
  });

  it("refuses what the operator never needs", async () => {
    const forbidden = async (what: string, call: () => Promise<unknown>) => {
      await assert.rejects(call, (err: unknown) => err instanceof KubeApiError && err.status === 403, what);
    };
    await forbidden("read secrets", () => sa.list({ group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true }, ns));
    await forbidden("delete a HashChain", () => sa.delete(resources.hashChain, "main", ns));
    await forbidden("write another HashChain's spec", () => sa.apply(resources.hashChain, { metadata: { name: "main", namespace: ns }, spec: { image: "x" } } as never, { fieldManager: "t" }));
    await forbidden("delete a ConfigMap", () => sa.delete(resources.configMap, "arkube-vdf", ns));
    await forbidden("create a Replica", () => sa.create(resources.replica, { metadata: { name: "x", namespace: ns } }));
    await forbidden("write a Node", () => sa.mergePatch(resources.node, "storage-0", undefined, { metadata: { labels: { a: "b" } } }));
    await forbidden("delete pods", () => sa.delete(resources.pod, "any", ns));
    await forbidden("take another Lease", () => sa.mergePatch(resources.lease, "main-vdf", ns, { spec: { holderIdentity: "x" } }));
  });
});
