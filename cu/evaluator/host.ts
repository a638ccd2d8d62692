// Main-thread handle on one worker thread holding one hot process instance. Requests are serialised
// (a process evaluates one message at a time); a crash or trap ends the host for good.
import type { Worker } from "node:worker_threads";
import { ClosedError, ModuleLoadError, TimeoutError, WorkerCrashedError } from "../errors.ts";
import { startWorker } from "./pool.ts";
import type { EvalResult, LoaderEnv, LoaderMessage, ModuleMessage, ModuleSpec, WorkerReply, WorkerRequest } from "./types.ts";

export interface HostBounds {
  /** Module compile + runtime start. */
  readonly loadTimeoutMs: number;
  /** Wall-clock bound per message: a runaway unmetered module is stopped here (the result is an Error). */
  readonly evalTimeoutMs: number;
}

export type EvalOutcome =
  | { readonly type: "evaluated"; readonly result: EvalResult; readonly memoryBytes: number }
  /** The instance trapped or was stopped: the host is dead and the message's result is an Error. */
  | { readonly type: "trapped"; readonly error: string };

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };

/** Receives what the module wrote to stderr (lines kept by the worker, and how many it dropped). */
export type ModuleStderrSink = (lines: readonly string[], droppedLines: number) => void;

export class ProcessHost {
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private deadReason: string | undefined;
  /** Linear memory size after the last message, for the LRU's byte budget. */
  memoryBytes = 0;

  private constructor(
    readonly processId: string,
    readonly spec: ModuleSpec,
    private readonly bounds: HostBounds,
    private readonly worker: Worker,
    onStderr: ModuleStderrSink,
  ) {
    this.worker.on("message", (reply: WorkerReply) => {
      if (reply.type === "module-stderr") onStderr(reply.lines, reply.droppedLines);
      else this.settle((p) => p.resolve(reply));
    });
    this.worker.on("error", (err) => this.die(`error: ${err.message}`));
    this.worker.on("exit", (code) => this.die(`exited with code ${code}`));
  }

  /**
   * compiled: the module compiled once on this thread (see ModuleCompiler); workers share it.
   * worker: a started worker (see WorkerPool); one is started here when absent.
   */
  static async start(
    processId: string,
    spec: ModuleSpec,
    bounds: HostBounds,
    opts: { compiled?: WebAssembly.Module; worker?: Promise<Worker>; onStderr?: ModuleStderrSink } = {},
  ): Promise<ProcessHost> {
    const host = new ProcessHost(processId, spec, bounds, await (opts.worker ?? startWorker()), opts.onStderr ?? (() => undefined));
    const reply = await host.request({ type: "init", spec, compiled: opts.compiled }, bounds.loadTimeoutMs, "module load").catch(async (err: unknown) => {
      await host.terminate();
      throw err;
    });
    if (reply.type !== "ready") {
      await host.terminate();
      throw new ModuleLoadError(reply.type === "load-failed" ? reply.error : `unexpected reply ${reply.type}`);
    }
    return host;
  }

  get alive(): boolean {
    return this.deadReason === undefined;
  }

  evaluate(message: ModuleMessage, env: LoaderEnv): Promise<EvalOutcome> {
    return this.evalRequest({ type: "eval", message, env });
  }

  /** Evaluates without keeping any change: the worker copies the image back in on the next call. */
  dryRun(message: LoaderMessage, env: LoaderEnv): Promise<EvalOutcome> {
    return this.evalRequest({ type: "dry-run", message, env });
  }

  /**
   * The memory as of the last evaluated message, gzipped: a checkpoint image (only non-zero pages,
   * what restore() takes) or, for GET /state, the whole linear memory.
   */
  snapshot(kind: "checkpoint" | "state" = "checkpoint"): Promise<{ compressed: Uint8Array; memoryBytes: number }> {
    return this.serial(async () => {
      const reply = await this.request({ type: "snapshot", sparse: kind === "checkpoint" }, this.bounds.evalTimeoutMs, "snapshot");
      if (reply.type !== "snapshot") throw new WorkerCrashedError(this.processId, `snapshot got ${reply.type}`);
      return { compressed: reply.compressed, memoryBytes: reply.memoryBytes };
    });
  }

  /** Loads a gzipped checkpoint image; it replaces the memory on the next message. */
  restore(compressed: Uint8Array): Promise<void> {
    return this.serial(async () => {
      const reply = await this.request({ type: "restore", compressed }, this.bounds.evalTimeoutMs, "restore");
      if (reply.type !== "restored") throw new WorkerCrashedError(this.processId, `restore got ${reply.type}`);
    });
  }

  async terminate(): Promise<void> {
    this.die("terminated");
    await this.worker.terminate();
  }

  private evalRequest(request: WorkerRequest): Promise<EvalOutcome> {
    return this.serial(async () => {
      let reply: WorkerReply;
      try {
        reply = await this.request(request, this.bounds.evalTimeoutMs, "message evaluation");
      } catch (err) {
        // A timeout or crash mid-message is that message's Error result; the instance is gone.
        await this.terminate();
        return { type: "trapped", error: (err as Error).message };
      }
      if (reply.type === "trapped") {
        await this.terminate();
        return reply;
      }
      if (reply.type !== "evaluated") throw new WorkerCrashedError(this.processId, `eval got ${reply.type}`);
      this.memoryBytes = reply.memoryBytes;
      return reply;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private request(request: WorkerRequest, timeoutMs: number, what: string): Promise<WorkerReply> {
    if (this.deadReason !== undefined) return Promise.reject(new ClosedError(`process host ${this.processId}`));
    const reply = this.await(timeoutMs, what);
    // Copied, not transferred: a restore image may be a view into a pooled Buffer.
    this.worker.postMessage(request);
    return reply;
  }

  private await(timeoutMs: number, what: string): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => this.settle((p) => p.reject(new TimeoutError(what, timeoutMs))), timeoutMs);
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  private settle(action: (pending: Pending) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) action(pending);
  }

  private die(reason: string): void {
    if (this.deadReason === undefined) this.deadReason = reason;
    this.settle((p) => p.reject(new WorkerCrashedError(this.processId, reason)));
  }
}
