// A storage module: one partition's packed chunks on one disk. Packed 256 KiB slots live in chunk
// files created at their full size (so a slot's byte position never moves); a RocksDB index says
// which slots hold a chunk, with its offset, ids and proofs, plus the tx_root of every block range.
// Crash safety: chunk bytes are written (and, by policy, fdatasync'ed) before the index entry that
// points at them, so the index never names bytes that are not on disk. The start-up tail check
// re-hashes the newest writes and drops any entry whose bytes do not match (a torn write).
import { createHash } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { mkdir, open, readFile, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import RocksDB from "rocksdb-native";
import { AgentError, SlotOutOfRangeError, StorageClosedError, StorageIoError, StorageMetaMismatchError } from "../errors.ts";
import type { Logger } from "../log.ts";
import {
  bucketEnd,
  CHUNK_BYTES,
  fileRuns,
  moduleDirName,
  partitionStart,
  slotCount,
  slotLocation,
  slotOfBucketEnd,
  type PartitionGeometry,
} from "./layout.ts";
import {
  decodeBlock,
  decodeProofs,
  decodeRecord,
  encodeBlock,
  encodeProofs,
  encodeRecord,
  keys,
  prefixEnd,
  slotOfKey,
  type BlockRange,
  type ChunkRecord,
  type StoredProofs,
} from "./records.ts";

/** When chunk bytes reach the platter relative to the index entry. */
export type FsyncPolicy = "data-before-index" | "never";

export interface StorageModuleOptions extends PartitionGeometry {
  /** The disk's data root (a mount point); the module lives in root/storage_module_{p}_{address}. */
  root: string;
  miningAddress: Uint8Array;
  /** Slots per chunk file (the reference uses 2000 x 256 KiB files). */
  chunksPerFile: number;
  fsyncPolicy: FsyncPolicy;
  /** Newest writes re-hashed at start-up. */
  tailCheckChunks: number;
  /** The index memtable is flushed to an SST (synced) after this many chunk writes. */
  indexFlushEveryChunks: number;
  log: Logger;
}

export interface ChunkWrite {
  readonly packed: Buffer;
  readonly absoluteEnd: bigint;
  readonly chunkSize: number;
  readonly chunkId: Uint8Array;
  readonly proofs: StoredProofs;
}

export type WriteOutcome = "stored" | "already-stored" | "slot-taken" | "outside-partition";

interface Meta {
  partition: number;
  partitionSizeBytes: string;
  address: string;
  chunksPerFile: number;
  packing: "spora_2_6";
}

export class StorageModule {
  private nextSeq: number;
  private writesSinceFlush = 0;
  private closed = false;
  /** Operations in flight: close() waits for them, so a module can be closed while others still use it. */
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  /** One bit per slot: mining asks "is this slot stored?" for every nonce, without a RocksDB read. */
  private readonly storedBits: Uint8Array;
  private storedTotal = 0;

  private constructor(
    readonly opts: StorageModuleOptions,
    readonly dir: string,
    private readonly db: RocksDB,
    private readonly files: FileHandle[],
    lastSeq: number,
  ) {
    this.nextSeq = lastSeq + 1;
    this.storedBits = new Uint8Array(Math.ceil(slotCount(opts) / 8));
  }

  static async open(opts: StorageModuleOptions): Promise<StorageModule> {
    const dir = join(opts.root, moduleDirName(opts.partition, Buffer.from(opts.miningAddress).toString("base64url")));
    await mkdir(join(dir, "chunks"), { recursive: true });
    await checkMeta(dir, opts);
    const files = await openChunkFiles(dir, opts);
    const db = new RocksDB(join(dir, "index"));
    await db.ready();
    const last = await firstEntry(db, keys.writePrefix, true);
    const module = new StorageModule(opts, dir, db, files, last === undefined ? 0 : Number(last.key.readBigUInt64BE(1)));
    const tail = await module.checkTail();
    for await (const r of module.records()) module.markStored(r.slot, true);
    opts.log({ event: "storage_module_opened", dir, partition: opts.partition, ...tail });
    return module;
  }

  get geometry(): PartitionGeometry {
    return { partition: this.opts.partition, partitionSizeBytes: this.opts.partitionSizeBytes };
  }

  /** Slots holding a chunk. */
  get storedCount(): number {
    return this.storedTotal;
  }

  isStored(slot: number): boolean {
    return slot >= 0 && slot < this.slots && (this.storedBits[slot >> 3]! & (1 << (slot & 7))) !== 0;
  }

  private markStored(slot: number, stored: boolean): void {
    if (this.isStored(slot) === stored) return;
    this.storedBits[slot >> 3]! ^= 1 << (slot & 7);
    this.storedTotal += stored ? 1 : -1;
  }

  get slots(): number {
    return slotCount(this.opts);
  }

  /** Slot a chunk with this unpadded end belongs to, if it falls in this partition. */
  slotOf(absoluteEnd: bigint): number | undefined {
    return slotOfBucketEnd(this.opts, bucketEnd(absoluteEnd));
  }

  /** Writes chunks: bytes first (then fdatasync by policy), then one index batch for all of them. */
  async writeChunks(items: readonly ChunkWrite[]): Promise<WriteOutcome[]> {
    return this.tracked(() => this.io("write", () => this.write(items)));
  }

  private async write(items: readonly ChunkWrite[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = [];
    const planned: { item: ChunkWrite; slot: number }[] = [];
    for (const item of items) {
      const outcome = await this.classifyWrite(item, planned);
      outcomes.push(outcome.type);
      if (outcome.type === "stored") planned.push({ item, slot: outcome.slot });
    }
    if (planned.length === 0) return outcomes;
    const touched = new Set<number>();
    for (const { item, slot } of planned) {
      const loc = slotLocation(slot, this.opts.chunksPerFile);
      await writeFully(this.files[loc.file]!, item.packed, loc.byteOffset);
      touched.add(loc.file);
    }
    if (this.opts.fsyncPolicy === "data-before-index") for (const f of touched) await this.files[f]!.datasync();
    await this.indexWrites(planned);
    return outcomes;
  }

  private async classifyWrite(
    item: ChunkWrite,
    planned: readonly { item: ChunkWrite; slot: number }[],
  ): Promise<{ type: "stored"; slot: number } | { type: Exclude<WriteOutcome, "stored"> }> {
    if (item.packed.length !== CHUNK_BYTES) throw new SlotOutOfRangeError(`a packed chunk must be ${CHUNK_BYTES} bytes`);
    const slot = this.slotOf(item.absoluteEnd);
    if (slot === undefined) return { type: "outside-partition" };
    const inBatch = planned.find((p) => p.slot === slot);
    // The index is read directly, not through get(): this runs inside a tracked write, which close() waits for.
    const stored = inBatch === undefined ? await this.db.get(keys.chunk(slot)) : null;
    const existing = inBatch !== undefined ? { absoluteEnd: inBatch.item.absoluteEnd } : stored === null ? undefined : decodeRecord(slot, stored);
    if (existing === undefined) return { type: "stored", slot };
    // A slot is never rewritten: the same chunk is a no-op, another chunk in the same bucket is refused.
    return { type: existing.absoluteEnd === item.absoluteEnd ? "already-stored" : "slot-taken" };
  }

  private async indexWrites(planned: readonly { item: ChunkWrite; slot: number }[]): Promise<void> {
    const batch = this.db.write();
    try {
      for (const { item, slot } of planned) {
        const seq = this.nextSeq++;
        const packedHash = createHash("sha256").update(item.packed).digest();
        const record: ChunkRecord = { ...item, slot, packedHash, packing: "spora_2_6", seq };
        batch.put(keys.chunk(slot), encodeRecord(record));
        batch.put(keys.proof(slot), encodeProofs(item.proofs));
        batch.put(keys.write(seq), keys.chunk(slot));
      }
      await batch.flush();
    } finally {
      batch.destroy();
    }
    for (const { slot } of planned) this.markStored(slot, true);
    this.writesSinceFlush += planned.length;
    if (this.writesSinceFlush >= this.opts.indexFlushEveryChunks) {
      this.writesSinceFlush = 0;
      await this.db.flush();
    }
  }

  async get(slot: number): Promise<ChunkRecord | undefined> {
    this.assertSlot(slot);
    const value = await this.tracked(() => this.db.get(keys.chunk(slot)));
    return value === null ? undefined : decodeRecord(slot, value);
  }

  async proofs(slot: number): Promise<StoredProofs | undefined> {
    this.assertSlot(slot);
    const value = await this.tracked(() => this.db.get(keys.proof(slot)));
    return value === null ? undefined : decodeProofs(value);
  }

  /** Every stored chunk record in slot order. */
  async *records(fromSlot = 0, toSlot = this.slots): AsyncGenerator<ChunkRecord> {
    this.assertOpen();
    this.busy += 1;
    try {
      for await (const { key, value } of this.db.iterator({ gte: keys.chunk(fromSlot), lt: keys.chunk(toSlot) })) {
        yield decodeRecord(slotOfKey(key), value);
      }
    } finally {
      this.done();
    }
  }

  async storedSlots(): Promise<Set<number>> {
    const stored = new Set<number>();
    for await (const r of this.records()) stored.add(r.slot);
    return stored;
  }

  /** Reads `count` consecutive slots into `into` (count x 256 KiB) with one sequential read per file run. */
  async readSlots(firstSlot: number, count: number, into: Buffer): Promise<void> {
    this.assertSlot(firstSlot);
    this.assertSlot(firstSlot + count - 1);
    if (into.length < count * CHUNK_BYTES) throw new SlotOutOfRangeError(`read buffer too small for ${count} slots`);
    await this.tracked(() =>
      this.io("read", async () => {
        let at = 0;
        for (const run of fileRuns(firstSlot, count, this.opts.chunksPerFile)) {
          const loc = slotLocation(run.slot, this.opts.chunksPerFile);
          const want = run.count * CHUNK_BYTES;
          await readFully(this.files[loc.file]!, into.subarray(at, at + want), loc.byteOffset, run.slot);
          at += want;
        }
      }),
    );
  }

  /** Remembers block ranges (start, end, tx_root) overlapping this partition: packing keys need them. */
  async putBlocks(blocks: readonly BlockRange[]): Promise<void> {
    const start = partitionStart(this.opts);
    const end = start + this.opts.partitionSizeBytes;
    await this.tracked(() =>
      this.io("write", async () => {
        const batch = this.db.write();
        try {
          for (const b of blocks) if (b.end > start && b.start < end) batch.put(keys.block(b.end), encodeBlock(b));
          await batch.flush();
        } finally {
          batch.destroy();
        }
      }),
    );
  }

  /** The block range holding 0-based byte `byte`, if known. */
  async blockAt(byte: bigint): Promise<BlockRange | undefined> {
    const found = await this.tracked(() => firstEntry(this.db, keys.blockPrefix, false, keys.block(byte)));
    if (found === undefined) return undefined;
    const block = decodeBlock(found.key, found.value);
    return block.start <= byte ? block : undefined;
  }

  /**
   * Waits for the operations in flight, then flushes and closes the index and the chunk files. New
   * operations fail with StorageClosedError at once. On a failed disk the flush may fail: every handle
   * is still closed, and the first error is thrown after.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.busy > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    let first: unknown;
    const attempt = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        first ??= err;
      }
    };
    await attempt(() => this.db.flush());
    await attempt(() => this.db.close());
    for (const f of this.files) await attempt(() => f.close());
    if (first !== undefined) throw new StorageIoError(this.opts.partition, "write", `partition ${this.opts.partition}: close failed: ${String((first as Error).message)}`, first);
  }

  /** Runs an operation that close() must wait for. */
  private async tracked<T>(op: () => Promise<T>): Promise<T> {
    this.assertOpen();
    this.busy += 1;
    try {
      return await op();
    } finally {
      this.done();
    }
  }

  private done(): void {
    this.busy -= 1;
    if (this.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Disk and index failures become one StorageIoError naming the partition and the errno code. */
  private async io<T>(kind: "read" | "write", op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      // Our own errors (closed, slot out of range, corrupt record) already say what happened.
      if (err instanceof AgentError) throw err;
      const code = (err as { code?: unknown }).code;
      const message = String((err as Error).message);
      const what = typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
      throw new StorageIoError(this.opts.partition, kind, `partition ${this.opts.partition}: ${kind} failed: ${what}`, err);
    }
  }

  /**
   * Re-hashes the newest `tailCheckChunks` writes. A mismatch is what a crash between a data write
   * without fsync and its index entry leaves behind: the entry is dropped and the chunk synced again.
   */
  private async checkTail(): Promise<{ tailChecked: number; tailDropped: number }> {
    let checked = 0;
    let dropped = 0;
    const slotBytes = Buffer.alloc(CHUNK_BYTES);
    const iter = this.db.iterator({ gte: keys.writePrefix, lt: prefixEnd(keys.writePrefix), reverse: true, limit: this.opts.tailCheckChunks });
    for await (const { key, value } of iter) {
      const slot = slotOfKey(value);
      const record = await this.get(slot);
      const seq = Number(key.readBigUInt64BE(1));
      if (record === undefined || record.seq !== seq) continue;
      checked += 1;
      await this.readSlots(slot, 1, slotBytes);
      if (createHash("sha256").update(slotBytes).digest().equals(record.packedHash)) continue;
      dropped += 1;
      this.opts.log({ event: "storage_tail_entry_dropped", partition: this.opts.partition, slot, seq });
      const batch = this.db.write();
      batch.delete(keys.chunk(slot));
      batch.delete(keys.proof(slot));
      batch.delete(key);
      await batch.flush();
      batch.destroy();
    }
    return { tailChecked: checked, tailDropped: dropped };
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError(`storage module ${this.dir} is closed`);
  }

  private assertSlot(slot: number): void {
    this.assertOpen();
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) {
      throw new SlotOutOfRangeError(`slot ${slot} is outside [0, ${this.slots})`);
    }
  }
}

/** pwrite until every byte is written: a partial write is followed by one that reports why (ENOSPC). */
async function writeFully(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten === 0) throw new Error(`short write at byte ${position + done}: the disk took no more bytes`);
    done += bytesWritten;
  }
}

