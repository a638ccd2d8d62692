// The pure core of `arkube status`: the four arkube CR lists (as the API server returns them) and the
// time -> a health summary per kind plus the problems found. No I/O: the table and JSON printers and
// the exit status all come from this one value.
import type { AOProcess, HashChain, Partition, Replica } from "../../protocol/crds/index.ts";
import {
  conditionProblems, conditionsOf, findCondition, otherConditionProblems, problem, qualifiedName,
  type ConditionSummary, type Problem,
} from "./conditions.ts";

export interface ClusterObjects {
  replicas: Replica[];
  partitions: Partition[];
  hashChains: HashChain[];
  aoProcesses: AOProcess[];
}

export interface ReplicaHealth {
  namespace: string;
  name: string;
  desired: number | undefined;
  placed: number | undefined;
  packed: number | undefined;
  mining: number | undefined;
  /** Hashes per second (sum of its Partitions', as the operator writes it). */
  hashrate: number | undefined;
  /** Status of the Ready condition; undefined before the operator wrote one. */
  ready: string | undefined;
  conditions: ConditionSummary[];
}

/** Partition phases in lifecycle order; "None" is a Partition no node agent has reported on yet. */
export const partitionPhases = ["None", "Pending", "Syncing", "Packing", "Mining", "Failed"] as const;
export type PartitionPhase = (typeof partitionPhases)[number];

export interface PartitionRow {
  namespace: string;
  name: string;
  replica: string;
  index: number;
  node: string;
  disk: string;
  phase: PartitionPhase;
  progressPercent: number | undefined;
  hashrate: number | undefined;
  lastError: string | undefined;
}

export interface PhaseSummary {
  phase: PartitionPhase;
  count: number;
  /** Mean and minimum progressPercent over the partitions that report one. */
  progressPercentMean: number | undefined;
  progressPercentMin: number | undefined;
  /** Summed sync (Syncing) or packing (Packing) throughput. */
  bytesPerSecond: number | undefined;
  /** Summed hashrate (Mining). */
  hashrate: number | undefined;
}

export interface PartitionsHealth {
  total: number;
  byPhase: PhaseSummary[];
  failed: PartitionRow[];
  /** Every partition (the JSON output carries them; the table shows only the failed ones). */
  items: PartitionRow[];
}

export interface HashChainHealth {
  namespace: string;
  name: string;
  chain: string;
  leader: string | undefined;
  step: number | undefined;
  stepTime: string | undefined;
  /** Seconds between the last step the status reports and `now` (the CR has no rate field). */
  stepAgeSeconds: number | undefined;
  readyReplicas: number | undefined;
  ready: string | undefined;
  conditions: ConditionSummary[];
}

export interface AOProcessNotReady {
  namespace: string;
  name: string;
  processId: string;
  reason: string;
  message: string;
}

export interface AOProcessesHealth {
  total: number;
  /** Processes per assigned compute pod, most loaded first. */
  byPod: { pod: string; count: number }[];
  notReady: AOProcessNotReady[];
}

export interface ClusterHealth {
  /** False when any problem is an error; warnings alone keep it true. */
  healthy: boolean;
  errors: number;
  warnings: number;
  replicas: ReplicaHealth[];
  partitions: PartitionsHealth;
  hashChains: HashChainHealth[];
  aoProcesses: AOProcessesHealth;
  problems: Problem[];
}

const operatorWriter = "arkube operator";

export function summarize(objects: ClusterObjects, now: Date): ClusterHealth {
  const replicas = sortByName(objects.replicas);
  const partitions = [...objects.partitions].sort(comparePartitions);
  const hashChains = sortByName(objects.hashChains);
  const aoProcesses = sortByName(objects.aoProcesses);
  const problems = [
    ...replicas.flatMap((r) => conditionProblems("Replica", r, "Ready", operatorWriter)),
    ...partitions.flatMap(partitionProblems),
    ...hashChains.flatMap((h) => conditionProblems("HashChain", h, "Ready", operatorWriter)),
    ...aoProcesses.flatMap(aoProcessProblems),
  ];
  const errors = problems.filter((p) => p.severity === "error").length;
  return {
    healthy: errors === 0,
    errors,
    warnings: problems.length - errors,
    replicas: replicas.map(replicaHealth),
    partitions: partitionsHealth(partitions),
    hashChains: hashChains.map((h) => hashChainHealth(h, now)),
    aoProcesses: aoProcessesHealth(aoProcesses),
    problems,
  };
}

function replicaHealth(r: Replica): ReplicaHealth {
  const counts = r.status?.partitions;
  return {
    namespace: r.metadata.namespace ?? "",
    name: r.metadata.name ?? "",
    desired: counts?.desired,
    placed: counts?.placed,
    packed: counts?.packed,
    mining: counts?.mining,
    hashrate: r.status?.hashrate,
    ready: findCondition(r, "Ready")?.status,
    conditions: conditionsOf(r),
  };
}

function partitionRow(p: Partition): PartitionRow {
  return {
    namespace: p.metadata.namespace ?? "",
    name: p.metadata.name ?? "",
    replica: p.spec.replicaName,
    index: p.spec.index,
    node: p.spec.nodeName,
    disk: p.spec.diskPath,
    phase: p.status?.phase ?? "None",
    progressPercent: p.status?.progressPercent,
    hashrate: p.status?.hashrate,
    lastError: p.status?.lastError,
  };
}

