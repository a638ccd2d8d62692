// Replica reconcile: get -> finalizer -> deletion branch -> desired() -> apply Partitions -> one status
// patch. Partitions are named <replica>-p<index>, so applying them again (after a restart in the
// middle of a reconcile) converges on the same objects and never makes duplicates.
import type { Partition, Replica, ReplicaStatus } from "../../protocol/crds/index.ts";
import { fieldManager, replicaFinalizer } from "../constants.ts";
import { unlessGone } from "../errors.ts";
import { mapLimit, type Caches, type OperatorContext } from "../context.ts";
import { resources } from "../kube/resources.ts";
import { eligibleDisks, withoutUsage, type NodeInfo } from "../placement/disks.ts";
import { parseInventory, type NodeInventory } from "../placement/inventory.ts";
import { place } from "../placement/placement.ts";
import { sameConditions } from "../reconcile/conditions.ts";
import type { ObjectKey } from "../reconcile/controller.ts";
import { done, type ReconcileResult } from "../reconcile/requeue.ts";
import { deletingStatus, desiredIndices, desiredPartition, needsApply, ownedPartitions, partitionName, partitionSizeOf, replicaStatus, toExisting } from "./desired.ts";

export async function reconcileReplica(ctx: OperatorContext, caches: Caches, key: ObjectKey): Promise<ReconcileResult> {
  let replica = caches.replicas.get(key.name, key.namespace);
  if (replica === undefined) return done;
  const owned = () => ownedPartitions(replica!, caches.partitions.list());

  if (replica.metadata.deletionTimestamp !== undefined) return deleteReplica(ctx, replica, owned());
  if (!(replica.metadata.finalizers ?? []).includes(replicaFinalizer)) {
    replica = await ctx.api.mergePatch<Replica>(resources.replica, key.name, key.namespace, {
      metadata: { resourceVersion: replica.metadata.resourceVersion, finalizers: [...(replica.metadata.finalizers ?? []), replicaFinalizer] },
    });
  }
  // A Replica has no parent to wait for.

  const indices = desiredIndices(replica);
  const current = owned();
  const mine = new Set(current.map((p) => p.metadata.name));
  // Other Replicas' partitions (deleting ones included: their data is still on disk) take capacity.
  const others = caches.partitions.list().filter((p) => !mine.has(p.metadata.name) || p.metadata.namespace !== replica!.metadata.namespace)
    .map((p) => ({ node: p.spec.nodeName, path: p.spec.diskPath, bytes: p.spec.partitionSizeBytes }));
  const disks = withoutUsage(eligibleDisks(replica.spec.storage, nodeInfos(caches), inventories(ctx, caches)), others);
  const placement = place({
    indices,
    partitionSizeBytes: partitionSizeOf(replica),
    disks,
    existing: toExisting(current),
    policy: replica.spec.placement?.policy ?? "Spread",
    maxPartitionsPerDisk: replica.spec.placement?.maxPartitionsPerDisk,
    allowMovingPacked: replica.spec.placement?.allowMovingPacked ?? false,
  });

  const byName = new Map(current.map((p) => [p.metadata.name ?? "", p]));
  const wanted = placement.assignments.map((a) => desiredPartition(replica!, a));
  // A Partition still finishing its deletion keeps its name until its finalizer is done: skip it now.
  const toApply = wanted.filter((w) => {
    const live = byName.get(w.metadata.name ?? "");
    return live?.metadata.deletionTimestamp === undefined && needsApply(live, w);
  });
  const applied = new Map<string, Partition>();
  await mapLimit(toApply, ctx.writeConcurrencyMax, async (p) => {
    applied.set(p.metadata.name ?? "", await ctx.api.apply<Partition>(resources.partition, p, { fieldManager }));
  });
  const removed = placement.removed.map((e) => partitionName(key.name, e.index));
  await mapLimit(removed, ctx.writeConcurrencyMax, (name) => ctx.api.delete(resources.partition, name, key.namespace));
  if (toApply.length > 0 || removed.length > 0) {
    ctx.log({ event: "partitions_applied", replica: key.name, applied: toApply.length, deleted: removed.length, unplaced: placement.unplaced.length });
  }

  const observed = current.filter((p) => !removed.includes(p.metadata.name ?? "")).map((p) => applied.get(p.metadata.name ?? "") ?? p);
  for (const p of applied.values()) if (!byName.has(p.metadata.name ?? "")) observed.push(p);
  const status = replicaStatus(replica, { desired: indices.length, placement, partitions: observed, eligibleDisks: disks.length }, ctx.now());
  await patchStatus(ctx, replica, status);
  const waiting = placement.unplaced.length > 0 || current.some((p) => p.metadata.deletionTimestamp !== undefined);
  return waiting ? { requeueAfterMs: ctx.delays.noCapacityMs } : done;
}

async function deleteReplica(ctx: OperatorContext, replica: Replica, children: Partition[]): Promise<ReconcileResult> {
  if (!(replica.metadata.finalizers ?? []).includes(replicaFinalizer)) return done;
  const { name = "", namespace = "" } = replica.metadata;
  if (children.length > 0) {
    const live = children.filter((p) => p.metadata.deletionTimestamp === undefined);
    await mapLimit(live, ctx.writeConcurrencyMax, (p) => ctx.api.delete(resources.partition, p.metadata.name ?? "", namespace));
    await patchStatus(ctx, replica, deletingStatus(replica, children.length, ctx.now()));
    return { requeueAfterMs: ctx.delays.waitForDependentsMs };
  }
  await unlessGone(() => ctx.api.mergePatch(resources.replica, name, namespace, {
    metadata: { resourceVersion: replica.metadata.resourceVersion, finalizers: (replica.metadata.finalizers ?? []).filter((f) => f !== replicaFinalizer) },
  }));
  ctx.log({ event: "replica_finalized", replica: name, namespace });
  return done;
}

async function patchStatus(ctx: OperatorContext, replica: Replica, status: ReplicaStatus): Promise<void> {
  const old = replica.status;
  if (old !== undefined && sameConditions(old.conditions, status.conditions) && old.observedGeneration === status.observedGeneration &&
    samePartitionCounts(old.partitions, status.partitions) && old.hashrate === status.hashrate) return;
  await unlessGone(() => ctx.api.apply(resources.replica, {
    metadata: { name: replica.metadata.name, namespace: replica.metadata.namespace }, status,
  } as never, { fieldManager, subresource: "status" }));
}

// Field by field: the API server may return the keys in another order than we wrote them.
function samePartitionCounts(a: ReplicaStatus["partitions"], b: ReplicaStatus["partitions"]): boolean {
  return a?.desired === b?.desired && a?.placed === b?.placed && a?.packed === b?.packed && a?.mining === b?.mining;
}

export function nodeInfos(caches: Caches): NodeInfo[] {
  return caches.nodes.list().map((n) => ({
    name: n.metadata.name ?? "",
    labels: n.metadata.labels ?? {},
    taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    unschedulable: n.spec?.unschedulable === true,
  }));
}

export function inventories(ctx: OperatorContext, caches: Caches): NodeInventory[] {
  const out: NodeInventory[] = [];
  for (const cm of caches.inventories.list()) {
    try {
      out.push(parseInventory(cm));
    } catch (err) {
      ctx.log({ event: "inventory_invalid", configMap: cm.metadata.name, error: (err as Error).message });
    }
  }
  return out;
}
