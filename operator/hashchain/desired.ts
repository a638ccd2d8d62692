// Pure: the vdf Deployment a HashChain needs and the HashChain's status.
//
// Contract with the vdf component (documented in operator/README.md): the pods elect a leader with
// the Lease <hashchain>-vdf in the same namespace (holderIdentity = pod name), and the leader records
// its latest step in the Lease annotations arkube.dev/vdf-step (decimal) and arkube.dev/vdf-step-time
// (RFC 3339). The operator only reads them.
import type { Condition, HashChain, HashChainStatus } from "../../protocol/crds/index.ts";
import { setConditions } from "../reconcile/conditions.ts";

export const vdfReplicas = 2;
export const hashChainLabel = "arkube.dev/hashchain";
export const stepAnnotation = "arkube.dev/vdf-step";
export const stepTimeAnnotation = "arkube.dev/vdf-step-time";
export const vdfServiceAccount = "arkube-vdf";

export function vdfName(hc: string): string {
  return `${hc}-vdf`;
}

export interface LeaseLike {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

export interface DeploymentLike {
  metadata: { name?: string; generation?: number };
  status?: { readyReplicas?: number; observedGeneration?: number };
}

export interface DeploymentApply {
  metadata: { name: string; namespace?: string; labels: Record<string, string>; ownerReferences: unknown[] };
  spec: Record<string, unknown>;
}

export function vdfDeployment(hc: HashChain): DeploymentApply {
  const name = hc.metadata.name ?? "";
  const labels = { "app.kubernetes.io/name": "arkube-vdf", "app.kubernetes.io/component": "vdf", [hashChainLabel]: name };
  const s = hc.spec;
  const env = [
    { name: "ARKUBE_CHAIN_NAME", value: s.chainName },
    { name: "ARKUBE_GENESIS_OUTPUT", value: s.genesisOutput },
    { name: "ARKUBE_START_STEP", value: String(s.startStep ?? 0) },
    { name: "ARKUBE_ITERATIONS_PER_CHECKPOINT", value: String(s.iterationsPerCheckpoint) },
    { name: "ARKUBE_RESET_SEEDS", value: JSON.stringify(s.resetSeeds ?? { source: "None" }) },
    { name: "ARKUBE_LEASE_NAME", value: vdfName(name) },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
  ];
  return {
    metadata: {
      name: vdfName(name), namespace: hc.metadata.namespace, labels,
      ownerReferences: [{ apiVersion: hc.apiVersion, kind: hc.kind, name, uid: hc.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: vdfReplicas,
      selector: { matchLabels: { [hashChainLabel]: name, "app.kubernetes.io/component": "vdf" } },
      // Replace one pod at a time: the survivor keeps (or takes) the lease and the chain keeps going.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: vdfServiceAccount,
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { [hashChainLabel]: name } } },
          }] } },
          containers: [{ name: "vdf", image: s.image, env }],
        },
      },
    },
  };
}

/** The lease holder while the lease is unexpired at `now`. */
export function currentLeader(lease: LeaseLike | undefined, now: Date): { holder: string; expiresAt: number } | undefined {
  const holder = lease?.spec?.holderIdentity;
  const renew = lease?.spec?.renewTime;
  if (holder === undefined || holder === "" || renew === undefined) return undefined;
  const expiresAt = Date.parse(renew) + (lease?.spec?.leaseDurationSeconds ?? 0) * 1000;
  return expiresAt > now.getTime() ? { holder, expiresAt } : undefined;
}

export function hashChainStatus(hc: HashChain, deployment: DeploymentLike | undefined, lease: LeaseLike | undefined, now: Date): HashChainStatus {
  const ready = deployment?.status?.readyReplicas ?? 0;
  const leader = currentLeader(lease, now);
  const stepText = lease?.metadata.annotations?.[stepAnnotation];
  const step = stepText !== undefined && /^\d+$/.test(stepText) ? Number(stepText) : undefined;
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
    ready > 0 && leader !== undefined
      ? { type: "Ready", status: "True", reason: "Producing", message: `leader ${leader.holder}` }
      : { type: "Ready", status: "False", reason: leader === undefined ? "NoLeader" : "NoReadyReplicas", message: "the chain is not advancing" },
  ], generation, now);
  const status: HashChainStatus = { observedGeneration: generation, readyReplicas: ready, conditions };
  if (leader !== undefined) status.leader = leader.holder;
  if (step !== undefined) status.step = step;
  const stepTime = lease?.metadata.annotations?.[stepTimeAnnotation];
  if (stepTime !== undefined && !Number.isNaN(Date.parse(stepTime))) status.stepTime = stepTime;
  return status;
}
