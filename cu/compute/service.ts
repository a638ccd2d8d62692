// The compute side of a pod: one ProcessRunner per process it has touched, sharing the hot set and
// the stores. Every process is local here (single-pod ownership; see README for what is missing).
import { ModuleCompiler } from "../evaluator/compiler.ts";
import { HotSet } from "../evaluator/hot-set.ts";
import type { ModuleEntry } from "../evaluator/messages.ts";
import type { EvalResult, LoaderMessage } from "../evaluator/types.ts";
import { CorruptLogError, UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { ProcessRunner, type RunnerBounds } from "./runner.ts";
import type { AssignmentLog, CheckpointStore, ResultStore, StoredResult } from "./stores.ts";

export interface ComputeDeps {
  readonly log: AssignmentLog;
  readonly results: ResultStore;
  readonly checkpoints: CheckpointStore;
  readonly modules: ReadonlyMap<string, ModuleEntry>;
  readonly trustedForwarders: ReadonlySet<string>;
  readonly bounds: RunnerBounds & { readonly hotBytesMax: number; readonly hotProcessesMax: number };
  readonly logger: Logger;
}

export class ComputeService {
  private readonly runners = new Map<string, ProcessRunner>();
  private readonly hotSet: HotSet<ProcessRunner>;
  private readonly compiler = new ModuleCompiler();
  private evaluatedTotal = 0;

  constructor(private readonly deps: ComputeDeps) {
    this.hotSet = new HotSet<ProcessRunner>(deps.bounds);
  }

  get log(): AssignmentLog {
    return this.deps.log;
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

  /** Evaluates everything assigned so far (used after a nudge from the scheduler). */
  async evaluateAll(processId: string): Promise<void> {
    await this.runner(processId).evaluateThrough();
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
  }

  private runner(processId: string): ProcessRunner {
    let runner = this.runners.get(processId);
    if (runner === undefined) {
      runner = new ProcessRunner(processId, { ...this.deps, hotSet: this.hotSet, compiler: this.compiler });
      this.runners.set(processId, runner);
    }
    return runner;
  }
}
