// Pre-started evaluator workers. Starting a worker thread costs most of a cold start (the tsx
// loader, then importing the ao loader); none of it depends on the process, so a few workers are
// started ahead and a cold start only hands one its module (compiled once per pod) and memory image.
import { Worker } from "node:worker_threads";
import { WorkerCrashedError } from "../errors.ts";
import type { WorkerReply } from "./types.ts";

const workerUrl = new URL("./worker-entry.mjs", import.meta.url);

export interface WorkerPoolBounds {
  /** Workers kept started and idle; each holds a V8 isolate (~30 MiB) until used. */
  readonly idleWorkersMax: number;
}

/** Starts one worker and resolves once it has loaded everything that is not process-specific. */
export function startWorker(): Promise<Worker> {
  const worker = new Worker(workerUrl);
  return new Promise<Worker>((resolve, reject) => {
    // Only our own listeners come off: Worker keeps internal newListener/removeListener hooks.
    const detach = (): void => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const fail = (detail: string): void => {
      detach();
      void worker.terminate();
      reject(new WorkerCrashedError("(idle worker)", detail));
    };
    const onMessage = (reply: WorkerReply): void => {
      detach();
      if (reply.type === "started") resolve(worker);
      else fail(`first reply was ${reply.type}`);
    };
    const onError = (err: Error): void => fail(`error: ${err.message}`);
    const onExit = (code: number): void => fail(`exited with code ${code}`);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

export class WorkerPool {
  private readonly idle: Promise<Worker>[] = [];
  private closed = false;

  constructor(private readonly bounds: WorkerPoolBounds) {
    this.refill();
  }

  /** A started worker: an idle one when there is one, else a new one. Refills in the background. */
  take(): Promise<Worker> {
    const next = this.idle.shift() ?? startWorker();
    this.refill();
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    for (const pending of idle) {
      const worker = await pending.catch(() => undefined);
      await worker?.terminate();
    }
  }

  private refill(): void {
    while (!this.closed && this.idle.length < this.bounds.idleWorkersMax) {
      const pending = startWorker();
      // A failed pre-start surfaces when taken; until then it must not be an unhandled rejection.
      pending.catch(() => undefined);
      this.idle.push(pending);
    }
  }
}