/**
 * pread until the buffer is full. Chunk files are created at full size, so reaching end of file means
 * the file shrank under us: the disk lost data.
 */
async function readFully(file: FileHandle, into: Buffer, position: number, firstSlot: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`short read at slot ${firstSlot}: end of file after ${done} of ${into.length} bytes`);
    done += bytesRead;
  }
}

async function firstEntry(db: RocksDB, prefix: Buffer, reverse: boolean, from?: Buffer) {
  const range = reverse
    ? { gte: prefix, lt: prefixEnd(prefix), reverse: true, limit: 1 }
    : { gt: from ?? prefix, lt: prefixEnd(prefix), limit: 1 };
  for await (const entry of db.iterator(range)) return entry;
  return undefined;
}

async function checkMeta(dir: string, opts: StorageModuleOptions): Promise<void> {
  const meta: Meta = {
    partition: opts.partition,
    partitionSizeBytes: opts.partitionSizeBytes.toString(),
    address: Buffer.from(opts.miningAddress).toString("base64url"),
    chunksPerFile: opts.chunksPerFile,
    packing: "spora_2_6",
  };
  const path = join(dir, "module.json");
  let existing: string | undefined;
  try {
    existing = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (existing === undefined) {
    await writeFile(path, `${JSON.stringify(meta, null, 2)}\n`, { flush: true });
    return;
  }
  if (JSON.stringify(JSON.parse(existing)) !== JSON.stringify(meta)) {
    throw new StorageMetaMismatchError(`${path} describes another module: ${existing.trim()}`);
  }
}

/**
 * Chunk files are created at their full size up front (ftruncate: Node exposes no fallocate, so the
 * blocks are allocated on first write), so every slot has a fixed byte position.
 */
async function openChunkFiles(dir: string, opts: StorageModuleOptions): Promise<FileHandle[]> {
  const total = slotCount(opts);
  const files: FileHandle[] = [];
  for (let first = 0; first < total; first += opts.chunksPerFile) {
    const bytes = Math.min(opts.chunksPerFile, total - first) * CHUNK_BYTES;
    const name = join(dir, "chunks", `chunks_${String(first).padStart(10, "0")}.bin`);
    const handle = await open(name, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
    if ((await handle.stat()).size < bytes) await handle.truncate(bytes);
    files.push(handle);
  }
  return files;
}

