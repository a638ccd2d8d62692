// One process on its owning pod: folds the module over the assignment log in nonce order, with the
// generated cron messages of each gap (compute/cron.ts) applied before the scheduled message that
// closes it, keeping the instance hot, storing every result, checkpointing every N evaluations and on
// eviction. After a trap (or a restart anywhere) the instance is rebuilt from the latest checkpoint
// (which records the cron progress inside its gap) plus a replay.
import { ProcessHost, type EvalOutcome, type HostBounds } from "../evaluator/host.ts";
import type { ModuleCompiler } from "../evaluator/compiler.ts";
import type { WorkerPool } from "../evaluator/pool.ts";
import type { HotMember, HotSet } from "../evaluator/hot-set.ts";
import { cronLoaderMessage, moduleSpecFor, processEnv, toLoaderMessage, type ModuleEntry } from "../evaluator/messages.ts";
import type { EvalResult, LoaderEnv, LoaderMessage, ModuleSpec } from "../evaluator/types.ts";
import { UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { advanceClock, cronPlan, gapTicks, hasCrons, parseCrons, type CronPlan, type CronTick } from "./cron.ts";
import type {
  AssignmentLog,
  Checkpoint,
  CheckpointStore,
  CronProgress,
  FoldPosition,
  Outbox,
  ResultStore,
  ScheduledEntry,
  StoredCronResult,
  StoredResult,
} from "./stores.ts";

export interface RunnerBounds extends HostBounds {
  /** A checkpoint is written after this many evaluated messages (scheduled or cron) since the last one. */
  readonly checkpointEveryMessages: number;
}

export interface RunnerContext {
  readonly log: AssignmentLog;
  readonly results: ResultStore;
  readonly checkpoints: CheckpointStore;
  readonly outbox: Outbox;
  readonly hotSet: HotSet<ProcessRunner>;
  readonly compiler: ModuleCompiler;
  readonly pool: WorkerPool;
  readonly modules: ReadonlyMap<string, ModuleEntry>;
  readonly trustedForwarders: ReadonlySet<string>;
  readonly bounds: RunnerBounds;
  readonly logger: Logger;
  /** Told each scheduled nonce applied to the hot instance (replays included); must not block. */
  readonly evaluated?: (nonce: number) => void;
}

interface Loaded {
  readonly spec: ModuleSpec;
  readonly env: LoaderEnv;
  readonly crons: CronPlan;
}

const noCronProgress: CronProgress = Object.freeze({ ticks: 0, timestampMs: 0, blockHeight: 0 });

export class ProcessRunner implements HotMember {
  private host: ProcessHost | undefined;
  /** Last nonce applied to the host's memory; -1 before the Process item. */
  private appliedNonce = -1;
  /** The gap after appliedNonce: where it starts, and how many of its cron ticks were applied. */
  private cron: CronProgress = noCronProgress;
  /** Where the latest checkpoint this runner wrote or restored is (nonce, ticks). */
  private checkpointed = { nonce: -1, ticks: 0 };
  private sinceCheckpoint = 0;
  private loaded: Loaded | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly key: string,
    private readonly ctx: RunnerContext,
  ) {}

  memoryBytes(): number {
    return this.host?.memoryBytes ?? 0;
  }

  /** Makes sure results exist for every nonce up to `nonce` (the log's end when absent). */
  evaluateThrough(nonce?: number): Promise<void> {
    return this.serial(async () => {
      await this.catchUp(nonce, false);
    });
  }

  /** Evaluates `message` on the current state (after the whole log) and keeps no change. */
  dryRun(message: Omit<LoaderMessage, "Module">): Promise<EvalResult> {
    return this.serial(async () => {
      await this.catchUp(undefined, true);
      const host = await this.hotHost();
      const loaded = await this.load();
      const outcome = await host.dryRun({ ...message, Module: loaded.spec.moduleId }, loaded.env);
      if (outcome.type === "evaluated") return outcome.result;
      this.dropHost();
      return trapResult(outcome.error);
    });
  }

  /** The gzipped memory image after the whole log, and the nonce it reflects. */
  state(): Promise<{ nonce: number; compressed: Uint8Array; memoryBytes: number }> {
    return this.serial(async () => {
      await this.catchUp(undefined, true);
      const host = await this.hotHost();
      return { nonce: this.appliedNonce, ...(await host.snapshot("state")) };
    });
  }

  /** Writes a checkpoint if anything changed since the last one. */
  checkpoint(): Promise<void> {
    return this.serial(() => this.writeCheckpoint());
  }

  evict(): Promise<void> {
    return this.serial(async () => {
      await this.writeCheckpoint();
      await this.stopHost();
    });
  }

  /** Stops the worker without a checkpoint (shutdown after a crash, tests). */
  stop(): Promise<void> {
    return this.serial(() => this.stopHost());
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<Loaded> {
    if (this.loaded !== undefined) return this.loaded;
    for await (const entry of this.ctx.log.read(this.key, 0, 0)) {
      const env = processEnvFor(entry, this.ctx.modules);
      const origin = { timestampMs: entry.assignment.timestamp, blockHeight: entry.assignment.blockHeight };
      // Malformed cron tags fail every evaluation of the process (BadCronError), as in the reference.
      this.loaded = { spec: moduleSpecFor(entry.message, this.ctx.modules), env, crons: cronPlan(parseCrons(env.Process.Tags), origin) };
      return this.loaded;
    }
    throw new UnknownProcessError(this.key);
  }

  private async hotHost(): Promise<ProcessHost> {
    if (this.host?.alive) {
      await this.ctx.hotSet.touch(this);
      return this.host;
    }
    const { spec } = await this.load();
    const started = performance.now();
    const host = await ProcessHost.start(this.key, spec, this.ctx.bounds, {
      compiled: await this.ctx.compiler.get(spec),
      worker: this.ctx.pool.take(),
      onStderr: (lines, droppedLines) => this.ctx.logger.warn({ event: "cu.module.stderr", processId: this.key, lines, droppedLines }),
    });
    const checkpoint = await this.ctx.checkpoints.latest(this.key);
    if (checkpoint !== undefined) await host.restore(checkpoint.compressed);
    this.host = host;
    this.appliedNonce = checkpoint?.nonce ?? -1;
    this.cron = checkpoint === undefined ? noCronProgress : (checkpoint.cron ?? (await this.progressOfOldCheckpoint(checkpoint)));
    this.checkpointed = { nonce: this.appliedNonce, ticks: this.cron.ticks };
    this.sinceCheckpoint = 0;
    const ms = Math.round(performance.now() - started);
    this.ctx.logger.info({ event: "cu.process.hot", processId: this.key, fromNonce: this.appliedNonce, fromCronTicks: this.cron.ticks, ms });
    await this.ctx.hotSet.touch(this);
    return host;
  }

  /** needHost: the caller evaluates on the instance next, so it must hold the state at `nonce`. */
  private async catchUp(nonce: number | undefined, needHost: boolean): Promise<void> {
    const target = nonce ?? (await this.ctx.log.lastNonce(this.key));
    if (target === undefined) throw new UnknownProcessError(this.key);
    const cold = this.host === undefined || !this.host.alive;
    if (!needHost && cold && (await this.ctx.results.get(this.key, target)) !== undefined) return;
    // A trap ends the host; the next pass rebuilds and skips the trapped nonce (its result says so).
    while (this.appliedNonce < target || this.host === undefined || !this.host.alive) {
      await this.evaluateRange(target);
    }
  }

  /** Applies entries up to `target`, each after its gap's cron ticks; stops early when a trap ended the host. */
  private async evaluateRange(target: number): Promise<void> {
    const host = await this.hotHost();
    const loaded = await this.load();
    for await (const entry of this.ctx.log.read(this.key, this.appliedNonce + 1, target)) {
      const { nonce, timestamp, blockHeight } = entry.assignment;
      if (nonce > 0 && !(await this.applyGap(host, loaded, entry))) return;
      const known = await this.ctx.results.get(this.key, nonce);
      if (known?.trapped !== true) {
        const message = toLoaderMessage(entry.message, entry.assignment, loaded.spec.moduleId, this.ctx.trustedForwarders);
        const outcome = await host.evaluate(message, loaded.env);
        // Replays after a restore recompute known results; evaluation is deterministic, so keep the first.
        if (known === undefined) await this.keep(outcome, { nonce }, (result, trapped) => this.ctx.results.put(storedResult(entry, result, trapped)));
        if (outcome.type === "trapped") {
          this.trapped({ nonce }, outcome.error);
          return;
        }
      }
      this.appliedNonce = nonce;
      this.cron = { ticks: 0, ...advanceClock(this.cron, timestamp, blockHeight) };
      this.ctx.evaluated?.(nonce);
      await this.counted();
    }
  }

  /** Applies the cron ticks of the gap that `next` closes, from where the fold is; false after a trap. */
  private async applyGap(host: ProcessHost, loaded: Loaded, next: ScheduledEntry): Promise<boolean> {
    if (!hasCrons(loaded.crons)) return true;
    const nonce = this.appliedNonce;
    const left = { timestampMs: this.cron.timestampMs, blockHeight: this.cron.blockHeight };
    const right = advanceClock(left, next.assignment.timestamp, next.assignment.blockHeight);
    for (const tick of gapTicks(loaded.crons, left, right)) {
      if (tick.index < this.cron.ticks) continue;
      const position = { nonce, tick: tick.index };
      const known = await this.ctx.results.getCron(this.key, nonce, tick.index);
      if (known?.trapped !== true) {
        const outcome = await host.evaluate(cronLoaderMessage(tick, loaded.env), loaded.env);
        if (known === undefined) await this.keep(outcome, position, (result, trapped) => this.ctx.results.putCron(storedCronResult(this.key, nonce, tick, result, trapped)));
        if (outcome.type === "trapped") return this.trapped(position, outcome.error);
      }
      this.cron = { ...this.cron, ticks: tick.index + 1 };
      await this.counted();
    }
    return true;
  }

  /** Stores a new result, its outbox first: a stored result is the mark that its messages are on their way. */
  private async keep(outcome: EvalOutcome, position: FoldPosition, store: (result: EvalResult, trapped: boolean) => Promise<void>): Promise<void> {
    if (outcome.type === "trapped") return store(trapResult(outcome.error), true);
    await this.ctx.outbox.publish(this.key, position, outcome.result);
    await store(outcome.result, false);
  }

  private trapped(position: FoldPosition, error: string): false {
    this.ctx.logger.warn({ event: "cu.process.trapped", processId: this.key, nonce: position.nonce, cronTick: position.tick, error });
    this.dropHost();
    return false;
  }

  private async counted(): Promise<void> {
    this.sinceCheckpoint++;
    if (this.sinceCheckpoint >= this.ctx.bounds.checkpointEveryMessages) await this.writeCheckpoint();
  }

  private async writeCheckpoint(): Promise<void> {
    const host = this.host;
    if (host === undefined || !host.alive || this.appliedNonce < 0) return;
    if (this.checkpointed.nonce === this.appliedNonce && this.checkpointed.ticks === this.cron.ticks) return;
    const image = await host.snapshot();
    const cron = { ...this.cron };
    await this.ctx.checkpoints.put({ processId: this.key, nonce: this.appliedNonce, cron, ...image });
    this.checkpointed = { nonce: this.appliedNonce, ticks: cron.ticks };
    this.sinceCheckpoint = 0;
    this.ctx.logger.info({ event: "cu.checkpoint.written", processId: this.key, nonce: this.appliedNonce, cronTicks: cron.ticks, bytes: image.compressed.byteLength });
  }

  /** A checkpoint from before cron support: no ticks applied, the clock of its own assignment. */
  private async progressOfOldCheckpoint(checkpoint: Checkpoint): Promise<CronProgress> {
    for await (const entry of this.ctx.log.read(this.key, checkpoint.nonce, checkpoint.nonce)) {
      return { ticks: 0, timestampMs: entry.assignment.timestamp, blockHeight: entry.assignment.blockHeight };
    }
    throw new UnknownProcessError(this.key);
  }

  private dropHost(): void {
    const host = this.host;
    this.host = undefined;
    this.appliedNonce = -1;
    this.cron = noCronProgress;
    this.checkpointed = { nonce: -1, ticks: 0 };
    this.ctx.hotSet.remove(this.key);
    void host?.terminate();
  }

  private async stopHost(): Promise<void> {
    const host = this.host;
    this.dropHost();
    await host?.terminate();
  }
}

function processEnvFor(entry: ScheduledEntry, modules: ReadonlyMap<string, ModuleEntry>): LoaderEnv {
  const spec = moduleSpecFor(entry.message, modules);
  const module = modules.get(spec.moduleId);
  if (module === undefined) throw new UnknownProcessError(entry.assignment.process);
  return processEnv(entry.message, module);
}

function trapResult(error: string): EvalResult {
  return { Messages: [], Spawns: [], Output: "", Error: error, Assignments: [], GasUsed: 0 };
}

function storedCronResult(processId: string, nonce: number, tick: CronTick, result: EvalResult, trapped: boolean): StoredCronResult {
  return { processId, nonce, tick: tick.index, cron: tick.cron, timestamp: tick.timestampMs, blockHeight: tick.blockHeight, trapped, result };
}

function storedResult(entry: ScheduledEntry, result: EvalResult, trapped: boolean): StoredResult {
  return {
    processId: entry.assignment.process,
    nonce: entry.assignment.nonce,
    messageId: entry.message.id,
    timestamp: entry.assignment.timestamp,
    blockHeight: entry.assignment.blockHeight,
    trapped,
    result,
  };
}
