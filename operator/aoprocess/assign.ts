// Pure: which compute pods may own processes, and the assignment status of one AOProcess.
import type { AOProcess, AOProcessStatus, Condition } from "../../protocol/crds/index.ts";
import type { HashRing } from "../hashring/ring.ts";
import { setConditions } from "../reconcile/conditions.ts";

export interface PodLike {
  metadata: { name?: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Running, Ready and not terminating: a pod that can take processes now. Sorted by name. */
export function readyPodNames(pods: readonly PodLike[]): string[] {
  return pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase === "Running" &&
    (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
    .map((p) => p.metadata.name ?? "").sort();
}

/** The operator's part of an AOProcess status: assignedPod and the Assigned condition. */
export function assignmentStatus(proc: AOProcess, ring: HashRing, now: Date): Pick<AOProcessStatus, "assignedPod" | "conditions"> {
  const generation = proc.metadata.generation ?? 0;
  const mine = (proc.status?.conditions ?? []).filter((c) => c.type === "Assigned") as Condition[];
  if (ring.members.length === 0) {
    return { conditions: setConditions(mine, [{ type: "Assigned", status: "False", reason: "NoComputePods", message: "no ready compute pod" }], generation, now) };
  }
  const pod = ring.owner(proc.spec.processId);
  return {
    assignedPod: pod,
    conditions: setConditions(mine, [{ type: "Assigned", status: "True", reason: "ConsistentHash", message: `owned by ${pod}` }], generation, now),
  };
}
