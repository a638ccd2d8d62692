// Wiring of one node agent (no logic of its own): storage modules, the sync -> pack -> write loop,
// mining with its NATS edges, and the admin API. Everything is injected from the config, so the
// devnet and a Kubernetes node run the same code.
import { stat } from "node:fs/promises";
import type { Meter } from "@opentelemetry/api";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { createPackingContext, type RandomxContext } from "../native/index.ts";
import { startAdminServer } from "./admin.ts";
import type { AgentConfig } from "./config.ts";
import { inventory } from "./inventory.ts";
import type { Logger } from "./log.ts";
import { AgentMetrics } from "./metrics.ts";
import { MiningCoordinator, type CoordinatorStats, type LocalPartition } from "./mining/coordinator.ts";
import { IoLoop } from "./mining/io-loop.ts";
import { ensureSolutionStream, remoteH2Client, serveH2Requests, solutionPublisher, verifiedSteps } from "./mining/nats-wiring.ts";
import { ReadBudget } from "./mining/read-budget.ts";
import { Packer } from "./packing/packer.ts";
import { runPipeline, type PipelineReport } from "./packing/pipeline.ts";
import { StorageModule } from "./storage/module.ts";
import type { BlockRange } from "./storage/records.ts";
import { verifyModule, type VerifyReport } from "./storage/verify.ts";
import { BlockMap } from "./sync/block-map.ts";
import { ChunkFetcher } from "./sync/fetcher.ts";
import { HttpPeer } from "./sync/http-peer.ts";

/** Mining tasks in flight and H0 tasks allowed to queue before old steps are skipped. */
export const miningTasksConcurrency = 4;
export const miningQueuedH0Max = 64;
export const solutionPublishTimeoutMs = 5000;
/** Wait before re-subscribing to VDF steps after the step source failed. */
export const stepSourceRetryMs = 1000;

export interface AgentDeps {
  log: Logger;
  meter: Meter;
}

export interface AgentStatus {
  node: string;
  modules: { partition: number; dir: string; slots: number; stored: number }[];
  packing: { runs: number; running: boolean; last: PipelineReport | undefined; etaSeconds: number | undefined; lastError: string | undefined };
  mining: CoordinatorStats | undefined;
}

export class Agent {
  private blocks: BlockMap | undefined;
  private readonly stopping = new AbortController();
  private readonly background: Promise<unknown>[] = [];
  private packing: AgentStatus["packing"] = { runs: 0, running: false, last: undefined, etaSeconds: undefined, lastError: undefined };
  private coordinator: MiningCoordinator | undefined;
  private nc: NatsConnection | undefined;
  private subs: Subscription[] = [];
  private admin: { port: number; close: () => Promise<void> } | undefined;

  private constructor(
    readonly config: AgentConfig,
    private readonly deps: AgentDeps,
    readonly modules: StorageModule[],
    private readonly ctx: RandomxContext,
    readonly packer: Packer,
    readonly metrics: AgentMetrics,
  ) {}

  static async start(config: AgentConfig, deps: AgentDeps): Promise<Agent> {
    const modules: StorageModule[] = [];
    for (const m of config.modules) {
      modules.push(await StorageModule.open({ root: m.root, partition: m.partition, partitionSizeBytes: config.partitionSizeBytes, miningAddress: config.miningAddress, ...config.storage, log: deps.log }));
    }
    const ctx = await createPackingContext(config.randomxMode);
    const metrics = new AgentMetrics(deps.meter);
    const agent = new Agent(config, deps, modules, ctx, new Packer(ctx, config.packing), metrics);
    metrics.setProgressSource(() => ({ storedChunks: modules.reduce((s, m) => s + m.storedCount, 0), targetChunks: agent.targetChunks() }));
    if (config.adminPort > 0) agent.admin = await startAdminServer(agent.adminHandlers(), config.adminHost, config.adminPort);
    if (config.peers.length > 0) agent.background.push(agent.syncLoop());
    if (config.mining.enabled) await agent.startMining();
    deps.log({ event: "agent_started", node: config.nodeName, modules: modules.map((m) => m.opts.partition), mining: config.mining.enabled });
    return agent;
  }

  get adminPort(): number | undefined {
    return this.admin?.port;
  }

  status(): AgentStatus {
    return {
      node: this.config.nodeName,
      modules: this.modules.map((m) => ({ partition: m.opts.partition, dir: m.dir, slots: m.slots, stored: m.storedCount })),
      packing: { ...this.packing, etaSeconds: this.metrics.packingEtaSeconds() },
      mining: this.coordinator === undefined ? undefined : { ...this.coordinator.stats },
    };
  }

  async verify(partition: number, fromSlot?: number, toSlot?: number): Promise<VerifyReport> {
    const module = this.modules.find((m) => m.opts.partition === partition);
    if (module === undefined) throw new RangeError(`partition ${partition} is not stored on this node`);
    return verifyModule(module, this.packer, { fromSlot, toSlot, rules: this.config.proofRules });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    for (const s of this.subs) s.unsubscribe();
    await Promise.allSettled(this.background);
    await this.coordinator?.idle();
    await this.nc?.drain().catch(() => undefined);
    await this.admin?.close();
    for (const m of this.modules) await m.close();
    this.deps.log({ event: "agent_stopped", node: this.config.nodeName });
  }

  private targetChunks(): number {
    const weave = this.blocks?.weaveSize ?? 0n;
    return this.modules.reduce((sum, m) => {
      const start = BigInt(m.opts.partition) * m.opts.partitionSizeBytes;
      const covered = weave <= start ? 0n : weave - start < m.opts.partitionSizeBytes ? weave - start : m.opts.partitionSizeBytes;
      return sum + Number((covered + 262_143n) / 262_144n);
    }, 0);
  }

