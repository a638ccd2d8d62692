// Mining wiring of one agent: the NATS connection, the coordinator, the verified step loop, and the
// set of local partitions it mines, kept in step with the open modules (setModules): a module that
// opens joins at the next VDF step, one that closes or fails leaves at once, with its H2 subscription.
import { stat } from "node:fs/promises";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import type { RandomxContext } from "../../native/index.ts";
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import type { Packer } from "../packing/packer.ts";
import type { ResolvedConfig } from "../resources.ts";
import type { StorageModule } from "../storage/module.ts";
import type { BlockRange } from "../storage/records.ts";
import type { BlockMap } from "../sync/block-map.ts";
import { MiningCoordinator, type CoordinatorStats, type LocalPartition } from "./coordinator.ts";
import { IoLoop } from "./io-loop.ts";
import { ensureSolutionStream, remoteH2Client, serveH2Requests, solutionPublisher, verifiedSteps } from "./nats-wiring.ts";
import { ReadBudget } from "./read-budget.ts";
import { sleep } from "../timers.ts";

/** Mining tasks in flight and H0 tasks allowed to queue before old steps are skipped. */
export const miningTasksConcurrency = 4;
export const miningQueuedH0Max = 64;
export const solutionPublishTimeoutMs = 5000;
/** Wait before re-subscribing to VDF steps after the step source failed. */
export const stepSourceRetryMs = 1000;

export interface MinerLoad {
  partitions: number;
  ioQueueDepth: number;
  ioLoops: number;
  hashQueueDepth: number;
  hashConcurrency: number;
}

export interface MinerOptions {
  config: ResolvedConfig;
  ctx: RandomxContext;
  packer: Packer;
  metrics: AgentMetrics;
  log: Logger;
  /** The synced block index, if any (partition upper bound, tx_roots for the solution check). */
  blocks: () => BlockMap | undefined;
  /** A mining read failed on this module's disk. */
  onReadError: (module: StorageModule, err: unknown) => void;
}

export class Miner {
  private readonly loops = new Map<string, IoLoop>();
  private readonly subs = new Map<number, Subscription>();
  private readonly stopping = new AbortController();
  private stepLoopDone: Promise<void> = Promise.resolve();
  /** setModules() calls run one after another. */
  private updating: Promise<void> = Promise.resolve();

  private constructor(
    private readonly opts: MinerOptions,
    private readonly nc: NatsConnection,
    readonly coordinator: MiningCoordinator,
    private readonly local: Map<number, LocalPartition>,
  ) {}

  static async start(opts: MinerOptions): Promise<Miner> {
    const { config } = opts;
    const { mining } = config;
    const nc = await connect({ servers: config.natsUrl, name: `arkube-node-agent-${config.nodeName}` });
    await ensureSolutionStream(nc);
    // The coordinator reads the partitions through this map on every step; setModules() changes it in place.
    const local = new Map<number, LocalPartition>();
    const coordinator = new MiningCoordinator({
      nodeName: config.nodeName,
      chain: mining.chain,
      miningAddress: config.miningAddress,
      partitionSizeBytes: config.partitionSizeBytes,
      partitionUpperBound: () => (mining.partitionUpperBound > 0n ? mining.partitionUpperBound : (opts.blocks()?.weaveSize ?? 0n)),
      recallRangeChunks: mining.recallRangeChunks,
      hashThreads: mining.hashThreads,
      tasksConcurrency: miningTasksConcurrency,
      queuedH0Max: miningQueuedH0Max,
      local,
      ctx: opts.ctx,
      check: { ctx: opts.ctx, packer: opts.packer, blockAt: (b) => blockAt(opts.blocks(), local, b), rules: config.proofRules, difficulty: mining.difficulty, difficultyH1: mining.difficultyH1 },
      budget: new ReadBudget(mining.readCacheBytesMax, (bytes) => opts.metrics.setCacheBytes(bytes)),
      publish: solutionPublisher(jetstream(nc), solutionPublishTimeoutMs),
      remoteH2: remoteH2Client(nc, mining.replica, mining.peerRequestTimeoutMs, opts.log),
      metrics: opts.metrics,
      log: opts.log,
    });
    const miner = new Miner(opts, nc, coordinator, local);
    miner.stepLoopDone = miner.stepLoop();
    return miner;
  }

