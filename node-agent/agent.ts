// Wiring of one node agent (no logic of its own): the held storage modules (ModuleSet), the sync ->
// pack -> write loop, mining with its NATS edges, the background verification sampler and the admin
// API. The partition list comes from a source - the config file's `modules` here at start, or the
// Partition objects of this node (kube/) through setPartitions() - and goes through the same path.
// A module whose disk fails or returns corrupt data is taken out of service alone.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Meter } from "@opentelemetry/api";
import { createPackingContext, type RandomxContext } from "../native/index.ts";
import { startAdminServer } from "./admin.ts";
import { nameBottleneck, type Bottleneck } from "./bottleneck.ts";
import type { AgentConfig } from "./config.ts";
import { CpuBusy, detectHost, type HostFacts } from "./host.ts";
import { inventory } from "./inventory.ts";
import type { Logger } from "./log.ts";
import { AgentMetrics, type PartitionRates } from "./metrics.ts";
import type { CoordinatorStats } from "./mining/coordinator.ts";
import { Miner } from "./mining/miner.ts";
import { diskFailureReasons, staticAssignments, type FailureReason, type ModuleFailure, type PartitionAssignment } from "./modules/assignments.ts";
import { ModuleSet } from "./modules/module-set.ts";
import { Packer } from "./packing/packer.ts";
import { partitionsOnDisks, planResources, resolveConfig, type ResolvedConfig, type ResourcePlan } from "./resources.ts";
import type { PipelineReport } from "./packing/pipeline.ts";
import { SyncLoop, type ModuleSyncState } from "./packing/sync-loop.ts";
import { moduleDirName, partitionStart, requestOffsetOfSlot, slotCount } from "./storage/layout.ts";
import { StorageModule } from "./storage/module.ts";
import { runSampler } from "./storage/sampler.ts";
import { verifyModule, type VerifyReport } from "./storage/verify.ts";
import { HttpPeer } from "./sync/http-peer.ts";
import { StorageClosedError, StorageIoError } from "./errors.ts";

export { miningTasksConcurrency, miningQueuedH0Max, solutionPublishTimeoutMs, stepSourceRetryMs } from "./mining/miner.ts";

export interface AgentDeps {
  log: Logger;
  meter: Meter;
  /** What the machine offers (tests pin it); default: detected (host.ts). */
  host?: () => Promise<HostFacts>;
}

/** The VDF's nominal pace: the bottleneck is "vdf" when steps come much slower. */
export const vdfStepIntervalMs = 1000;

export interface AgentStatus {
  node: string;
  modules: { partition: number; dir: string; slots: number; stored: number; state: string; error: string | undefined }[];
  packing: { runs: number; running: boolean; last: PipelineReport | undefined; etaSeconds: number | undefined; lastError: string | undefined };
  mining: CoordinatorStats | undefined;
  resources: { packingThreads: number; miningThreads: number; randomxMode: "light" | "fast"; hugePages: string };
  /** What holds the hashrate back, with mining_rate's actual and ideal hashes per second. */
  bottleneck: Bottleneck & { hashPerSecond: number; idealHashPerSecond: number };
}

/** What the agent knows of one held partition: the Partition status is computed from this. */
export interface PartitionReport {
  partition: number;
  root: string;
  revision: string;
  state: "opening" | "open" | "closing" | "failed";
  failure: ModuleFailure | undefined;
  storedChunks: number;
  /** Slots the weave reaches in this partition; undefined before the first block index. */
  targetChunks: number | undefined;
  sync: ModuleSyncState;
  mining: boolean;
  rates: PartitionRates;
}

/** What a partition source drives (the config file at start, or kube/'s Partition watcher). */
export interface PartitionTarget {
  /** Holds exactly these partitions: opens the new ones, closes the others. */
  setPartitions(list: readonly PartitionAssignment[]): Promise<void>;
  report(partition: number): PartitionReport | undefined;
  /** Deletes a partition's module directory under `root`; refuses while the partition is held there. */
  erase(partition: number, root: string): Promise<void>;
  /** Data roots where a held module failed because of the disk (left out of the inventory). */
  failedDiskRoots(): ReadonlySet<string>;
}

