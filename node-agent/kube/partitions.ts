// Pure: from the Partition objects of the namespace, what this node's agent holds, refuses and must
// erase. A Partition is this node's when spec.nodeName names it; one being deleted is released at
// once, and with deletionPolicy Delete its data is erased before status.dataErased is set (the
// operator then removes its finalizer; with Retain the operator releases it and the data stays).
import type { Partition } from "../../protocol/crds/index.ts";
import type { PartitionAssignment } from "../modules/assignments.ts";

export interface AgentLimits {
  /** The one partition size this agent mines with (config partitionSizeBytes). */
  partitionSizeBytes: bigint;
  /** A Partition's diskPath must be at or under one of these (config dataRoots). */
  dataRoots: readonly string[];
  /** The address this agent packs for (b64url): a Replica of another address is refused. */
  miningAddressB64Url: string;
}

/** The mining address a Replica names in spec.miningAddress.address; undefined when unknown (secretRef, not seen yet). */
export type ReplicaAddressOf = (replicaName: string) => string | undefined;

export interface NodePartitions {
  /** What the agent holds: one assignment per partition index. */
  assignments: PartitionAssignment[];
  /** Partitions of this node the agent cannot hold, by uid, with why (reported as Failed). */
  rejected: Map<string, string>;
  /** Partitions being deleted with deletionPolicy Delete whose data is not erased yet. */
  toErase: Partition[];
}

export function isUnder(path: string, root: string): boolean {
  const r = root.endsWith("/") ? root : `${root}/`;
  return path === root || path.startsWith(r);
}

/** Older first, then by name: the Partition that keeps an index when two ask for it. */
function byAge(a: Partition, b: Partition): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

/**
 * Annotation whose new value opens a Failed partition again (after a disk was replaced or cleaned):
 * `kubectl annotate partition NAME arkube.dev/retry=$(date +%s) --overwrite`. A spec change does too.
 */
export const retryAnnotation = "arkube.dev/retry";

/** The assignment revision of a Partition: its generation and the retry annotation. */
export function revisionOf(p: Partition): string {
  return `${p.metadata.generation ?? 0}:${p.metadata.annotations?.[retryAnnotation] ?? ""}`;
}

/** Why this agent cannot hold `p`, or undefined when it can. */
export function specProblem(p: Partition, limits: AgentLimits, replicaAddress: ReplicaAddressOf = () => undefined): string | undefined {
  if (p.spec.packing !== "spora_2_6") return `packing ${p.spec.packing} is not supported (spora_2_6 only)`;
  const address = replicaAddress(p.spec.replicaName);
  if (address !== undefined && address !== limits.miningAddressB64Url) {
    // Packed data is bound to the address: packing for another one would be days of wasted CPU.
    return `Replica ${p.spec.replicaName} mines for ${address}, this agent packs for ${limits.miningAddressB64Url}`;
  }
  if (BigInt(p.spec.partitionSizeBytes) !== limits.partitionSizeBytes) {
    return `spec.partitionSizeBytes ${p.spec.partitionSizeBytes} differs from this agent's partitionSizeBytes ${limits.partitionSizeBytes}`;
  }
  if (!limits.dataRoots.some((r) => isUnder(p.spec.diskPath, r))) {
    return `disk ${p.spec.diskPath} is not under this agent's dataRoots (${limits.dataRoots.join(", ")})`;
  }
  return undefined;
}

export function nodePartitions(node: string, all: readonly Partition[], limits: AgentLimits, replicaAddress: ReplicaAddressOf = () => undefined): NodePartitions {
  const out: NodePartitions = { assignments: [], rejected: new Map(), toErase: [] };
  const mine = all.filter((p) => p.spec.nodeName === node).sort(byAge);
  const holder = new Map<number, Partition>();
  for (const p of mine) {
    const uid = p.metadata.uid ?? p.metadata.name ?? "";
    if (p.metadata.deletionTimestamp !== undefined) {
      if (p.spec.deletionPolicy === "Delete" && p.status?.dataErased !== true) out.toErase.push(p);
      continue;
    }
    const problem = specProblem(p, limits, replicaAddress);
    const first = holder.get(p.spec.index);
    if (problem !== undefined) out.rejected.set(uid, problem);
    else if (first !== undefined) out.rejected.set(uid, `partition ${p.spec.index} is already held on this node by Partition ${first.metadata.name}`);
    else {
      holder.set(p.spec.index, p);
      out.assignments.push({ partition: p.spec.index, root: p.spec.diskPath, revision: revisionOf(p) });
    }
  }
  out.assignments.sort((a, b) => a.partition - b.partition);
  return out;
}

/** Whether erasing `p`'s data would take data another live Partition of this node holds (same index and disk). */
export function sharedWithLive(p: Partition, assignments: readonly PartitionAssignment[]): boolean {
  return assignments.some((a) => a.partition === p.spec.index && a.root === p.spec.diskPath);
}
