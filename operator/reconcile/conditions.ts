// metav1.Condition bookkeeping, pure: lastTransitionTime changes only when the status flips, so a
// status patch that repeats the same facts is a no-op and does not wake every watcher.
import type { Condition, ConditionStatus } from "../../protocol/crds/index.ts";

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export function setConditions(previous: readonly Condition[] | undefined, next: readonly ConditionInput[], generation: number, now: Date): Condition[] {
  const old = new Map((previous ?? []).map((c) => [c.type, c]));
  return next.map((c) => {
    const before = old.get(c.type);
    const lastTransitionTime = before !== undefined && before.status === c.status ? before.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z");
    return { ...c, observedGeneration: generation, lastTransitionTime };
  });
}

/** Same facts, ignoring times (which setConditions keeps stable anyway). */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  const key = (list: readonly Condition[] | undefined) =>
    JSON.stringify([...(list ?? [])].sort((x, y) => (x.type < y.type ? -1 : 1)).map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration]));
  return key(a) === key(b);
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