export class Agent implements PartitionTarget {
  private readonly stopping = new AbortController();
  private readonly background: Promise<unknown>[] = [];
  private readonly syncLoop: SyncLoop | undefined;
  private miner: Miner | undefined;
  private admin: { port: number; close: () => Promise<void> } | undefined;
  private readonly set: ModuleSet;
  private readonly cpuBusy: CpuBusy;

  private constructor(
    readonly config: ResolvedConfig,
    readonly resources: ResourcePlan,
    private readonly deps: AgentDeps,
    private readonly ctx: RandomxContext,
    readonly packer: Packer,
    readonly metrics: AgentMetrics,
  ) {
    this.cpuBusy = new CpuBusy(resources.cpu.usable);
    this.set = new ModuleSet({ open: (a) => this.openModule(a), log: deps.log, onChange: () => this.modulesChanged() });
    if (config.peers.length > 0) {
      this.syncLoop = new SyncLoop({
        peers: config.peers.map((url) => new HttpPeer({ url, requestTimeoutMs: config.packing.requestTimeoutMs })),
        bounds: config.packing,
        resyncIntervalMs: config.packing.resyncIntervalMs,
        rules: config.proofRules,
        packer,
        metrics,
        log: deps.log,
        modules: () => this.set.openModules(),
        onModuleError: (m, err) => this.moduleFailed(m, "WriteError", err),
      });
    }
  }

  static async start(fileConfig: AgentConfig, deps: AgentDeps): Promise<Agent> {
    const plan = planResources(fileConfig, await (deps.host ?? detectHost)(), await partitionsToMine(fileConfig));
    const config = resolveConfig(fileConfig, plan);
    logResources(deps.log, plan);
    const ctx = await createPackingContext(config.randomxMode);
    const metrics = new AgentMetrics(deps.meter);
    const agent = new Agent(config, plan, deps, ctx, new Packer(ctx, config.packing), metrics);
    metrics.setProgressSource(() => agent.progress());
    metrics.setResourcePlan(plan);
    metrics.setBottleneckSource(() => agent.bottleneck());
    await agent.setPartitions(staticAssignments(config.modules));
    if (config.adminPort > 0) agent.admin = await startAdminServer(agent.adminHandlers(), config.adminHost, config.adminPort);
    if (agent.syncLoop !== undefined) agent.background.push(agent.syncLoop.run(agent.stopping.signal));
    if (config.mining.enabled) await agent.startMining();
    agent.background.push(agent.startSampler());
    deps.log({ event: "agent_started", node: config.nodeName, modules: config.modules.map((m) => m.partition), mining: config.mining.enabled });
    return agent;
  }

  get adminPort(): number | undefined {
    return this.admin?.port;
  }

  /** Healthy open modules. */
  get modules(): StorageModule[] {
    return this.set.openModules();
  }

  setPartitions(list: readonly PartitionAssignment[]): Promise<void> {
    return this.set.apply(list);
  }

  failedDiskRoots(): ReadonlySet<string> {
    const failed = this.set.list().filter((h) => h.state.type === "failed" && diskFailureReasons.has(h.state.failure.reason));
    return new Set(failed.map((h) => h.assignment.root));
  }

  report(partition: number): PartitionReport | undefined {
    const h = this.set.get(partition);
    if (h === undefined) return undefined;
    const { state, assignment } = h;
    const module = state.type === "open" || state.type === "closing" ? state.module : undefined;
    return {
      partition,
      root: assignment.root,
      revision: assignment.revision,
      state: state.type,
      failure: state.type === "failed" ? state.failure : undefined,
      storedChunks: module?.storedCount ?? (state.type === "failed" ? state.storedChunks : 0),
      targetChunks: this.targetChunksOf(partition),
      // Without peers there is nothing to fetch: what is stored is all there will be.
      sync: module === undefined ? "waiting" : this.syncLoop === undefined ? "caughtUp" : this.syncLoop.syncStateOf(module),
      mining: this.config.mining.enabled && state.type === "open",
      rates: this.metrics.partitionRates(partition),
    };
  }

