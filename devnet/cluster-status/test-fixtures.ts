// Builders of valid arkube objects for the cluster-status tests: the unit tests summarize them
// directly, the control-plane test creates them on a real API server (so they must pass the CRDs'
// validation) and writes their status through the status subresource.
import type { AOProcess, Condition, HashChain, Partition, Replica } from "../../protocol/crds/index.ts";

export const testTime = "2026-01-01T00:00:00Z";
const address = "A".repeat(43);

export function condition(type: string, status: Condition["status"], reason: string, message = ""): Condition {
  return { type, status, reason, message, lastTransitionTime: testTime };
}

export function replica(name: string, namespace: string, status?: Replica["status"]): Replica {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "Replica", metadata: { name, namespace },
    spec: { miningAddress: { address }, packing: "spora_2_6", partitions: { count: 2 }, partitionSizeBytes: 262144 * 16 },
    ...(status === undefined ? {} : { status }),
  };
}

/** A Replica whose partitions all mine: what the operator writes when every partition is done. */
export function readyReplicaStatus(partitions: number, hashrate: number): NonNullable<Replica["status"]> {
  return {
    observedGeneration: 1,
    partitions: { desired: partitions, placed: partitions, packed: partitions, mining: partitions },
    hashrate,
    conditions: [
      condition("Placed", "True", "AllPlaced", `${partitions} of ${partitions} partitions placed`),
      condition("Progressing", "False", "Complete", "every partition is mining"),
      condition("Ready", "True", "AllMining", `${partitions} of ${partitions} partitions mining`),
    ],
  };
}

export function partition(name: string, namespace: string, replicaName: string, index: number, status?: Partition["status"]): Partition {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "Partition", metadata: { name, namespace },
    spec: {
      replicaName, index, nodeName: `node-${index % 2}`, diskPath: `/mnt/disk-${index}`, packing: "spora_2_6",
      partitionSizeBytes: 262144 * 16, deletionPolicy: "Retain",
    },
    ...(status === undefined ? {} : { status }),
  };
}

export function hashChain(name: string, namespace: string, status?: HashChain["status"]): HashChain {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "HashChain", metadata: { name, namespace },
    spec: { chainName: name, genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 100, image: "arkube/vdf:dev" },
    ...(status === undefined ? {} : { status }),
  };
}

export function readyHashChainStatus(leader: string, step: number, stepTime: string): NonNullable<HashChain["status"]> {
  return {
    observedGeneration: 1, leader, step, stepTime, readyReplicas: 2,
    conditions: [
      condition("Available", "True", "ReplicasReady", "2 of 2 vdf pods ready"),
      condition("LeaderElected", "True", "LeaseHeld", `${leader} holds the lease`),
      condition("Degraded", "False", "AllReplicasReady", "2 of 2 vdf pods ready"),
      condition("Ready", "True", "Producing", `leader ${leader}`),
    ],
  };
}

export function aoProcess(name: string, namespace: string, status?: AOProcess["status"]): AOProcess {
  const id = name.replace(/[^A-Za-z0-9]/g, "").padEnd(43, "x").slice(0, 43);
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "AOProcess", metadata: { name, namespace },
    spec: { processId: id, module: { id: "m".repeat(43) }, scheduler: "s".repeat(43) },
    ...(status === undefined ? {} : { status }),
  };
}

export function assignedStatus(pod: string): NonNullable<AOProcess["status"]> {
  return { observedGeneration: 1, assignedPod: pod, conditions: [condition("Assigned", "True", "ConsistentHash", `owned by ${pod}`)] };
}
