// The mining work queue: explicit priorities (finishing H2 beats H1 beats starting a new H0), tasks
// tagged with their VDF session so a session change drops all stale work at once, and a bound on
// queued H0 work so a slow miner skips old steps instead of falling further behind.
export type TaskKind = "h2" | "h1" | "h0";
const order: readonly TaskKind[] = ["h2", "h1", "h0"];

export interface MiningTask {
  kind: TaskKind;
  session: string;
  step: number;
  run: () => Promise<void>;
}

export class MiningScheduler {
  private readonly queues: Record<TaskKind, MiningTask[]> = { h2: [], h1: [], h0: [] };
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** Tasks running at once (their native calls run on the libuv pool). */
    private readonly concurrency: number,
    /** Queued H0 tasks beyond this drop the oldest (the miner is behind the VDF). */
    private readonly queuedH0Max: number,
    private readonly onDropped: (count: number, why: "stale-session" | "behind") => void,
    private readonly onError: (err: unknown, task: MiningTask) => void,
  ) {}

  get pending(): number {
    return this.queues.h2.length + this.queues.h1.length + this.queues.h0.length + this.active;
  }

  push(task: MiningTask): void {
    const q = this.queues[task.kind];
    q.push(task);
    if (task.kind === "h0" && q.length > this.queuedH0Max) {
      q.shift();
      this.onDropped(1, "behind");
    }
    this.pump();
  }

  /** Drops every queued task not of `current` (running tasks finish; their follow-ups are dropped on push by the caller). */
  dropStale(current: string): void {
    let dropped = 0;
    for (const kind of order) {
      const q = this.queues[kind];
      const keep = q.filter((t) => t.session === current);
      dropped += q.length - keep.length;
      this.queues[kind] = keep;
    }
    if (dropped > 0) this.onDropped(dropped, "stale-session");
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private next(): MiningTask | undefined {
    for (const kind of order) {
      const t = this.queues[kind].shift();
      if (t !== undefined) return t;
    }
    return undefined;
  }

  private pump(): void {
    while (this.active < this.concurrency) {
      const task = this.next();
      if (task === undefined) break;
      this.active += 1;
      task
        .run()
        .catch((err: unknown) => this.onError(err, task))
        .finally(() => {
          this.active -= 1;
          this.pump();
          if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }
}