  erase(partition: number, root: string): Promise<void> {
    return this.set.exclusive(async () => {
      const held = this.set.get(partition);
      if (held !== undefined && held.assignment.root === root) throw new RangeError(`partition ${partition} is held on ${root}: release it before erasing`);
      const dir = join(root, moduleDirName(partition, Buffer.from(this.config.miningAddress).toString("base64url")));
      await rm(dir, { recursive: true, force: true });
      this.deps.log({ event: "partition_erased", partition, dir });
    });
  }

  status(): AgentStatus {
    const last = this.syncLoop?.status;
    const rates = this.metrics.miningRates();
    return {
      node: this.config.nodeName,
      modules: this.set.list().map(({ assignment, state }) => {
        const module = state.type === "open" || state.type === "closing" ? state.module : undefined;
        const geometry = { partition: assignment.partition, partitionSizeBytes: this.config.partitionSizeBytes };
        return {
          partition: assignment.partition,
          dir: module?.dir ?? assignment.root,
          slots: module?.slots ?? slotCount(geometry),
          stored: module?.storedCount ?? (state.type === "failed" ? state.storedChunks : 0),
          state: state.type,
          error: state.type === "failed" ? `${state.failure.reason}: ${state.failure.message}` : undefined,
        };
      }),
      packing: { runs: last?.runs ?? 0, running: last?.running ?? false, last: last?.last, etaSeconds: this.metrics.packingEtaSeconds(), lastError: last?.lastError },
      mining: this.miner?.stats,
      resources: { packingThreads: this.resources.cpu.packing, miningThreads: this.resources.cpu.mining, randomxMode: this.config.randomxMode, hugePages: this.resources.host.thp },
      bottleneck: { ...this.bottleneck(), hashPerSecond: rates.hash, idealHashPerSecond: rates.idealHash },
    };
  }

  /** Names what holds the hashrate back, from the rates and queue depths the agent already has. */
  bottleneck(): Bottleneck {
    const rates = this.metrics.miningRates();
    const load = this.miner?.load;
    const p = this.progress();
    return nameBottleneck({
      miningEnabled: this.config.mining.enabled,
      partitions: load?.partitions ?? 0,
      hashPerSecond: rates.hash,
      idealHashPerSecond: rates.idealHash,
      readPerSecond: rates.read,
      idealReadPerSecond: rates.idealRead,
      stepIntervalMs: rates.stepsPerSecond > 0 ? 1000 / rates.stepsPerSecond : undefined,
      expectedStepIntervalMs: vdfStepIntervalMs,
      ioQueueDepth: load?.ioQueueDepth ?? 0,
      ioLoops: load?.ioLoops ?? 0,
      hashQueueDepth: load?.hashQueueDepth ?? 0,
      hashConcurrency: load?.hashConcurrency ?? 1,
      cpuBusyRatio: this.cpuBusy.ratio(),
      storedFraction: p.targetChunks === 0 ? 1 : p.storedChunks / p.targetChunks,
    });
  }

