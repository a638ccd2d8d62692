// Public surface of @arkube/operator. The devnet launcher uses the same placement and hashing code
// (place, eligibleDisks, buildRing) as the controllers.
export { startAOProcessController, cuPodSelectorDefault, type AOProcessController, type AOProcessControllerOptions } from "./aoprocess/controller.ts";
export { assignmentStatus, readyPodNames } from "./aoprocess/assign.ts";
export { fieldManager, partitionFinalizer, partitionSizeBytesDefault, replicaFinalizer, replicaLabel } from "./constants.ts";
export type { Caches, OperatorContext } from "./context.ts";
export * from "./errors.ts";
export { parseFlags, type OperatorFlags } from "./flags.ts";
export { startHashChainController, type HashChainController, type HashChainControllerOptions } from "./hashchain/controller.ts";
export { applyDefaultHashChain, parseDefaultHashChain, defaultHashChainFieldManager } from "./hashchain/default.ts";
export { configHashAnnotation, hashChainLabel, vdfConfigMap, vdfDeployment, vdfLabels, vdfName } from "./hashchain/desired.ts";
export { currentLeader, hashChainStatus, stepAnnotation, stepTimeAnnotation } from "./hashchain/status.ts";
export { renderVdfConfig, vdfConfig, vdfMetricsPort, type VdfConfigFile, type VdfConfigInput } from "./hashchain/vdf-config.ts";
export { buildRing, hash32, vnodesPerMemberDefault, type HashRing } from "./hashring/ring.ts";
export { createKubeClient, kubeClientBoundsDefault, type KubeApi, type KubeObject, type ObjectList } from "./kube/client.ts";
export { installCrds, loadCrds } from "./kube/crds.ts";
export { createInformer, informerBoundsDefault, type Informer, type InformerBounds } from "./kube/informer.ts";
export { resources, type ResourceRef } from "./kube/resources.ts";
export { LeaderElector, decide, leaderElectionBoundsDefault, type LeaderElectionBounds } from "./leader/election.ts";
export { jsonLogger, silentLogger, type Logger, type LogFields } from "./log.ts";
export { noMetrics, otelMetrics, type ControllerMetrics } from "./metrics.ts";
export { startStorageControllers, storageWorkersDefault, type StorageControllers } from "./operator.ts";
export { eligibleDisks, withoutUsage, type NodeInfo } from "./placement/disks.ts";
export { inventoryConfigMap, inventoryLabel, parseInventory, type InventoryDisk, type NodeInventory } from "./placement/inventory.ts";
export { place, type Assignment, type Disk, type ExistingPartition, type PlacementRequest, type PlacementResult } from "./placement/placement.ts";
export { Controller, keyString, parseKey, type ObjectKey } from "./reconcile/controller.ts";
export { requeueDelaysDefault, type RequeueDelays } from "./reconcile/requeue.ts";
export { WorkQueue, workQueueBoundsDefault, type WorkQueueBounds } from "./queue/work-queue.ts";
