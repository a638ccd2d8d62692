// ProcessRunners over in-memory stores and real aos modules, for the evaluator's tests: one compiler and
// one worker pool per test file, every runner stopped by close().
import { ModuleCompiler } from "../../cu/evaluator/compiler.ts";
import { HotSet } from "../../cu/evaluator/hot-set.ts";
import type { ModuleEntry } from "../../cu/evaluator/messages.ts";
import { WorkerPool } from "../../cu/evaluator/pool.ts";
import { silentLogger } from "../../cu/log.ts";
import { MemoryCheckpointStore, MemoryOutbox, MemoryResultStore } from "../../cu/compute/memory-stores.ts";
import { ProcessRunner, type RunnerContext } from "../../cu/compute/runner.ts";
import type { AssignmentLog, CheckpointStore } from "../../cu/compute/stores.ts";

export interface MemoryContextOptions {
  checkpoints?: CheckpointStore;
  /** Checkpoint every N messages (default: never, in practice). */
  every?: number;
  hotMax?: number;
}

export class MemoryRunners {
  private readonly compiler = new ModuleCompiler();
  private readonly pool = new WorkerPool({ idleWorkersMax: 1 });
  private readonly runners: ProcessRunner[] = [];

  context(module: ModuleEntry, log: AssignmentLog, opts: MemoryContextOptions = {}): RunnerContext {
    return {
      log,
      results: new MemoryResultStore(),
      checkpoints: opts.checkpoints ?? new MemoryCheckpointStore(),
      outbox: new MemoryOutbox(),
      hotSet: new HotSet<ProcessRunner>({ hotBytesMax: 8 * 1024 ** 3, hotProcessesMax: opts.hotMax ?? 8 }),
      compiler: this.compiler,
      pool: this.pool,
      modules: new Map([[module.id, module]]),
      trustedForwarders: new Set(),
      bounds: { loadTimeoutMs: 60_000, evalTimeoutMs: 60_000, checkpointEveryMessages: opts.every ?? 1_000_000 },
      logger: silentLogger,
    };
  }

  runner(pid: string, ctx: RunnerContext): ProcessRunner {
    const r = new ProcessRunner(pid, ctx);
    this.runners.push(r);
    return r;
  }

  async close(): Promise<void> {
    for (const r of this.runners) await r.stop();
    await this.pool.close();
  }
}
