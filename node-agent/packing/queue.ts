// A bounded FIFO between pipeline stages: push waits while the queue is full, which is how a slow
// disk slows packing and a slow packer slows fetching (backpressure), with memory capped at
// capacityMax items.
import { QueueClosedError } from "../errors.ts";

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly itemWaiters: (() => void)[] = [];
  private closed = false;
  private failure: unknown = undefined;

  constructor(
    readonly name: string,
    readonly capacityMax: number,
  ) {
    if (!Number.isInteger(capacityMax) || capacityMax < 1) throw new RangeError(`${name}: capacityMax must be >= 1`);
  }

  get size(): number {
    return this.items.length;
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacityMax && !this.closed) await new Promise<void>((r) => this.spaceWaiters.push(r));
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new QueueClosedError(this.name);
    this.items.push(item);
    this.itemWaiters.shift()?.();
  }

  /**
   * 1..max items, waiting for the first, then up to `lingerMs` more for the batch to fill (a batch of
   * one would leave all but one packing thread idle); [] once closed and drained. Throws the failure.
   */
  async popBatch(max: number, lingerMs = 0): Promise<T[]> {
    while (this.items.length === 0 && !this.closed) await new Promise<void>((r) => this.itemWaiters.push(r));
    const deadline = Date.now() + lingerMs;
    while (this.items.length < max && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const waiter = (): void => (clearTimeout(t), r());
        // On timeout the waiter leaves the list, so it cannot swallow a wake-up meant for another.
        const t = setTimeout(() => {
          const i = this.itemWaiters.indexOf(waiter);
          if (i >= 0) this.itemWaiters.splice(i, 1);
          r();
        }, deadline - Date.now());
        this.itemWaiters.push(waiter);
      });
    }
    if (this.failure !== undefined) throw this.failure;
    const batch = this.items.splice(0, max);
    for (let i = 0; i < batch.length; i += 1) this.spaceWaiters.shift()?.();
    return batch;
  }

  /** No more pushes; pops drain what is left. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Stops both sides at once with `err` (another stage failed). */
  fail(err: unknown): void {
    this.failure ??= err;
    this.items.length = 0;
    this.close();
  }

  private wakeAll(): void {
    for (const w of this.spaceWaiters.splice(0)) w();
    for (const w of this.itemWaiters.splice(0)) w();
  }
}