  private adminHandlers() {
    return {
      status: () => this.status(),
      inventory: () => inventory(this.config.dataRoots),
      verify: (p: number, from: number | undefined, to: number | undefined) => this.verify(p, from, to),
    };
  }

  private peers(): HttpPeer[] {
    return this.config.peers.map((url) => new HttpPeer({ url, requestTimeoutMs: this.config.packing.requestTimeoutMs }));
  }

  /** The first peer's block index that answers. */
  private async refreshBlocks(peers: HttpPeer[]): Promise<BlockMap | undefined> {
    for (const peer of peers) {
      try {
        return BlockMap.fromEntries(await peer.blockIndex(0, await peer.height()));
      } catch (err) {
        this.deps.log({ event: "sync_block_index_failed", peer: peer.name, error: err });
      }
    }
    return undefined;
  }

  private async syncLoop(): Promise<void> {
    const peers = this.peers();
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        this.blocks = (await this.refreshBlocks(peers)) ?? this.blocks;
        if (this.blocks !== undefined) await this.packOnce(peers, this.blocks);
      } catch (err) {
        if (signal.aborted) return;
        this.packing.lastError = String((err as Error).message);
        this.deps.log({ event: "packing_run_failed", error: err });
      }
      await sleep(this.config.packing.resyncIntervalMs, signal);
    }
  }

  private async packOnce(peers: HttpPeer[], blocks: BlockMap): Promise<void> {
    const fetcher = new ChunkFetcher({ sources: peers, blocks, rules: this.config.proofRules, packer: this.packer, metrics: this.metrics, log: this.deps.log });
    this.packing.running = true;
    try {
      const report = await runPipeline({ ...this.config.packing, modules: this.modules, fetcher, blocks, packer: this.packer, metrics: this.metrics, log: this.deps.log, signal: this.stopping.signal });
      this.packing.last = report;
      this.packing.runs += 1;
      this.packing.lastError = undefined;
    } finally {
      this.packing.running = false;
    }
  }

  /** The block holding a byte: the synced block index, else the ranges the modules stored. */
  private async blockAt(byte: bigint): Promise<BlockRange | undefined> {
    const fromIndex = this.blocks?.blockAt(byte);
    if (fromIndex !== undefined) return fromIndex;
    for (const m of this.modules) {
      const b = await m.blockAt(byte);
      if (b !== undefined) return b;
    }
    return undefined;
  }

  private async localPartitions(): Promise<Map<number, LocalPartition>> {
    const loops = new Map<string, IoLoop>();
    const local = new Map<number, LocalPartition>();
    for (const module of this.modules) {
      // One IO loop per physical device: modules on the same filesystem device share one.
      const device = String((await stat(module.dir)).dev);
      let io = loops.get(device);
      if (io === undefined) loops.set(device, (io = new IoLoop(device, this.metrics)));
      local.set(module.opts.partition, { module, io });
    }
    return local;
  }

  private async startMining(): Promise<void> {
    const { mining } = this.config;
    this.nc = await connect({ servers: this.config.natsUrl, name: `arkube-node-agent-${this.config.nodeName}` });
    await ensureSolutionStream(this.nc);
    const local = await this.localPartitions();
    this.coordinator = new MiningCoordinator({
      nodeName: this.config.nodeName,
      chain: mining.chain,
      miningAddress: this.config.miningAddress,
      partitionSizeBytes: this.config.partitionSizeBytes,
      partitionUpperBound: () => (mining.partitionUpperBound > 0n ? mining.partitionUpperBound : (this.blocks?.weaveSize ?? 0n)),
      recallRangeChunks: mining.recallRangeChunks,
      hashThreads: mining.hashThreads,
      tasksConcurrency: miningTasksConcurrency,
      queuedH0Max: miningQueuedH0Max,
      local,
      ctx: this.ctx,
      check: { ctx: this.ctx, packer: this.packer, blockAt: (b) => this.blockAt(b), rules: this.config.proofRules, difficulty: mining.difficulty, difficultyH1: mining.difficultyH1 },
      budget: new ReadBudget(mining.readCacheBytesMax, (bytes) => this.metrics.setCacheBytes(bytes)),
      publish: solutionPublisher(jetstream(this.nc), solutionPublishTimeoutMs),
      remoteH2: remoteH2Client(this.nc, mining.replica, mining.peerRequestTimeoutMs, this.deps.log),
      metrics: this.metrics,
      log: this.deps.log,
    });
    const coordinator = this.coordinator;
    this.subs = serveH2Requests(this.nc, mining.replica, [...local.keys()], (r) => coordinator.serveH2(r), this.deps.log);
    this.background.push(this.stepLoop(coordinator, this.nc));
  }

  /**
   * Feeds verified steps to the coordinator. The step stream may not exist yet (the VDF service
   * creates it) and a consumer can fall too far behind: both restart the consumer, which re-anchors
   * at genesis and catches up from the stream.
   */
  private async stepLoop(coordinator: MiningCoordinator, nc: NatsConnection): Promise<void> {
    const { mining } = this.config;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await coordinator.run(
          verifiedSteps({
            nc,
            chain: mining.chain,
            iterations: mining.iterationsPerCheckpoint,
            genesisOutput: Buffer.from(mining.genesisOutputHex, "hex"),
            verifyThreads: mining.hashThreads,
            catchUpStepsMax: mining.catchUpStepsMax,
            log: this.deps.log,
            signal,
          }),
        );
      } catch (err) {
        if (signal.aborted) return;
        this.deps.log({ event: "mining_step_source_failed", error: err, retryMs: stepSourceRetryMs });
      }
      await sleep(stepSourceRetryMs, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
