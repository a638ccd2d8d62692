// Public surface of @arkube/node-agent.
export { Agent, type AgentDeps, type AgentStatus } from "./agent.ts";
export { parseConfig, loadConfig, h1DifficultyOf, type AgentConfig, type MiningConfig, type ModuleConfig } from "./config.ts";
export * from "./errors.ts";
export { AgentMetrics, RateWindow, rateWindowMs } from "./metrics.ts";
export { inventory, parseMountInfo, selectDataMounts, type DiskInfo, type MountEntry } from "./inventory.ts";
export { StorageModule, type StorageModuleOptions, type FsyncPolicy, type ChunkWrite, type WriteOutcome } from "./storage/module.ts";
export { verifyModule, type VerifyReport } from "./storage/verify.ts";
export { moduleDirName, bucketEnd, slotOfBucketEnd, slotOfByte, CHUNK_BYTES } from "./storage/layout.ts";
export type { ChunkSource } from "./sync/source.ts";
export { HttpPeer } from "./sync/http-peer.ts";
export { ChunkFetcher, type FetchedChunk } from "./sync/fetcher.ts";
export { BlockMap } from "./sync/block-map.ts";
export { runPipeline, type PipelineReport, type PipelineBounds } from "./packing/pipeline.ts";
export { Packer } from "./packing/packer.ts";
export { MiningCoordinator, type CoordinatorStats } from "./mining/coordinator.ts";
export { checkSolution, decodeSolution, encodeSolution, type Solution } from "./mining/solution.ts";
export { solutionStreamName, solutionSubject } from "./mining/nats-wiring.ts";
export { h2Subject } from "./mining/h2-protocol.ts";
