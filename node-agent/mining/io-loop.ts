// One IO loop per physical device: reads for every partition on that disk are served one at a time,
// each as one large sequential read, so an HDD is never asked to seek between two interleaved
// ranges. The caller reserves cache space first (ReadBudget), then queues the read here.
import type { AgentMetrics } from "../metrics.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import type { StorageModule } from "../storage/module.ts";

interface ReadJob {
  module: StorageModule;
  firstSlot: number;
  count: number;
  into: Buffer;
  resolve: (b: Buffer) => void;
  reject: (e: unknown) => void;
}

export class IoLoop {
  private readonly jobs: ReadJob[] = [];
  private running = false;

  constructor(
    readonly device: string,
    private readonly metrics: AgentMetrics,
    /** Told of every failed read (the disk's health is judged by the caller); the read still rejects. */
    private readonly onReadError: (module: StorageModule, err: unknown) => void = () => undefined,
  ) {}

  get queued(): number {
    return this.jobs.length;
  }

  /** Reads `count` slots into `into` (the caller's reserved cache buffer) and resolves with it. */
  read(module: StorageModule, firstSlot: number, count: number, into: Buffer = Buffer.allocUnsafe(count * CHUNK_BYTES)): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ module, firstSlot, count, into, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let job = this.jobs.shift(); job !== undefined; job = this.jobs.shift()) {
        const buf = job.into.subarray(0, job.count * CHUNK_BYTES);
        try {
          await job.module.readSlots(job.firstSlot, job.count, buf);
          this.metrics.read(job.module.opts.partition, this.device, buf.length);
          job.resolve(buf);
        } catch (err) {
          this.onReadError(job.module, err);
          job.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
