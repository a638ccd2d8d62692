// The compute side of a pod: one ProcessRunner per process it evaluates here, sharing the hot set and
// the stores. Which processes those are is the cluster router's decision (cluster/router.ts); this
// class evaluates whatever it is asked to and releases what the router says it no longer owns.
import { ModuleCompiler } from "../evaluator/compiler.ts";
import { HotSet } from "../evaluator/hot-set.ts";
import { WorkerPool } from "../evaluator/pool.ts";
import type { ModuleEntry } from "../evaluator/messages.ts";
import type { EvalResult, LoaderMessage } from "../evaluator/types.ts";
import { CorruptLogError, UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { readCronResults, type CronPage, type CronQuery } from "./cron-results.ts";
import { ProcessRunner, type RunnerBounds } from "./runner.ts";
import type { AssignmentLog, CheckpointStore, Outbox, ResultStore, StoredResult } from "./stores.ts";

export interface ComputeDeps {
  readonly log: AssignmentLog;
  readonly results: ResultStore;
  readonly checkpoints: CheckpointStore;
  readonly outbox: Outbox;
  readonly modules: ReadonlyMap<string, ModuleEntry>;
  readonly trustedForwarders: ReadonlySet<string>;
  readonly bounds: RunnerBounds & { readonly hotBytesMax: number; readonly hotProcessesMax: number; readonly idleWorkersMax: number };
  readonly logger: Logger;
}

/**
 * Told each nonce this pod evaluates and each process it gives away (Kubernetes: the AOProcess status
 * writer, cluster/kube-status.ts). Called on the evaluation path: must not block.
 */
export interface ProgressSink {
  evaluated(processId: string, nonce: number): void;
  released(processId: string): void;
}

/** What the HTTP routes need from the compute side, local or cluster-wide. */
export interface Compute {
  readonly log: AssignmentLog;
  resultAt(processId: string, nonce: number): Promise<StoredResult>;
  dryRun(processId: string, message: Omit<LoaderMessage, "Module">): Promise<EvalResult>;
  state(processId: string): Promise<{ nonce: number; compressed: Uint8Array }>;
  /** Results of generated cron messages by time, after evaluating everything scheduled so far. */
  cronResults(processId: string, query: CronQuery): Promise<CronPage>;
  hotProcesses(): number;
  metricsText(): string;
}

export class ComputeService implements Compute {
  private readonly runners = new Map<string, ProcessRunner>();
  private readonly hotSet: HotSet<ProcessRunner>;
  private readonly compiler = new ModuleCompiler();
  private readonly pool: WorkerPool;
  private evaluatedTotal = 0;
  private progress: ProgressSink | undefined;

  constructor(private readonly deps: ComputeDeps) {
    this.hotSet = new HotSet<ProcessRunner>(deps.bounds);
    this.pool = new WorkerPool(deps.bounds);
  }

  get log(): AssignmentLog {
    return this.deps.log;
  }

  /** Set once the membership exists (it comes after this service in a pod's start). */
  reportProgressTo(sink: ProgressSink): void {
    this.progress = sink;
  }

  /** A result already stored by any pod (no evaluation). */
  storedResult(processId: string, nonce: number): Promise<StoredResult | undefined> {
    return this.deps.results.get(processId, nonce);
  }

  async resultAt(processId: string, nonce: number): Promise<StoredResult> {
    const cached = await this.deps.results.get(processId, nonce);
    if (cached !== undefined) return cached;
    await this.runner(processId).evaluateThrough(nonce);
    const stored = await this.deps.results.get(processId, nonce);
    if (stored === undefined) throw new CorruptLogError(`${processId}@${nonce} evaluated but has no result`);
    this.evaluatedTotal++;
    return stored;
  }

  async dryRun(processId: string, message: Omit<LoaderMessage, "Module">): Promise<EvalResult> {
    if ((await this.deps.log.lastNonce(processId)) === undefined) throw new UnknownProcessError(processId);
    return this.runner(processId).dryRun(message);
  }

  async state(processId: string): Promise<{ nonce: number; compressed: Uint8Array }> {
    if ((await this.deps.log.lastNonce(processId)) === undefined) throw new UnknownProcessError(processId);
    return this.runner(processId).state();
  }

  async cronResults(processId: string, query: CronQuery): Promise<CronPage> {
    const last = await this.deps.log.lastNonce(processId);
    if (last === undefined) throw new UnknownProcessError(processId);
    await this.resultAt(processId, last);
    return this.storedCronResults(processId, last, query);
  }

  /** Cron results of the gaps before `lastNonce`, which must have been evaluated (by any pod). */
  storedCronResults(processId: string, lastNonce: number, query: CronQuery): Promise<CronPage> {
    return readCronResults(this.deps.log, this.deps.results, processId, lastNonce, query);
  }

  /** Evaluates everything assigned so far (after the messenger delivered to the process). */
  async evaluateAll(processId: string): Promise<void> {
    if ((await this.deps.log.lastNonce(processId)) === undefined) throw new UnknownProcessError(processId);
    await this.runner(processId).evaluateThrough();
  }

  /**
   * The handoff's giving side: checkpoints and stops every runner `keep` rejects, so the new owner
   * restores from the state this pod reached instead of replaying from an older checkpoint.
   */
  async release(keep: (processId: string) => boolean): Promise<string[]> {
    const released: string[] = [];
    for (const [processId, runner] of this.runners) {
      if (keep(processId)) continue;
      this.runners.delete(processId);
      this.hotSet.remove(processId);
      await runner.evict();
      this.progress?.released(processId);
      released.push(processId);
    }
    return released;
  }

  hotProcesses(): number {
    return this.hotSet.size;
  }

  metricsText(): string {
    return [
      "# TYPE arkube_cu_hot_processes gauge",
      `arkube_cu_hot_processes ${this.hotSet.size}`,
      "# TYPE arkube_cu_hot_memory_bytes gauge",
      `arkube_cu_hot_memory_bytes ${this.hotSet.totalBytes()}`,
      "# TYPE arkube_cu_result_requests_evaluated_total counter",
      `arkube_cu_result_requests_evaluated_total ${this.evaluatedTotal}`,
      "",
    ].join("\n");
  }

  /** Checkpoints every hot process and stops its worker. */
  async close(): Promise<void> {
    await this.hotSet.evictAll();
    for (const runner of this.runners.values()) await runner.stop();
    await this.pool.close();
  }

  private runner(processId: string): ProcessRunner {
    let runner = this.runners.get(processId);
    if (runner === undefined) {
      const evaluated = (nonce: number): void => this.progress?.evaluated(processId, nonce);
      runner = new ProcessRunner(processId, { ...this.deps, hotSet: this.hotSet, compiler: this.compiler, pool: this.pool, evaluated });
      this.runners.set(processId, runner);
    }
    return runner;
  }
}
