// What a CR's status says about its health, as problems: pure rules over metav1.Conditions and the
// observedGeneration, shared by every kind. Only the readiness condition decides the exit status
// (an error); the others are warnings, shown so the reason is visible next to the error they explain.
import type { Condition, ConditionStatus } from "../../protocol/crds/index.ts";

export type Severity = "error" | "warning";
export type ArkubeKind = "Replica" | "Partition" | "HashChain" | "AOProcess";

export interface Problem {
  severity: Severity;
  kind: ArkubeKind;
  namespace: string;
  name: string;
  /** One line, e.g. "Ready=False (PartitionsNotMining): 3 of 4 partitions mining". */
  message: string;
}

export interface ConditionSummary {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** The slice of any arkube object the rules read (every generated CR type fits it). */
export interface ObjectWithConditions {
  metadata: { name?: string; namespace?: string; generation?: number; deletionTimestamp?: string };
  status?: { observedGeneration?: number; conditions?: Condition[] } | undefined;
}

/**
 * Conditions whose True is the good state (False is a warning). Ready is not here: it is the
 * readiness condition of Replica and HashChain and is judged by readinessProblems.
 */
const positiveTypes: ReadonlySet<string> = new Set(["Placed", "Scheduled", "Available", "LeaderElected", "Assigned"]);
/** Conditions whose True is the abnormal state. */
const negativeTypes: ReadonlySet<string> = new Set(["Degraded", "Deleting"]);

export function conditionsOf(obj: ObjectWithConditions): ConditionSummary[] {
  return (obj.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
}

export function findCondition(obj: ObjectWithConditions, type: string): ConditionSummary | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

export function describeCondition(c: ConditionSummary): string {
  const reason = c.reason === "" ? "" : ` (${c.reason})`;
  const message = c.message === "" ? "" : `: ${c.message}`;
  return `${c.type}=${c.status}${reason}${message}`;
}

/** "ns/name" as kubectl prints it; cluster-scoped objects have no namespace. */
export function qualifiedName(obj: ObjectWithConditions): string {
  const ns = obj.metadata.namespace;
  return ns === undefined || ns === "" ? obj.metadata.name ?? "" : `${ns}/${obj.metadata.name ?? ""}`;
}

export function problem(severity: Severity, kind: ArkubeKind, obj: ObjectWithConditions, message: string): Problem {
  return { severity, kind, namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "", message };
}

/**
 * The readiness condition: False is an error (the thing does not do its job), Unknown a warning, and so
 * is False while Progressing=True (a Replica still packing is on its way, not broken: kstatus reads it
 * the same way). A missing condition is not judged here: statusProblems reports a missing status.
 */
export function readinessProblems(kind: ArkubeKind, obj: ObjectWithConditions, readyType: string): Problem[] {
  const c = findCondition(obj, readyType);
  if (c === undefined || c.status === "True") return [];
  const progressing = findCondition(obj, "Progressing")?.status === "True";
  return [problem(c.status === "False" && !progressing ? "error" : "warning", kind, obj, describeCondition(c))];
}

/** The other conditions in their abnormal state, as warnings. */
export function otherConditionProblems(kind: ArkubeKind, obj: ObjectWithConditions, readyType: string): Problem[] {
  return conditionsOf(obj)
    .filter((c) => c.type !== readyType)
    .filter((c) => (positiveTypes.has(c.type) && c.status === "False") || (negativeTypes.has(c.type) && c.status === "True"))
    .map((c) => problem("warning", kind, obj, describeCondition(c)));
}

/**
 * No status at all means no controller has looked at the object yet (the operator is not running, or
 * it was just created); a status older than the spec means the figures describe a previous spec.
 */
export function statusProblems(kind: ArkubeKind, obj: ObjectWithConditions, writer: string): Problem[] {
  if (obj.status === undefined) return [problem("warning", kind, obj, `no status yet (is the ${writer} running?)`)];
  const generation = obj.metadata.generation;
  const observed = obj.status.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return [problem("warning", kind, obj, `status is for generation ${observed}, the spec is at ${generation}`)];
  }
  return [];
}

/** Every rule for a kind whose readiness is a condition (Replica, HashChain). */
export function conditionProblems(kind: ArkubeKind, obj: ObjectWithConditions, readyType: string, writer: string): Problem[] {
  return [
    ...statusProblems(kind, obj, writer),
    ...readinessProblems(kind, obj, readyType),
    ...otherConditionProblems(kind, obj, readyType),
  ];
}
