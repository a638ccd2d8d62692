// Pure: a HashChain's status from its vdf Deployment and the vdf Lease.
//
// Contract with the vdf component (operator/README.md, "vdf Lease"; vdf/leadership/kube-lease.ts writes
// them): the leader records its latest step in the Lease annotations arkube.dev/vdf-step (decimal) and
// arkube.dev/vdf-step-time (RFC 3339) with every renewal. The operator only reads them.
import type { Condition, HashChain, HashChainStatus } from "../../protocol/crds/index.ts";
import { setConditions, type ConditionInput } from "../reconcile/conditions.ts";
import { vdfReplicas } from "./desired.ts";

export const stepAnnotation = "arkube.dev/vdf-step";
export const stepTimeAnnotation = "arkube.dev/vdf-step-time";

export interface LeaseLike {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

export interface DeploymentLike {
  metadata: { name?: string; generation?: number };
  status?: { readyReplicas?: number; observedGeneration?: number };
}

/** Why the operator could not run the chain at all (nothing was applied). */
export interface Blocked {
  reason: string;
  message: string;
}

/** The lease holder while the lease is unexpired at `now`. */
export function currentLeader(lease: LeaseLike | undefined, now: Date): { holder: string; expiresAt: number } | undefined {
  const holder = lease?.spec?.holderIdentity;
  const renew = lease?.spec?.renewTime;
  if (holder === undefined || holder === "" || renew === undefined) return undefined;
  const expiresAt = Date.parse(renew) + (lease?.spec?.leaseDurationSeconds ?? 0) * 1000;
  return expiresAt > now.getTime() ? { holder, expiresAt } : undefined;
}

export function hashChainStatus(
  hc: HashChain, deployment: DeploymentLike | undefined, lease: LeaseLike | undefined, now: Date, blocked?: Blocked,
): HashChainStatus {
  const ready = deployment?.status?.readyReplicas ?? 0;
  const leader = currentLeader(lease, now);
  const generation = hc.metadata.generation ?? 0;
  const conditions = setConditions(hc.status?.conditions as Condition[] | undefined, [
    ready > 0
      ? { type: "Available", status: "True", reason: "ReplicasReady", message: `${ready} of ${vdfReplicas} vdf pods ready` }
      : { type: "Available", status: "False", reason: "NoReadyReplicas", message: `0 of ${vdfReplicas} vdf pods ready` },
    leader !== undefined
      ? { type: "LeaderElected", status: "True", reason: "LeaseHeld", message: `${leader.holder} holds the lease` }
      : { type: "LeaderElected", status: "False", reason: "NoLeader", message: "no unexpired holder of the vdf lease" },
    ready < vdfReplicas
      ? { type: "Degraded", status: "True", reason: "FollowerMissing", message: `${ready} of ${vdfReplicas} vdf pods ready: no standby` }
      : { type: "Degraded", status: "False", reason: "AllReplicasReady", message: `${ready} of ${vdfReplicas} vdf pods ready` },
    readyCondition(ready, leader?.holder, blocked),
  ], generation, now);
  const status: HashChainStatus = { observedGeneration: generation, readyReplicas: ready, conditions };
  if (leader !== undefined) status.leader = leader.holder;
  const step = stepOf(lease);
  if (step !== undefined) status.step = step;
  const stepTime = lease?.metadata.annotations?.[stepTimeAnnotation];
  if (stepTime !== undefined && !Number.isNaN(Date.parse(stepTime))) status.stepTime = stepTime;
  return status;
}

function readyCondition(ready: number, leader: string | undefined, blocked: Blocked | undefined): ConditionInput {
  if (blocked !== undefined) return { type: "Ready", status: "False", reason: blocked.reason, message: blocked.message };
  if (ready > 0 && leader !== undefined) return { type: "Ready", status: "True", reason: "Producing", message: `leader ${leader}` };
  return { type: "Ready", status: "False", reason: leader === undefined ? "NoLeader" : "NoReadyReplicas", message: "the chain is not advancing" };
}

function stepOf(lease: LeaseLike | undefined): number | undefined {
  const text = lease?.metadata.annotations?.[stepAnnotation];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const step = Number(text);
  return Number.isSafeInteger(step) ? step : undefined;
}
