// Public surface of @arkube/node-agent.
export { Agent, type AgentDeps, type AgentStatus, type PartitionReport, type PartitionTarget } from "./agent.ts";
export { parseConfig, loadConfig, h1DifficultyOf, type AgentConfig, type ConfigEnv, type KubernetesConfig, type MiningConfig, type ModuleConfig, type SelfCheckConfig } from "./config.ts";
export { planChanges, staticAssignments, type FailureReason, type ModuleFailure, type PartitionAssignment } from "./modules/assignments.ts";
export { ModuleSet, type HeldModule, type ModuleState } from "./modules/module-set.ts";
// The Kubernetes side itself (startKubernetes, NodeController) is in ./kube/index.ts: it loads
// @kubernetes/client-node, which a file-only agent never needs. Its pure parts are here.
export { nodeInventoryOf } from "./kube/inventory-publisher.ts";
export { agentConditionTypes, agentFieldManager } from "./kube/names.ts";
export { applyDue, partitionStatus, phaseOf, type AgentStatusInput, type Phase } from "./kube/partition-status.ts";
export { nodePartitions, retryAnnotation, specProblem, type AgentLimits, type NodePartitions } from "./kube/partitions.ts";
export * from "./errors.ts";
export { AgentMetrics, RateWindow, rateWindowMs, type PartitionRates } from "./metrics.ts";
export { inventory, parseMountInfo, selectDataMounts, type DiskInfo, type MountEntry } from "./inventory.ts";
export { StorageModule, type StorageModuleOptions, type FsyncPolicy, type ChunkWrite, type WriteOutcome } from "./storage/module.ts";
export { verifyModule, verifySlots, type VerifyReport } from "./storage/verify.ts";
export { runSampler, sampleSlots } from "./storage/sampler.ts";
export { moduleDirName, bucketEnd, slotOfBucketEnd, slotOfByte, CHUNK_BYTES } from "./storage/layout.ts";
export type { ChunkSource } from "./sync/source.ts";
export { HttpPeer } from "./sync/http-peer.ts";
export { ChunkFetcher, type FetchedChunk } from "./sync/fetcher.ts";
export { BlockMap } from "./sync/block-map.ts";
export { runPipeline, type PipelineReport, type PipelineBounds } from "./packing/pipeline.ts";
export { SyncLoop, type ModuleSyncState } from "./packing/sync-loop.ts";
export { Packer } from "./packing/packer.ts";
export { MiningCoordinator, type CoordinatorStats } from "./mining/coordinator.ts";
export { Miner } from "./mining/miner.ts";
export { checkSolution, decodeSolution, encodeSolution, type Solution } from "./mining/solution.ts";
export { solutionStreamName, solutionSubject } from "./mining/nats-wiring.ts";
export { h2Subject } from "./mining/h2-protocol.ts";
export { cpuBudget, chooseRandomxMode, planResources, resolveConfig, type CpuBudget, type ResolvedConfig, type ResourcePlan } from "./resources.ts";
export { nameBottleneck, type Bottleneck, type BottleneckKind, type BottleneckSignals } from "./bottleneck.ts";
export { detectHost, type HostFacts } from "./host.ts";
