// Results and checkpoints in NATS: results in a KV bucket keyed <pid>.<nonce>, cron results in another
// keyed <pid>.<nonce>.<tick>; checkpoint images in the object store keyed <pid>/<nonce> (plus
// "+cron<ticks>" when taken inside a cron gap), with a KV head (<pid> -> latest position and cron
// progress) so a restore is one KV get plus one object get. An optional local directory caches images
// this pod wrote or fetched.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm, type ObjectStore } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { CorruptLogError } from "../errors.ts";
import type { Checkpoint, CheckpointStore, CronProgress, ResultStore, StoredCronResult, StoredResult } from "./stores.ts";

export const resultsBucket = "arkube-ao-results";
export const cronResultsBucket = "arkube-ao-cron-results";
export const checkpointBucket = "arkube-ao-checkpoints";
export const checkpointHeadsBucket = "arkube-ao-checkpoint-heads";

export class KvResultStore implements ResultStore {
  private constructor(
    private readonly kv: KV,
    private readonly cronKv: KV,
  ) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<KvResultStore> {
    const kvm = new Kvm(nc);
    return new KvResultStore(await kvm.create(resultsBucket, { replicas }), await kvm.create(cronResultsBucket, { replicas }));
  }

  async putCron(result: StoredCronResult): Promise<void> {
    await this.cronKv.put(`${result.processId}.${result.nonce}.${result.tick}`, JSON.stringify(result));
  }

  async getCron(processId: string, nonce: number, tick: number): Promise<StoredCronResult | undefined> {
    const entry = await this.cronKv.get(`${processId}.${nonce}.${tick}`);
    return entry === null || entry.operation !== "PUT" ? undefined : entry.json<StoredCronResult>();
  }

  async put(result: StoredResult): Promise<void> {
    await this.kv.put(`${result.processId}.${result.nonce}`, JSON.stringify(result));
  }

  async get(processId: string, nonce: number): Promise<StoredResult | undefined> {
    const entry = await this.kv.get(`${processId}.${nonce}`);
    return entry === null || entry.operation !== "PUT" ? undefined : entry.json<StoredResult>();
  }
}

interface CheckpointHead {
  readonly nonce: number;
  readonly memoryBytes: number;
  /** Absent in heads written before cron support. */
  readonly cron?: CronProgress;
}

export class ObjectCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly objects: ObjectStore,
    private readonly heads: KV,
    private readonly cacheDir: string | undefined,
  ) {}

  static async open(nc: NatsConnection, opts: { replicas?: number; cacheDir?: string } = {}): Promise<ObjectCheckpointStore> {
    const replicas = opts.replicas ?? 1;
    const objects = await new Objm(nc).create(checkpointBucket, { replicas });
    const heads = await new Kvm(nc).create(checkpointHeadsBucket, { replicas });
    if (opts.cacheDir !== undefined) mkdirSync(opts.cacheDir, { recursive: true });
    return new ObjectCheckpointStore(objects, heads, opts.cacheDir);
  }

  async put(checkpoint: Checkpoint): Promise<void> {
    const name = objectName(checkpoint.processId, checkpoint.nonce, checkpoint.cron);
    await this.objects.putBlob({ name }, checkpoint.compressed);
    this.cacheWrite(name, checkpoint.compressed);
    // The head moves only after the image is stored, so a reader never sees a head without its image.
    const head: CheckpointHead = { nonce: checkpoint.nonce, memoryBytes: checkpoint.memoryBytes, ...(checkpoint.cron === undefined ? {} : { cron: checkpoint.cron }) };
    await this.heads.put(checkpoint.processId, JSON.stringify(head));
  }

  async latest(processId: string, atMostNonce?: number): Promise<Checkpoint | undefined> {
    const entry = await this.heads.get(processId);
    if (entry === null || entry.operation !== "PUT") return undefined;
    const head = entry.json<CheckpointHead>();
    // Older images are not indexed; a caller bounded below the head starts from genesis instead.
    if (atMostNonce !== undefined && head.nonce > atMostNonce) return undefined;
    const name = objectName(processId, head.nonce, head.cron);
    const compressed = this.cacheRead(name) ?? (await this.objects.getBlob(name));
    if (compressed === null) throw new CorruptLogError(`checkpoint head ${name} has no image`);
    this.cacheWrite(name, compressed);
    return { processId, nonce: head.nonce, memoryBytes: head.memoryBytes, ...(head.cron === undefined ? {} : { cron: head.cron }), compressed };
  }

  private cachePath(name: string): string | undefined {
    return this.cacheDir === undefined ? undefined : join(this.cacheDir, `${name.replace("/", "@")}.gz`);
  }

  private cacheRead(name: string): Uint8Array | undefined {
    const path = this.cachePath(name);
    return path !== undefined && existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
  }

  private cacheWrite(name: string, bytes: Uint8Array): void {
    const path = this.cachePath(name);
    if (path === undefined || existsSync(path)) return;
    // Write then rename: a crash never leaves a torn image under the final name.
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
}

/** <pid>/<12-digit nonce>, plus "+cron<ticks>" inside a cron gap (names of older images unchanged). */
function objectName(processId: string, nonce: number, cron: CronProgress | undefined): string {
  const base = `${processId}/${String(nonce).padStart(12, "0")}`;
  const ticks = cron?.ticks ?? 0;
  return ticks === 0 ? base : `${base}+cron${ticks}`;
}
