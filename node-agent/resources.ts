// Hardware-derived defaults (pure): how many threads mining and packing get, and whether RandomX runs
// with its full dataset. The probes that feed these (CPU count, cgroup quota, free memory, THP) are in
// host.ts. Mining is budgeted first so a busy packer never starves the VDF-paced hashing loop.
import type { AgentConfig, MiningConfig } from "./config.ts";
import type { HostFacts } from "./host.ts";

/** Partitions one mining thread keeps up with at 1 VDF step/s: H1+H2 SHA-256 over 2 x 400 chunks
 *  of 256 KiB is ~200 MiB hashed per partition per step, about a quarter of one core. */
export const partitionsPerMiningThread = 4;

/** A RandomX fast-mode dataset (2080 MiB) plus its cache (256 MiB). */
export const randomxFastBytes = (2080 + 256) * 1024 * 1024;
/** Memory left over for everything else (read cache, RocksDB, packing buffers) before fast mode is chosen. */
export const randomxFastMarginBytes = 1024 * 1024 * 1024;

export interface CpuBudgetInput {
  /** os.availableParallelism(): the CPUs this process may run on. */
  cpus: number;
  /** The cgroup CPU quota in CPUs (may be fractional); undefined: no quota. */
  quota: number | undefined;
  /** Partitions this node will mine (0: mining off). */
  partitions: number;
  /** The config file's values; undefined: derive. */
  configured: { packing: number | undefined; mining: number | undefined };
}

export interface CpuBudget {
  /** CPUs usable by this process: min(cpus, quota), at least 1. */
  usable: number;
  mining: number;
  packing: number;
  source: { mining: "configured" | "derived"; packing: "configured" | "derived" };
}

/** Threads mining needs: one for VDF step verification, plus hashing for the partitions. */
export function miningThreadsNeeded(partitions: number): number {
  return partitions === 0 ? 0 : 1 + Math.ceil(partitions / partitionsPerMiningThread);
}

export function cpuBudget({ cpus, quota, partitions, configured }: CpuBudgetInput): CpuBudget {
  const usable = Math.max(1, Math.floor(Math.min(cpus, quota ?? Infinity)));
  // Mining first: capped by the machine, never below 1 (the verify path and H2 serving use it too).
  const mining = configured.mining ?? Math.max(1, Math.min(miningThreadsNeeded(partitions), usable));
  // Packing takes what mining does not reserve; with mining off it takes every CPU. At least 1 even
  // on a 1-CPU box: packing then shares the core, and mining's batches are short enough to interleave.
  const reserved = partitions === 0 ? 0 : mining;
  const packing = configured.packing ?? Math.max(1, usable - reserved);
  return {
    usable,
    mining,
    packing,
    source: { mining: configured.mining === undefined ? "derived" : "configured", packing: configured.packing === undefined ? "derived" : "configured" },
  };
}

export interface RandomxModeChoice {
  mode: "light" | "fast";
  source: "configured" | "derived";
  reason: string;
}

/** Fast mode (the 2 GiB dataset, ~8x faster packing) only when the memory is really there. */
export function chooseRandomxMode(configured: "light" | "fast" | undefined, availableBytes: number): RandomxModeChoice {
  if (configured !== undefined) return { mode: configured, source: "configured", reason: "set in the config" };
  const needed = randomxFastBytes + randomxFastMarginBytes;
  const mib = (n: number) => `${Math.floor(n / (1024 * 1024))} MiB`;
  return availableBytes >= needed
    ? { mode: "fast", source: "derived", reason: `${mib(availableBytes)} available >= ${mib(needed)} (dataset + margin)` }
    : { mode: "light", source: "derived", reason: `${mib(availableBytes)} available < ${mib(needed)} (dataset + margin)` };
}

/** Partitions that fit on disks of these capacities (Kubernetes mode: none are assigned at start). */
export function partitionsOnDisks(capacities: readonly number[], partitionSizeBytes: bigint): number {
  return capacities.reduce((n, c) => n + Number(BigInt(Math.floor(c)) / partitionSizeBytes), 0);
}

export interface ResourcePlan {
  cpu: CpuBudget;
  randomx: RandomxModeChoice;
  host: HostFacts;
  /** The partition count the mining budget was sized for. */
  partitions: number;
}

/** The config with every hardware-derived value filled in: what the agent runs with. */
export type ResolvedConfig = AgentConfig & {
  randomxMode: "light" | "fast";
  packing: AgentConfig["packing"] & { threads: number };
  mining: MiningConfig & { hashThreads: number };
};

export function planResources(config: AgentConfig, host: HostFacts, partitions: number): ResourcePlan {
  return {
    cpu: cpuBudget({ cpus: host.cpus, quota: host.cpuQuota, partitions, configured: { packing: config.packing.threads, mining: config.mining.hashThreads } }),
    randomx: chooseRandomxMode(config.randomxMode, host.availableMemoryBytes),
    host,
    partitions,
  };
}

export function resolveConfig(config: AgentConfig, plan: ResourcePlan): ResolvedConfig {
  return {
    ...config,
    randomxMode: plan.randomx.mode,
    packing: { ...config.packing, threads: plan.cpu.packing },
    mining: { ...config.mining, hashThreads: plan.cpu.mining },
  };
}
