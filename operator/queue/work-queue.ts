// A work queue keyed by "kind/namespace/name": a key waiting in the queue absorbs duplicate adds; a
// key being processed is never handed to a second worker (an add during processing marks it dirty and
// it is queued again when done()); failures back off per key (base * 2^failures, capped); the number
// of distinct waiting keys is bounded (a rejected add is reported, and the periodic resync recovers it).
import { QueueClosedError } from "../errors.ts";

export interface WorkQueueBounds {
  /** Distinct keys waiting (ready or delayed). */
  keysMax: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const workQueueBoundsDefault: WorkQueueBounds = { keysMax: 100_000, backoffBaseMs: 50, backoffMaxMs: 60_000 };

export class WorkQueue {
  private readonly ready: string[] = [];
  private readyHead = 0;
  /** Keys in `ready` (so duplicates merge). */
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** Added while processing: queued again by done(). */
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; dueAt: number }>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private closed = false;

  constructor(private readonly bounds: WorkQueueBounds = workQueueBoundsDefault) {}

  /** Queues the key now. Returns false when the queue is full (the key is not queued). */
  add(key: string): boolean {
    if (this.closed) throw new QueueClosedError(`add(${key}) after shutdown`);
    if (this.queued.has(key) || this.dirty.has(key)) return true;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return true;
    }
    if (!this.delayed.has(key) && this.waitingKeys() >= this.bounds.keysMax) return false;
    this.cancelDelay(key);
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.processing.add(key);
      waiter(key);
      return true;
    }
    this.queued.add(key);
    this.ready.push(key);
    return true;
  }

  /** Queues the key after delayMs; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): boolean {
    if (this.closed) return false;
    if (delayMs <= 0) return this.add(key);
    if (this.queued.has(key)) return true;
    const dueAt = Date.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending.dueAt <= dueAt) return true;
    if (pending === undefined && this.waitingKeys() >= this.bounds.keysMax) return false;
    this.cancelDelay(key);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      if (!this.closed) this.add(key);
    }, delayMs);
    this.delayed.set(key, { timer, dueAt });
    return true;
  }

  /** Queues the key after its backoff and counts one more failure. */
  addRateLimited(key: string): boolean {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return this.addAfter(key, this.backoffMs(n));
  }

  backoffMs(failures: number): number {
    return Math.min(this.bounds.backoffBaseMs * 2 ** Math.min(failures, 30), this.bounds.backoffMaxMs);
  }

  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clears the key's failure count (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** The next key, marked processing; undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++]!;
      this.compact();
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key) && !this.closed) this.add(key);
  }

  shutdown(): void {
    this.closed = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Keys ready to be handed out. */
  get length(): number {
    return this.ready.length - this.readyHead;
  }

  get delayedCount(): number {
    return this.delayed.size;
  }

  private waitingKeys(): number {
    return this.length + this.delayed.size;
  }

  private cancelDelay(key: string): void {
    const pending = this.delayed.get(key);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.delayed.delete(key);
  }

  // Drop handed-out slots once they are half the array, keeping shift() amortised O(1).
  private compact(): void {
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }
}
