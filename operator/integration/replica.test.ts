// Replica -> Partition controllers against a real kube-apiserver with kwok storage nodes: placement,
// progressing conditions, a restart in the middle of a reconcile, and deletion with both policies.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Partition, Replica } from "../../protocol/crds/index.ts";
import { partitionFinalizer, replicaFinalizer, replicaLabel } from "../constants.ts";
import type { OperatorContext } from "../context.ts";
import { resources } from "../kube/resources.ts";
import type { LogFields } from "../log.ts";
import { startStorageControllers, type StorageControllers } from "../operator.ts";
import { inventoryConfigMap } from "../placement/inventory.ts";
import { requeueDelaysDefault } from "../reconcile/requeue.ts";
import { createStorageNode, pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "arkube";
const chunk = 262_144;
const partSize = 4 * chunk;
const convergeTimeoutMs = 30_000;
const addr = "A".repeat(43);

describe("Replica and Partition controllers on a real control plane with kwok nodes", () => {
  let cluster: Cluster;
  let op: StorageControllers | undefined;
  let ctx: OperatorContext;
  const events: LogFields[] = [];

  const partitionsOf = async (replica: string) =>
    (await cluster.api.list<Partition>(resources.partition, ns, `${replicaLabel}=${replica}`)).items;
  const getReplica = (name: string) => cluster.api.get<Replica>(resources.replica, name, ns);
  const createReplica = (name: string, spec: Partial<Replica["spec"]>) => cluster.api.create(resources.replica, {
    metadata: { name, namespace: ns },
    spec: { miningAddress: { address: addr }, packing: "spora_2_6", partitions: { count: 8 }, partitionSizeBytes: partSize,
      storage: { nodeSelector: { "arkube.dev/storage": "true" } }, ...spec },
  } as never);
  const condition = (obj: { status?: { conditions?: { type: string; status: string; reason: string }[] } } | undefined, type: string) =>
    obj?.status?.conditions?.find((c) => c.type === type);
  // What a node agent does: report progress through the status subresource with its own field manager.
  const agentStatus = (p: Partition, status: Record<string, unknown>) => cluster.api.apply(resources.partition, {
    metadata: { name: p.metadata.name, namespace: ns }, status,
  } as never, { fieldManager: "arkube-node-agent", subresource: "status" });

  before(async () => {
    cluster = await startCluster({ kwok: true, namespaces: [ns] });
    for (let n = 0; n < 3; n++) {
      await createStorageNode(cluster.api, `storage-${n}`);
      const disks = [0, 1].map((d) => ({ path: `/mnt/disk${d}`, capacityBytes: 2 * partSize + 1 }));
      await cluster.api.create(resources.configMap, inventoryConfigMap(ns, { node: `storage-${n}`, disks }) as never);
    }
    // Reports disks but lacks the storage label: never chosen.
    await createStorageNode(cluster.api, "compute-0", { "arkube.dev/storage": "false" });
    await cluster.api.create(resources.configMap, inventoryConfigMap(ns, { node: "compute-0", disks: [{ path: "/mnt/x", capacityBytes: 1e12 }] }) as never);
    ctx = {
      api: cluster.api, namespace: ns, log: (f) => events.push(f), now: () => new Date(), writeConcurrencyMax: 8,
      delays: { ...requeueDelaysDefault, waitForParentMs: 200, waitForDependentsMs: 200, waitForDataEraseMs: 200, noCapacityMs: 500 },
    };
    op = await startStorageControllers(ctx);
  });

  after(async () => {
    await op?.stop();
    await cluster?.stop();
  });

  it("places a Replica's Partitions one per disk first, across the storage nodes only", async () => {
    await createReplica("alpha", {});
    const parts = await pollUntil("8 partitions", convergeTimeoutMs, async () => {
      const items = await partitionsOf("alpha");
      return items.length === 8 ? items : undefined;
    });
    const perDisk = new Map<string, number>();
    for (const p of parts) perDisk.set(`${p.spec.nodeName}:${p.spec.diskPath}`, (perDisk.get(`${p.spec.nodeName}:${p.spec.diskPath}`) ?? 0) + 1);
    assert.equal(perDisk.size, 6, "every one of the 6 storage disks is used");
    assert.ok([...perDisk.values()].every((c) => c <= 2));
    assert.ok(parts.every((p) => p.spec.nodeName.startsWith("storage-")));
    assert.deepEqual(parts.map((p) => p.spec.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
    const replica = await getReplica("alpha");
    for (const p of parts) {
      assert.equal(p.metadata.ownerReferences?.[0]?.uid, replica?.metadata.uid);
      assert.ok(p.metadata.finalizers?.includes(partitionFinalizer));
    }
    assert.ok(replica?.metadata.finalizers?.includes(replicaFinalizer));
    const scheduled = await pollUntil("Scheduled conditions", convergeTimeoutMs, async () => {
      const items = await partitionsOf("alpha");
      return items.every((p) => condition(p, "Scheduled")?.status === "True") ? items : undefined;
    });
    assert.equal(scheduled.length, 8);
  });

  it("reports progressing conditions, then Ready with the summed hashrate as node agents mine", async () => {
    const r = await pollUntil("status placed 8", convergeTimeoutMs, async () => {
      const got = await getReplica("alpha");
      return got?.status?.partitions?.placed === 8 ? got : undefined;
    });
    assert.equal(condition(r, "Placed")?.status, "True");
    assert.equal(condition(r, "Progressing")?.status, "True");
    assert.equal(condition(r, "Ready")?.status, "False");
    assert.equal(r.status?.observedGeneration, r.metadata.generation);
    const parts = await partitionsOf("alpha");
    for (const p of parts) await agentStatus(p, { phase: "Mining", packedBytes: partSize, progressPercent: 100, hashrate: 10 });
    const ready = await pollUntil("Ready", convergeTimeoutMs, async () => {
      const got = await getReplica("alpha");
      return condition(got, "Ready")?.status === "True" ? got : undefined;
    });
    assert.equal(ready.status?.partitions?.mining, 8);
    assert.equal(ready.status?.hashrate, 80);
    // The operator's condition and the agent's fields live side by side (server-side apply managers).
    const after = await partitionsOf("alpha");
    assert.ok(after.every((p) => p.status?.phase === "Mining" && condition(p, "Scheduled")?.status === "True"));
  });

  it("shows NoCapacity when the disks are full and recovers when a node reports more disks", async () => {
    await createReplica("beta", { partitions: { count: 6 } });
    const stuck = await pollUntil("NoCapacity", convergeTimeoutMs, async () => {
      const got = await getReplica("beta");
      return condition(got, "Placed")?.reason === "NoCapacity" ? got : undefined;
    });
    assert.equal(stuck.status?.partitions?.placed, 4, "12 slots, 8 taken by alpha");
    await createStorageNode(cluster.api, "storage-3");
    await cluster.api.create(resources.configMap, inventoryConfigMap(ns, {
      node: "storage-3", disks: [{ path: "/mnt/disk0", capacityBytes: 4 * partSize }],
    }) as never);
    await pollUntil("beta all placed", convergeTimeoutMs, async () => condition(await getReplica("beta"), "Placed")?.status === "True");
    const alphaAfter = await partitionsOf("alpha");
    assert.ok(alphaAfter.every((p) => p.spec.nodeName !== "storage-3"), "packed partitions did not move");
  });

  it("an operator restarted in the middle of a reconcile converges with no duplicates", async () => {
    await op?.stop();
    op = undefined;
    // The state a crash leaves: the Replica exists, 2 of its 5 Partitions were applied, no status.
    const gammaObj = await createReplica("gamma", { partitions: { list: [10, 11, 12, 13, 14] }, storage: { nodes: [{ name: "storage-3" }] }, partitionSizeBytes: chunk });
    const gamma = gammaObj as Replica;
    for (const index of [10, 12]) {
      await cluster.api.apply(resources.partition, {
        metadata: { name: `gamma-p${index}`, namespace: ns, labels: { [replicaLabel]: "gamma" },
          ownerReferences: [{ apiVersion: "arkube.dev/v1alpha1", kind: "Replica", name: "gamma", uid: gamma.metadata.uid ?? "", controller: true }] },
        spec: { replicaName: "gamma", index, nodeName: "storage-3", diskPath: "/mnt/disk0", packing: "spora_2_6", partitionSizeBytes: chunk, deletionPolicy: "Retain" },
      } as never, { fieldManager: "arkube-operator" });
    }
    op = await startStorageControllers(ctx);
    const parts = await pollUntil("gamma converged", convergeTimeoutMs, async () => {
      const got = await getReplica("gamma");
      return got?.status?.partitions?.placed === 5 ? partitionsOf("gamma") : undefined;
    });
    assert.deepEqual(parts.map((p) => p.metadata.name).sort(), ["gamma-p10", "gamma-p11", "gamma-p12", "gamma-p13", "gamma-p14"]);
    assert.ok(parts.every((p) => p.metadata.finalizers?.filter((f) => f === partitionFinalizer).length === 1));
    const all = (await cluster.api.list<Partition>(resources.partition, ns)).items;
    assert.equal(new Set(all.map((p) => `${p.spec.replicaName}/${p.spec.index}`)).size, all.length, "one Partition per (replica, index)");
  });

  it("deletion with policy Retain releases the Partitions, then the Replica", async () => {
    await cluster.api.delete(resources.replica, "alpha", ns);
    await pollUntil("alpha gone", convergeTimeoutMs, async () => (await getReplica("alpha")) === undefined && (await partitionsOf("alpha")).length === 0);
  });

  it("deletion with policy Delete waits for the node agents to erase the data, shown as conditions", async () => {
    await createReplica("delta", { partitions: { count: 2 }, storage: { nodes: [{ name: "storage-3" }] }, partitionSizeBytes: chunk, deletionPolicy: "Delete" });
    await pollUntil("delta placed", convergeTimeoutMs, async () => (await getReplica("delta"))?.status?.partitions?.placed === 2);
    await cluster.api.delete(resources.replica, "delta", ns);
    const blocked = await pollUntil("Deleting conditions", convergeTimeoutMs, async () => {
      const r = await getReplica("delta");
      const parts = await partitionsOf("delta");
      const waiting = parts.length === 2 && parts.every((p) => condition(p, "Deleting")?.reason === "WaitingForDataErase");
      return waiting && condition(r, "Deleting")?.reason === "WaitingForPartitions" ? parts : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await partitionsOf("delta")).length, 2, "still held by the finalizer");
    for (const p of blocked) await agentStatus(p, { dataErased: true });
    await pollUntil("delta gone", convergeTimeoutMs, async () => (await getReplica("delta")) === undefined && (await partitionsOf("delta")).length === 0);
  });

  it("no reconcile failed along the way, except optimistic-concurrency conflicts (which retry)", () => {
    const failed = events.filter((e) => e.event === "reconcile_failed" && e["code"] !== "ERR_KUBE_CONFLICT");
    assert.deepEqual(failed, []);
    assert.ok(events.some((e) => e.event === "partition_finalized" && e["policy"] === "Delete" && e["erased"] === true));
  });
});