/**
 * Failed is the node agent giving up on the partition: an error. A lastError in another phase is a
 * retry in progress, so a warning. The operator's conditions (Scheduled, Deleting) are warnings: the
 * owning Replica's Ready condition carries their effect.
 */
function partitionProblems(p: Partition): Problem[] {
  const out: Problem[] = [];
  const lastError = p.status?.lastError;
  if (p.status?.phase === "Failed") {
    out.push(problem("error", "Partition", p, `Failed${lastError === undefined ? "" : `: ${lastError}`}`));
  } else if (lastError !== undefined && lastError !== "") {
    out.push(problem("warning", "Partition", p, `${p.status?.phase ?? "no phase"}, last error: ${lastError}`));
  }
  return [...out, ...otherConditionProblems("Partition", p, "")];
}

function partitionsHealth(partitions: Partition[]): PartitionsHealth {
  const items = partitions.map(partitionRow);
  const byPhase = partitionPhases
    .map((phase) => phaseSummary(phase, partitions.filter((p) => (p.status?.phase ?? "None") === phase)))
    .filter((s) => s.count > 0);
  return { total: items.length, byPhase, failed: items.filter((i) => i.phase === "Failed"), items };
}

function phaseSummary(phase: PartitionPhase, partitions: Partition[]): PhaseSummary {
  const progress = partitions.map((p) => p.status?.progressPercent).filter((v): v is number => v !== undefined);
  const throughput = phase === "Syncing" ? partitions.map((p) => p.status?.syncBytesPerSecond)
    : phase === "Packing" ? partitions.map((p) => p.status?.packingBytesPerSecond) : [];
  return {
    phase,
    count: partitions.length,
    progressPercentMean: progress.length === 0 ? undefined : progress.reduce((a, b) => a + b, 0) / progress.length,
    progressPercentMin: progress.length === 0 ? undefined : Math.min(...progress),
    bytesPerSecond: sumDefined(throughput),
    hashrate: phase === "Mining" ? sumDefined(partitions.map((p) => p.status?.hashrate)) : undefined,
  };
}

function hashChainHealth(h: HashChain, now: Date): HashChainHealth {
  const stepTime = h.status?.stepTime;
  const stepMs = stepTime === undefined ? Number.NaN : Date.parse(stepTime);
  return {
    namespace: h.metadata.namespace ?? "",
    name: h.metadata.name ?? "",
    chain: h.spec.chainName,
    leader: h.status?.leader,
    step: h.status?.step,
    stepTime,
    stepAgeSeconds: Number.isNaN(stepMs) ? undefined : Math.max(0, (now.getTime() - stepMs) / 1000),
    readyReplicas: h.status?.readyReplicas,
    ready: findCondition(h, "Ready")?.status,
    conditions: conditionsOf(h),
  };
}

/** Why an AOProcess is not served, or undefined when it is: assigned to a pod by the operator. */
function notReadyReason(p: AOProcess): { reason: string; message: string } | undefined {
  const assigned = findCondition(p, "Assigned");
  if (assigned?.status === "True" && p.status?.assignedPod !== undefined) return undefined;
  if (assigned !== undefined && assigned.status !== "True") return { reason: assigned.reason, message: assigned.message };
  if (p.status === undefined) return { reason: "NoStatus", message: `no status yet (is the ${operatorWriter} running?)` };
  return { reason: "NotAssigned", message: "no compute pod assigned" };
}

function aoProcessProblems(p: AOProcess): Problem[] {
  const why = notReadyReason(p);
  const notReady = why === undefined ? [] : [problem("error", "AOProcess", p, `not ready (${why.reason}): ${why.message}`)];
  // Assigned is this kind's readiness condition and a missing status makes it not ready: both judged above.
  return [...notReady, ...otherConditionProblems("AOProcess", p, "Assigned")];
}

function aoProcessesHealth(procs: AOProcess[]): AOProcessesHealth {
  const perPod = new Map<string, number>();
  const notReady: AOProcessNotReady[] = [];
  for (const p of procs) {
    const why = notReadyReason(p);
    if (why !== undefined) {
      notReady.push({ namespace: p.metadata.namespace ?? "", name: p.metadata.name ?? "", processId: p.spec.processId, ...why });
      continue;
    }
    const pod = p.status?.assignedPod ?? "";
    perPod.set(pod, (perPod.get(pod) ?? 0) + 1);
  }
  const byPod = [...perPod].map(([pod, count]) => ({ pod, count }))
    .sort((a, b) => b.count - a.count || a.pod.localeCompare(b.pod));
  return { total: procs.length, byPod, notReady };
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : defined.reduce((a, b) => a + b, 0);
}

function sortByName<T extends { metadata: { name?: string; namespace?: string } }>(items: T[]): T[] {
  return [...items].sort((a, b) => qualifiedName(a).localeCompare(qualifiedName(b)));
}

function comparePartitions(a: Partition, b: Partition): number {
  return (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
    a.spec.replicaName.localeCompare(b.spec.replicaName) || a.spec.index - b.spec.index ||
    (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}