  async verify(partition: number, fromSlot?: number, toSlot?: number): Promise<VerifyReport> {
    const module = this.modules.find((m) => m.opts.partition === partition);
    if (module === undefined) throw new RangeError(`partition ${partition} is not stored on this node`);
    return verifyModule(module, this.packer, { fromSlot, toSlot, rules: this.config.proofRules });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.background);
    await this.miner?.stop();
    await this.admin?.close();
    await this.set.closeAll();
    this.deps.log({ event: "agent_stopped", node: this.config.nodeName });
  }

  private openModule(a: PartitionAssignment): Promise<StorageModule> {
    const { config } = this;
    return StorageModule.open({ root: a.root, partition: a.partition, partitionSizeBytes: config.partitionSizeBytes, miningAddress: config.miningAddress, ...config.storage, log: this.deps.log });
  }

  private modulesChanged(): void {
    this.syncLoop?.modulesChanged();
    void this.miner?.setModules(this.set.openModules());
  }

  /**
   * A module's disk failed: take it out of service (a module closed on purpose is not a failure).
   * `during` is what the caller was doing; the storage error's own kind (read or write) wins.
   */
  private moduleFailed(module: StorageModule, during: FailureReason, err: unknown): void {
    if (err instanceof StorageClosedError) return;
    const reason = err instanceof StorageIoError ? (err.kind === "read" ? "ReadError" : "WriteError") : during;
    this.set.fail(module, reason, String((err as Error | undefined)?.message ?? err));
  }

  private targetChunksOf(partition: number): number | undefined {
    const weave = this.syncLoop?.blocks?.weaveSize;
    if (weave === undefined) return undefined;
    const geometry = { partition, partitionSizeBytes: this.config.partitionSizeBytes };
    if (weave <= partitionStart(geometry)) return 0;
    // Slots whose first byte is inside the weave: what the pipeline plans for (slot offsets grow with the slot).
    const slots = slotCount(geometry);
    let lo = 0;
    let hi = slots;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (requestOffsetOfSlot(geometry, mid) <= weave) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private progress(): { storedChunks: number; targetChunks: number } {
    let storedChunks = 0;
    let targetChunks = 0;
    for (const m of this.set.openModules()) {
      storedChunks += m.storedCount;
      targetChunks += this.targetChunksOf(m.opts.partition) ?? 0;
    }
    return { storedChunks, targetChunks };
  }

  private adminHandlers() {
    return {
      status: () => this.status(),
      inventory: () => inventory(this.config.dataRoots),
      verify: (p: number, from: number | undefined, to: number | undefined) => this.verify(p, from, to),
    };
  }

  private async startMining(): Promise<void> {
    this.miner = await Miner.start({
      config: this.config,
      ctx: this.ctx,
      packer: this.packer,
      metrics: this.metrics,
      log: this.deps.log,
      blocks: () => this.syncLoop?.blocks,
      onReadError: (m, err) => this.moduleFailed(m, "ReadError", err),
    });
    await this.miner.setModules(this.set.openModules());
  }

  private startSampler(): Promise<void> {
    const { selfCheck } = this.config;
    return runSampler(
      {
        intervalMs: selfCheck.sampleIntervalMs,
        chunksPerRound: selfCheck.sampleChunks,
        packer: this.packer,
        rules: this.config.proofRules,
        log: this.deps.log,
        modules: () => this.set.openModules(),
        onCorrupt: (m, report) => {
          const first = report.failures[0]!;
          const message = `${report.failures.length} of ${report.checked} sampled chunks failed verification (slot ${first.slot}: ${first.reason}: ${first.detail})`;
          this.set.fail(m, "CorruptData", message);
        },
        onReadError: (m, err) => this.moduleFailed(m, "ReadError", err),
      },
      this.stopping.signal,
    );
  }
}

/** Partitions the mining budget is sized for: the config's modules, or (Kubernetes, none assigned yet) what the data disks hold. */
async function partitionsToMine(config: AgentConfig): Promise<number> {
  if (!config.mining.enabled) return 0;
  if (config.kubernetes === undefined) return config.modules.length;
  try {
    return partitionsOnDisks((await inventory(config.dataRoots)).map((d) => d.usableBytes), config.partitionSizeBytes);
  } catch {
    // The inventory loop reports disk errors; sizing only needs a guess, and mining needs at least one thread anyway.
    return 1;
  }
}

function logResources(log: Logger, plan: ResourcePlan): void {
  const { cpu, randomx, host } = plan;
  log({
    event: "agent_resources",
    cpus: host.cpus,
    cpuQuota: host.cpuQuota,
    partitions: plan.partitions,
    packingThreads: cpu.packing,
    miningThreads: cpu.mining,
    threadsSource: cpu.source,
    randomxMode: randomx.mode,
    randomxModeReason: randomx.reason,
    availableMemoryMiB: Math.floor(host.availableMemoryBytes / (1024 * 1024)),
    // The native dataset madvises MADV_HUGEPAGE: huge pages back it unless THP is "never".
    transparentHugePages: host.thp,
  });
}
