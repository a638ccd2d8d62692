// Runs a reconcile function over a work queue with a fixed number of workers. A key is handled by one
// worker at a time; success forgets its backoff (and requeues after the delay the reconcile asked
// for); a failure logs and backs off per key. stop() waits for in-flight reconciles.
import { WorkQueue, workQueueBoundsDefault, type WorkQueueBounds } from "../queue/work-queue.ts";
import type { Logger } from "../log.ts";
import { noMetrics, type ControllerMetrics } from "../metrics.ts";
import type { ReconcileResult } from "./requeue.ts";

export interface ObjectKey {
  namespace: string;
  name: string;
}

export type ReconcileFn = (key: ObjectKey) => Promise<ReconcileResult>;

export interface ControllerOptions {
  kind: string;
  reconcile: ReconcileFn;
  log: Logger;
  workers: number;
  queueBounds?: WorkQueueBounds;
  metrics?: ControllerMetrics;
}

/** "kind/namespace/name", the queue key. */
export function keyString(kind: string, key: ObjectKey): string {
  return `${kind}/${key.namespace}/${key.name}`;
}

export function parseKey(text: string): ObjectKey {
  const [, namespace = "", ...rest] = text.split("/");
  return { namespace, name: rest.join("/") };
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly running: Promise<void>[] = [];
  private reconciles = 0;
  private failures = 0;
  private readonly metrics: ControllerMetrics;

  constructor(private readonly opts: ControllerOptions) {
    this.queue = new WorkQueue(opts.queueBounds ?? workQueueBoundsDefault);
    this.metrics = opts.metrics ?? noMetrics;
    this.metrics.queue(opts.kind, () => this.queue.length + this.queue.delayedCount);
  }

  enqueue(namespace: string | undefined, name: string | undefined): void {
    if (name === undefined || this.queue.isClosed) return;
    const key = keyString(this.opts.kind, { namespace: namespace ?? "", name });
    if (!this.queue.add(key)) this.opts.log({ event: "queue_full", controller: this.opts.kind, key });
  }

  start(): void {
    for (let i = 0; i < this.opts.workers; i++) this.running.push(this.work());
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    await Promise.all(this.running);
  }

  stats(): { reconciles: number; failures: number; queued: number } {
    return { reconciles: this.reconciles, failures: this.failures, queued: this.queue.length + this.queue.delayedCount };
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const started = performance.now();
      try {
        this.reconciles++;
        const result = await this.opts.reconcile(parseKey(key));
        this.metrics.reconciled(this.opts.kind, "ok", (performance.now() - started) / 1000);
        this.queue.forget(key);
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        this.failures++;
        const e = err as { code?: string; message?: string };
        // A conflict means our cached copy was stale: expected with several writers, retried at once.
        const conflict = e.code === "ERR_KUBE_CONFLICT";
        this.metrics.reconciled(this.opts.kind, conflict ? "conflict" : "error", (performance.now() - started) / 1000);
        const event = conflict ? "reconcile_conflict" : "reconcile_failed";
        this.opts.log({ event, controller: this.opts.kind, key, code: e.code, error: e.message ?? String(err), attempt: this.queue.failureCount(key) + 1 });
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
