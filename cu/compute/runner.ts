// One process on its owning pod: folds the module over the assignment log in nonce order, keeping
// the instance hot, storing every result, checkpointing every N messages and on eviction. After a
// trap (or a restart anywhere) the instance is rebuilt from the latest checkpoint plus a replay.
import { ProcessHost, type HostBounds } from "../evaluator/host.ts";
import type { ModuleCompiler } from "../evaluator/compiler.ts";
import type { WorkerPool } from "../evaluator/pool.ts";
import type { HotMember, HotSet } from "../evaluator/hot-set.ts";
import { moduleSpecFor, processEnv, toLoaderMessage, type ModuleEntry } from "../evaluator/messages.ts";
import type { EvalResult, LoaderEnv, LoaderMessage, ModuleSpec } from "../evaluator/types.ts";
import { UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AssignmentLog, CheckpointStore, Outbox, ResultStore, ScheduledEntry, StoredResult } from "./stores.ts";

export interface RunnerBounds extends HostBounds {
  /** A checkpoint is written after this many messages since the last one. */
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
}

interface Loaded {
  readonly spec: ModuleSpec;
  readonly env: LoaderEnv;
}

export class ProcessRunner implements HotMember {
  private host: ProcessHost | undefined;
  /** Last nonce applied to the host's memory; -1 before the Process item. */
  private appliedNonce = -1;
  private checkpointedNonce = -1;
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
      this.loaded = { spec: moduleSpecFor(entry.message, this.ctx.modules), env: processEnvFor(entry, this.ctx.modules) };
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
    const host = await ProcessHost.start(this.key, spec, this.ctx.bounds, await this.ctx.compiler.get(spec), this.ctx.pool.take());
    const checkpoint = await this.ctx.checkpoints.latest(this.key);
    if (checkpoint !== undefined) await host.restore(checkpoint.compressed);
    this.host = host;
    this.appliedNonce = checkpoint?.nonce ?? -1;
    this.checkpointedNonce = this.appliedNonce;
    this.ctx.logger.info({ event: "cu.process.hot", processId: this.key, fromNonce: this.appliedNonce, ms: Math.round(performance.now() - started) });
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

  /** Applies entries up to `target`; stops early when a trap ended the host. */
  private async evaluateRange(target: number): Promise<void> {
    const host = await this.hotHost();
    const loaded = await this.load();
    for await (const entry of this.ctx.log.read(this.key, this.appliedNonce + 1, target)) {
      const known = await this.ctx.results.get(this.key, entry.assignment.nonce);
      if (known?.trapped === true) {
        this.appliedNonce = entry.assignment.nonce;
        continue;
      }
      const message = toLoaderMessage(entry.message, entry.assignment, loaded.spec.moduleId, this.ctx.trustedForwarders);
      const outcome = await host.evaluate(message, loaded.env);
      const trapped = outcome.type === "trapped";
      // Replays after a restore recompute known results; evaluation is deterministic, so keep the first.
      if (known === undefined) {
        const result = trapped ? trapResult(outcome.error) : outcome.result;
        // Outbox first: a stored result is the mark that its messages are on their way.
        if (!trapped) await this.ctx.outbox.publish(this.key, entry.assignment.nonce, result);
        await this.ctx.results.put(storedResult(entry, result, trapped));
      }
      if (trapped) {
        this.ctx.logger.warn({ event: "cu.process.trapped", processId: this.key, nonce: entry.assignment.nonce, error: outcome.error });
        this.dropHost();
        return;
      }
      this.appliedNonce = entry.assignment.nonce;
      if (this.appliedNonce - this.checkpointedNonce >= this.ctx.bounds.checkpointEveryMessages) await this.writeCheckpoint();
    }
  }

  private async writeCheckpoint(): Promise<void> {
    const host = this.host;
    if (host === undefined || !host.alive || this.appliedNonce <= this.checkpointedNonce) return;
    const image = await host.snapshot();
    await this.ctx.checkpoints.put({ processId: this.key, nonce: this.appliedNonce, ...image });
    this.checkpointedNonce = this.appliedNonce;
    this.ctx.logger.info({ event: "cu.checkpoint.written", processId: this.key, nonce: this.appliedNonce, bytes: image.compressed.byteLength });
  }

  private dropHost(): void {
    const host = this.host;
    this.host = undefined;
    this.appliedNonce = -1;
    this.checkpointedNonce = -1;
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
