// The mining read cache: a byte budget reserved BEFORE a read starts (as in the reference's chunk
// cache limit), so reads never outrun hashing by more than readCacheBytesMax, and the buffers
// themselves, reused across reads: a fresh 100 MiB buffer per recall range costs more in page faults
// than the read from the page cache does.
export interface Reservation {
  /** Exactly the reserved length. */
  buffer: Buffer;
  /** Returns the space and the buffer (idempotent). */
  release: () => void;
}

export class ReadBudget {
  private reserved = 0;
  private readonly waiters: { bytes: number; wake: () => void }[] = [];
  /** Idle buffers; their total plus `reserved` never exceeds readCacheBytesMax. */
  private readonly free: Buffer[] = [];

  constructor(
    readonly readCacheBytesMax: number,
    private readonly onChange: (reservedBytes: number) => void = () => undefined,
  ) {}

  get reservedBytes(): number {
    return this.reserved;
  }

  /** Waits until `bytes` fit, then reserves them with a buffer of that length. */
  async reserve(bytes: number): Promise<Reservation> {
    if (bytes > this.readCacheBytesMax) throw new RangeError(`a ${bytes}-byte read can never fit readCacheBytesMax ${this.readCacheBytesMax}`);
    // FIFO: a large reservation is not starved by a stream of small ones.
    if (this.waiters.length > 0 || this.reserved + bytes > this.readCacheBytesMax) {
      await new Promise<void>((wake) => this.waiters.push({ bytes, wake }));
    }
    this.reserved += bytes;
    this.onChange(this.reserved);
    const slab = this.takeBuffer(bytes);
    let released = false;
    return {
      buffer: slab.subarray(0, bytes),
      release: () => {
        if (released) return;
        released = true;
        this.reserved -= bytes;
        this.free.push(slab);
        this.trimFree();
        this.onChange(this.reserved);
        this.wakeFitting();
      },
    };
  }

  private takeBuffer(bytes: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= bytes);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    this.trimFree(bytes);
    return Buffer.allocUnsafe(bytes);
  }

  /** Drops idle buffers (smallest first) until idle + reserved + `extra` fits the bound. */
  private trimFree(extra = 0): void {
    this.free.sort((a, b) => b.length - a.length);
    let idle = this.free.reduce((s, b) => s + b.length, 0);
    while (this.free.length > 0 && idle + this.reserved + extra > this.readCacheBytesMax) idle -= this.free.pop()!.length;
  }

  private wakeFitting(): void {
    let projected = this.reserved;
    while (this.waiters.length > 0 && projected + this.waiters[0]!.bytes <= this.readCacheBytesMax) {
      const w = this.waiters.shift()!;
      projected += w.bytes;
      w.wake();
    }
  }
}
