// The agent in a cluster (config `kubernetes:`): connect, then run the NodeController against the agent.
import type { PartitionTarget } from "../agent.ts";
import type { AgentConfig, KubernetesConfig } from "../config.ts";
import { inventory } from "../inventory.ts";
import type { Logger } from "../log.ts";
import { connectKube } from "./connect.ts";
import { NodeController } from "./node-controller.ts";

export { connectKube, serviceAccountNamespacePath, type KubeConnection } from "./connect.ts";
export { InventoryPublisher, inventoryReapplyMs, nodeInventoryOf } from "./inventory-publisher.ts";
export { agentConditionTypes, agentFieldManager } from "./names.ts";
export { NodeController, partitionResyncMs, statusTickMs, type NodeControllerOptions } from "./node-controller.ts";
export { applyDue, partitionStatus, phaseOf, type AgentStatusInput, type Phase } from "./partition-status.ts";
export { nodePartitions, retryAnnotation, revisionOf, specProblem, type AgentLimits, type NodePartitions, type ReplicaAddressOf } from "./partitions.ts";

export interface KubernetesSide {
  namespace: string;
  stop(): Promise<void>;
}

/** Connects and starts watching this node's Partitions; resolves once the first list is applied. */
export async function startKubernetes(target: PartitionTarget, config: AgentConfig, k: KubernetesConfig, log: Logger): Promise<KubernetesSide> {
  const { api, namespace } = await connectKube(k);
  const controller = new NodeController({
    api,
    namespace,
    node: k.nodeName,
    limits: { partitionSizeBytes: config.partitionSizeBytes, dataRoots: config.dataRoots, miningAddressB64Url: Buffer.from(config.miningAddress).toString("base64url") },
    target,
    statusIntervalMs: k.statusIntervalMs,
    inventoryIntervalMs: k.inventoryIntervalMs,
    disks: () => inventory(config.dataRoots),
    log,
  });
  try {
    await controller.start();
  } catch (err) {
    await controller.stop();
    api.close();
    throw err;
  }
  return {
    namespace,
    async stop() {
      await controller.stop();
      api.close();
    },
  };
}
