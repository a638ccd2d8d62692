// Pure: from a Replica, the cluster's eligible disks and the Partitions that exist, compute the
// Partitions that should exist and the Replica's status.
import type { Condition, Partition, Replica, ReplicaStatus } from "../../protocol/crds/index.ts";
import { partitionFinalizer, partitionSizeBytesDefault, replicaLabel } from "../constants.ts";
import { setConditions, type ConditionInput } from "../reconcile/conditions.ts";
import type { ExistingPartition, PlacementResult } from "../placement/placement.ts";

export function partitionSizeOf(replica: Replica): number {
  return replica.spec.partitionSizeBytes ?? partitionSizeBytesDefault;
}

export function desiredIndices(replica: Replica): number[] {
  const sel = replica.spec.partitions;
  if (sel.list !== undefined) return [...sel.list].sort((a, b) => a - b);
  if (sel.count !== undefined) return Array.from({ length: sel.count }, (_, i) => i);
  if (sel.all !== undefined) {
    const n = Math.ceil(sel.all.weaveSizeBytes / partitionSizeOf(replica));
    return Array.from({ length: n }, (_, i) => i);
  }
  return [];
}

export function partitionName(replicaName: string, index: number): string {
  return `${replicaName}-p${index}`;
}

export function ownedPartitions(replica: Replica, all: readonly Partition[]): Partition[] {
  return all.filter((p) => p.metadata.namespace === replica.metadata.namespace && p.metadata.labels?.[replicaLabel] === replica.metadata.name);
}

/**
 * Packed bytes are on disk: moving the partition would throw them away. Not so when the node agent
 * reports the disk itself broken (Failed with DiskHealthy=False: write or read errors, corrupt data):
 * those bytes are lost anyway, and the agent drops the disk from its inventory, so the partition moves.
 */
export function toExisting(parts: readonly Partition[]): ExistingPartition[] {
  return parts.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => ({
    index: p.spec.index,
    node: p.spec.nodeName,
    path: p.spec.diskPath,
    packed: (p.status?.packedBytes ?? 0) > 0 && !onBrokenDisk(p),
  }));
}

export function onBrokenDisk(p: Partition): boolean {
  return p.status?.phase === "Failed" && (p.status.conditions ?? []).some((c) => c.type === "DiskHealthy" && c.status === "False");
}

export function desiredPartition(replica: Replica, a: { index: number; node: string; path: string }): Partition {
  const name = replica.metadata.name ?? "";
  return {
    apiVersion: "arkube.dev/v1alpha1",
    kind: "Partition",
    metadata: {
      name: partitionName(name, a.index),
      namespace: replica.metadata.namespace,
      labels: { [replicaLabel]: name },
      finalizers: [partitionFinalizer],
      ownerReferences: [{
        apiVersion: replica.apiVersion, kind: replica.kind, name, uid: replica.metadata.uid ?? "", controller: true, blockOwnerDeletion: true,
      }],
    },
    spec: {
      replicaName: name,
      index: a.index,
      nodeName: a.node,
      diskPath: a.path,
      packing: replica.spec.packing,
      partitionSizeBytes: partitionSizeOf(replica),
      deletionPolicy: replica.spec.deletionPolicy ?? "Retain",
    },
  };
}

/** Whether the live object differs from the desired one in a field this controller owns. */
export function needsApply(live: Partition | undefined, want: Partition): boolean {
  if (live === undefined) return true;
  const s = live.spec;
  const w = want.spec;
  return s.nodeName !== w.nodeName || s.diskPath !== w.diskPath || s.deletionPolicy !== w.deletionPolicy ||
    live.metadata.labels?.[replicaLabel] !== want.metadata.labels?.[replicaLabel] ||
    !(live.metadata.ownerReferences ?? []).some((o) => o.uid === want.metadata.ownerReferences?.[0]?.uid) ||
    !(live.metadata.finalizers ?? []).includes(partitionFinalizer);
}

export interface ReplicaFacts {
  desired: number;
  placement: PlacementResult;
  /** Owned Partitions as observed (after this reconcile's applies). */
  partitions: readonly Partition[];
  eligibleDisks: number;
}

export function replicaStatus(replica: Replica, facts: ReplicaFacts, now: Date): ReplicaStatus {
  const size = partitionSizeOf(replica);
  const live = facts.partitions.filter((p) => p.metadata.deletionTimestamp === undefined);
  const packed = live.filter((p) => !onBrokenDisk(p) && (p.status?.phase === "Mining" || (p.status?.packedBytes ?? 0) >= size)).length;
  const mining = live.filter((p) => p.status?.phase === "Mining").length;
  const hashrate = live.reduce((sum, p) => sum + (p.status?.hashrate ?? 0), 0);
  const placed = facts.placement.assignments.length;
  const conditions = setConditions(replica.status?.conditions as Condition[] | undefined, [
    placedCondition(facts),
    mining === facts.desired
      ? { type: "Progressing", status: "False", reason: "Complete", message: "every partition is mining" }
      : { type: "Progressing", status: "True", reason: "Packing", message: `${packed} of ${facts.desired} partitions packed` },
    mining === facts.desired
      ? { type: "Ready", status: "True", reason: "AllMining", message: `${mining} of ${facts.desired} partitions mining` }
      : { type: "Ready", status: "False", reason: "PartitionsNotMining", message: `${mining} of ${facts.desired} partitions mining` },
  ], replica.metadata.generation ?? 0, now);
  return {
    observedGeneration: replica.metadata.generation ?? 0,
    partitions: { desired: facts.desired, placed, packed, mining },
    hashrate,
    conditions,
  };
}

function placedCondition(facts: ReplicaFacts): ConditionInput {
  const { unplaced, assignments } = facts.placement;
  if (unplaced.length > 0) {
    return { type: "Placed", status: "False", reason: "NoCapacity",
      message: `${unplaced.length} of ${facts.desired} partitions found no disk (${facts.eligibleDisks} eligible disks)` };
  }
  const stranded = assignments.filter((a) => a.stranded).length;
  if (stranded > 0) {
    return { type: "Placed", status: "False", reason: "Stranded",
      message: `${stranded} packed partitions sit on disks that are no longer eligible; set spec.placement.allowMovingPacked to move them` };
  }
  return { type: "Placed", status: "True", reason: "AllPlaced", message: `${assignments.length} of ${facts.desired} partitions placed` };
}

export function deletingStatus(replica: Replica, remaining: number, now: Date): ReplicaStatus {
  return {
    ...replica.status,
    observedGeneration: replica.metadata.generation ?? 0,
    conditions: setConditions(replica.status?.conditions as Condition[] | undefined, [
      { type: "Ready", status: "False", reason: "Deleting", message: "the Replica is being deleted" },
      { type: "Deleting", status: "True", reason: "WaitingForPartitions", message: `${remaining} partitions still exist (their finalizers carry out the deletion policy)` },
    ], replica.metadata.generation ?? 0, now),
  };
}
