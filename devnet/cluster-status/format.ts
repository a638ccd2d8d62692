// The pure printers of `arkube status`: a ClusterHealth -> the terminal tables, or the JSON document
// scripts read. Sections in the order an operator reads a cluster: storage (Replicas, Partitions), the
// VDF chain, compute (AOProcesses), then every problem and a one-line verdict.
import type { ConditionSummary, Problem } from "./conditions.ts";
import type { AOProcessesHealth, ClusterHealth, HashChainHealth, PartitionsHealth, PhaseSummary, ReplicaHealth } from "./health.ts";
import { age, bytesRate, count, hashrate, percent, plural, table } from "./table.ts";

/** Which cluster and scope the figures come from (printed first, and part of the JSON). */
export interface StatusTarget {
  context: string;
  server: string;
  /** undefined: every namespace (-A). */
  namespace: string | undefined;
}

/** The JSON document of `--output json`; stable field names, scripts depend on them. */
export interface StatusDocument extends ClusterHealth {
  context: string;
  server: string;
  namespace: string | null;
}

export function statusDocument(target: StatusTarget, health: ClusterHealth): StatusDocument {
  return { context: target.context, server: target.server, namespace: target.namespace ?? null, ...health };
}

export function formatJson(target: StatusTarget, health: ClusterHealth): string {
  return JSON.stringify(statusDocument(target, health), null, 2);
}

export function formatTable(target: StatusTarget, health: ClusterHealth): string[] {
  const all = target.namespace === undefined;
  return [
    `context ${target.context}   server ${target.server}   namespace ${all ? "(all)" : target.namespace}`,
    "",
    ...replicaSection(health.replicas, all),
    "",
    ...partitionSection(health.partitions, all),
    "",
    ...hashChainSection(health.hashChains, all),
    "",
    ...aoProcessSection(health.aoProcesses, all),
    "",
    ...problemSection(health.problems, all),
    verdict(health),
  ];
}

export function verdict(health: ClusterHealth): string {
  if (health.healthy) return health.warnings === 0 ? "healthy" : `healthy (${plural(health.warnings, "warning")})`;
  const warnings = health.warnings === 0 ? "" : `, ${plural(health.warnings, "warning")}`;
  return `unhealthy: ${plural(health.errors, "error")}${warnings}`;
}

/** The NAMESPACE column only when listing every namespace, as kubectl does. */
function withNamespace(all: boolean, namespace: string, cells: string[]): string[] {
  return all ? [namespace, ...cells] : cells;
}

function compactConditions(conditions: readonly ConditionSummary[]): string {
  if (conditions.length === 0) return "-";
  return [...conditions].sort((a, b) => a.type.localeCompare(b.type))
    .map((c) => `${c.type}=${c.status}${c.status === "True" || c.reason === "" ? "" : `(${c.reason})`}`).join(" ");
}

function replicaSection(replicas: readonly ReplicaHealth[], all: boolean): string[] {
  if (replicas.length === 0) return ["REPLICAS: none"];
  const header = withNamespace(all, "NAMESPACE", ["NAME", "READY", "DESIRED", "PLACED", "PACKED", "MINING", "HASHRATE", "CONDITIONS"]);
  const rows = replicas.map((r) => withNamespace(all, r.namespace, [
    r.name, r.ready ?? "-", count(r.desired), count(r.placed), count(r.packed), count(r.mining), hashrate(r.hashrate),
    compactConditions(r.conditions),
  ]));
  return ["REPLICAS", ...table(header, rows)];
}

function progressCell(s: PhaseSummary): string {
  if (s.progressPercentMean === undefined || s.phase === "Mining") return "-";
  return s.count === 1 ? percent(s.progressPercentMean) : `${percent(s.progressPercentMean)} (min ${percent(s.progressPercentMin)})`;
}

function rateCell(s: PhaseSummary): string {
  if (s.phase === "Mining") return hashrate(s.hashrate);
  return s.bytesPerSecond === undefined ? "-" : bytesRate(s.bytesPerSecond);
}

function partitionSection(p: PartitionsHealth, all: boolean): string[] {
  if (p.total === 0) return ["PARTITIONS: none"];
  const phases = table(["PHASE", "COUNT", "PROGRESS", "RATE"],
    p.byPhase.map((s) => [s.phase, String(s.count), progressCell(s), rateCell(s)]));
  const out = [`PARTITIONS (${p.total})`, ...phases];
  if (p.failed.length === 0) return out;
  const header = withNamespace(all, "NAMESPACE", ["NAME", "REPLICA", "INDEX", "NODE", "DISK", "LAST ERROR"]);
  const rows = p.failed.map((f) => withNamespace(all, f.namespace, [f.name, f.replica, String(f.index), f.node, f.disk, oneLine(f.lastError ?? "-")]));
  return [...out, "", "FAILED PARTITIONS", ...table(header, rows)];
}

function hashChainSection(chains: readonly HashChainHealth[], all: boolean): string[] {
  if (chains.length === 0) return ["HASHCHAINS: none"];
  const header = withNamespace(all, "NAMESPACE", ["NAME", "CHAIN", "READY", "LEADER", "STEP", "LAST STEP", "VDF PODS", "CONDITIONS"]);
  const rows = chains.map((h) => withNamespace(all, h.namespace, [
    h.name, h.chain, h.ready ?? "-", h.leader ?? "-", count(h.step), h.stepAgeSeconds === undefined ? "-" : `${age(h.stepAgeSeconds)} ago`,
    count(h.readyReplicas), compactConditions(h.conditions),
  ]));
  return ["HASHCHAINS", ...table(header, rows)];
}

function aoProcessSection(a: AOProcessesHealth, all: boolean): string[] {
  if (a.total === 0) return ["AOPROCESSES: none"];
  const assigned = a.total - a.notReady.length;
  const out = [`AOPROCESSES (${a.total}: ${assigned} assigned, ${a.notReady.length} not ready)`];
  if (a.byPod.length > 0) out.push(...table(["POD", "PROCESSES"], a.byPod.map((p) => [p.pod, String(p.count)])));
  if (a.notReady.length === 0) return out;
  const header = withNamespace(all, "NAMESPACE", ["NAME", "PROCESS", "REASON", "MESSAGE"]);
  const rows = a.notReady.map((n) => withNamespace(all, n.namespace, [n.name, n.processId, n.reason, oneLine(n.message)]));
  return [...out, "", "NOT READY AOPROCESSES", ...table(header, rows)];
}

function problemSection(problems: readonly Problem[], all: boolean): string[] {
  if (problems.length === 0) return [];
  const rows = problems.map((p) => [p.severity, `${p.kind} ${all && p.namespace !== "" ? `${p.namespace}/` : ""}${p.name}`, oneLine(p.message)]);
  return ["PROBLEMS", ...table(["SEVERITY", "OBJECT", "PROBLEM"], rows), ""];
}

/** Status messages are free text from controllers; a newline would break the table. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
