// Partition reconcile: get -> finalizer -> deletion branch (policy Retain: release at once; Delete:
// wait for the node agent to report status.dataErased, or for the node to be gone) -> wait for the
// Replica -> desired condition (is the node and disk still reported?) -> one status patch.
// The node agent owns the rest of the status (phase, bytes, rates); the conditions list is a map keyed
// by type, so server-side apply keeps each writer's conditions apart.
import type { Condition, Partition } from "../../protocol/crds/index.ts";
import { fieldManager, partitionFinalizer } from "../constants.ts";
import { unlessGone } from "../errors.ts";
import type { Caches, OperatorContext } from "../context.ts";
import { resources } from "../kube/resources.ts";
import { findCondition, setConditions, type ConditionInput } from "../reconcile/conditions.ts";
import type { ObjectKey } from "../reconcile/controller.ts";
import { done, type ReconcileResult } from "../reconcile/requeue.ts";
import { inventories } from "../replica/reconcile.ts";

/** Condition types this controller writes (others belong to the node agent). */
export const partitionConditionTypes = ["Scheduled", "Deleting"] as const;

export async function reconcilePartition(ctx: OperatorContext, caches: Caches, key: ObjectKey): Promise<ReconcileResult> {
  let part = caches.partitions.get(key.name, key.namespace);
  if (part === undefined) return done;
  const finalizers = part.metadata.finalizers ?? [];

  if (part.metadata.deletionTimestamp !== undefined) return deletePartition(ctx, caches, part);
  if (!finalizers.includes(partitionFinalizer)) {
    part = await ctx.api.mergePatch<Partition>(resources.partition, key.name, key.namespace, {
      metadata: { resourceVersion: part.metadata.resourceVersion, finalizers: [...finalizers, partitionFinalizer] },
    });
  }
  const replica = caches.replicas.get(part.spec.replicaName, key.namespace);
  if (replica === undefined) {
    await patchConditions(ctx, part, [{ type: "Scheduled", status: "False", reason: "WaitingForReplica", message: `Replica ${part.spec.replicaName} not found` }]);
    return { requeueAfterMs: ctx.delays.waitForParentMs };
  }
  await patchConditions(ctx, part, [scheduledCondition(ctx, caches, part)]);
  return done;
}

function scheduledCondition(ctx: OperatorContext, caches: Caches, part: Partition): ConditionInput {
  const { nodeName, diskPath } = part.spec;
  if (caches.nodes.get(nodeName) === undefined) {
    return { type: "Scheduled", status: "False", reason: "NodeMissing", message: `node ${nodeName} does not exist` };
  }
  const inv = inventories(ctx, caches).find((i) => i.node === nodeName);
  if (inv === undefined || !inv.disks.some((d) => d.path === diskPath)) {
    return { type: "Scheduled", status: "False", reason: "DiskMissing", message: `node ${nodeName} does not report disk ${diskPath}` };
  }
  return { type: "Scheduled", status: "True", reason: "DiskReported", message: `on ${nodeName}:${diskPath}` };
}

async function deletePartition(ctx: OperatorContext, caches: Caches, part: Partition): Promise<ReconcileResult> {
  const finalizers = part.metadata.finalizers ?? [];
  if (!finalizers.includes(partitionFinalizer)) return done;
  const nodeGone = caches.nodes.get(part.spec.nodeName) === undefined;
  const erased = part.status?.dataErased === true;
  if (part.spec.deletionPolicy === "Delete" && !erased && !nodeGone) {
    await patchConditions(ctx, part, [{
      type: "Deleting", status: "True", reason: "WaitingForDataErase",
      message: `waiting for the node agent on ${part.spec.nodeName} to erase ${part.spec.diskPath} (deletionPolicy Delete)`,
    }]);
    return { requeueAfterMs: ctx.delays.waitForDataEraseMs };
  }
  await unlessGone(() => ctx.api.mergePatch(resources.partition, part.metadata.name ?? "", part.metadata.namespace, {
    metadata: { resourceVersion: part.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== partitionFinalizer) },
  }));
  ctx.log({ event: "partition_finalized", partition: part.metadata.name, policy: part.spec.deletionPolicy, erased, nodeGone });
  return done;
}

async function patchConditions(ctx: OperatorContext, part: Partition, next: ConditionInput[]): Promise<void> {
  const mine = (part.status?.conditions ?? []).filter((c) => (partitionConditionTypes as readonly string[]).includes(c.type)) as Condition[];
  const conditions = setConditions(mine, next, part.metadata.generation ?? 0, ctx.now());
  const unchanged = conditions.length === mine.length && conditions.every((c) => {
    const old = findCondition(mine, c.type);
    return old !== undefined && old.status === c.status && old.reason === c.reason && old.message === c.message && old.observedGeneration === c.observedGeneration;
  });
  if (unchanged) return;
  await unlessGone(() => ctx.api.apply(resources.partition, {
    metadata: { name: part.metadata.name, namespace: part.metadata.namespace }, status: { conditions },
  } as never, { fieldManager: `${fieldManager}-partition`, subresource: "status" }));
}