  get stats(): CoordinatorStats {
    return { ...this.coordinator.stats };
  }

  /** Queue depths the bottleneck is named from. */
  get load(): MinerLoad {
    let ioQueueDepth = 0;
    for (const io of this.loops.values()) ioQueueDepth += io.queued;
    return { partitions: this.local.size, ioQueueDepth, ioLoops: this.loops.size, hashQueueDepth: this.coordinator.queueDepth, hashConcurrency: miningTasksConcurrency };
  }

  /** Mines exactly these modules from the next step on. */
  setModules(modules: readonly StorageModule[]): Promise<void> {
    this.updating = this.updating.then(() => this.update(modules)).catch((err: unknown) => this.opts.log({ event: "mining_modules_update_failed", error: err }));
    return this.updating;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.updating;
    for (const s of this.subs.values()) s.unsubscribe();
    this.subs.clear();
    await this.stepLoopDone;
    await this.coordinator.idle();
    await this.nc.drain().catch(() => undefined);
  }

  private async update(modules: readonly StorageModule[]): Promise<void> {
    const wanted = new Map(modules.map((m) => [m.opts.partition, m]));
    for (const [partition, lp] of this.local) {
      if (wanted.get(partition) === lp.module) continue;
      this.local.delete(partition);
      this.subs.get(partition)?.unsubscribe();
      this.subs.delete(partition);
    }
    for (const [partition, module] of wanted) {
      if (this.local.has(partition) || this.stopping.signal.aborted) continue;
      this.local.set(partition, { module, io: await this.ioLoopFor(module) });
      const [sub] = serveH2Requests(this.nc, this.opts.config.mining.replica, [partition], (r) => this.coordinator.serveH2(r), this.opts.log);
      this.subs.set(partition, sub!);
    }
  }

  /** One IO loop per physical device: modules on the same filesystem device share one. */
  private async ioLoopFor(module: StorageModule): Promise<IoLoop> {
    const device = String((await stat(module.dir)).dev);
    let io = this.loops.get(device);
    if (io === undefined) this.loops.set(device, (io = new IoLoop(device, this.opts.metrics, this.opts.onReadError)));
    return io;
  }

  /**
   * Feeds verified steps to the coordinator. The step stream may not exist yet (the VDF service
   * creates it) and a consumer can fall too far behind: both restart the consumer, which re-anchors
   * at genesis and catches up from the stream.
   */
  private async stepLoop(): Promise<void> {
    const { mining } = this.opts.config;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.coordinator.run(
          verifiedSteps({
            nc: this.nc,
            chain: mining.chain,
            iterations: mining.iterationsPerCheckpoint,
            genesisOutput: Buffer.from(mining.genesisOutputHex, "hex"),
            verifyThreads: mining.hashThreads,
            catchUpStepsMax: mining.catchUpStepsMax,
            log: this.opts.log,
            signal,
          }),
        );
      } catch (err) {
        if (signal.aborted) return;
        this.opts.log({ event: "mining_step_source_failed", error: err, retryMs: stepSourceRetryMs });
      }
      await sleep(stepSourceRetryMs, signal);
    }
  }
}

/** The block holding a byte: the synced block index, else the ranges the mined modules stored. */
async function blockAt(blocks: BlockMap | undefined, local: ReadonlyMap<number, LocalPartition>, byte: bigint): Promise<BlockRange | undefined> {
  const fromIndex = blocks?.blockAt(byte);
  if (fromIndex !== undefined) return fromIndex;
  for (const { module } of local.values()) {
    const b = await module.blockAt(byte);
    if (b !== undefined) return b;
  }
  return undefined;
}
