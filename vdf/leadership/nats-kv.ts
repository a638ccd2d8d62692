// Leadership record in a NATS KV bucket, for runs without Kubernetes (devnet, tests). Compare-and-swap
// is the KV's revision check: create() fails if the key exists, update() if the revision moved.
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { checkChainName, LEADER_BUCKET } from "../../protocol/vdf/index.ts";
import { LeaseConflictError, LeaseCorruptError, type LeaderProgress, type LeaseRecord, type LeaseStore, type VersionedLease } from "./types.ts";

export class NatsKvLeaseStore implements LeaseStore {
  readonly kind = "nats-kv";

  private constructor(
    private readonly kv: KV,
    private readonly key: string,
  ) {}

  /** Opens (creating if needed) the leadership bucket; the key is the chain name. */
  static async open(nc: NatsConnection, chain: string, bucket: string = LEADER_BUCKET): Promise<NatsKvLeaseStore> {
    const kv = await new Kvm(nc).create(bucket, { history: 1 });
    return new NatsKvLeaseStore(kv, checkChainName(chain));
  }

  async read(): Promise<VersionedLease | undefined> {
    const entry = await this.kv.get(this.key);
    if (entry === null || entry.operation !== "PUT") return undefined;
    return { record: parseRecord(entry.string()), version: String(entry.revision) };
  }

  async create(record: LeaseRecord): Promise<string> {
    return String(await conflictsAs(() => this.kv.create(this.key, JSON.stringify(record))));
  }

  async update(record: LeaseRecord, version: string): Promise<string> {
    return String(await conflictsAs(() => this.kv.update(this.key, JSON.stringify(record), Number(version))));
  }
}

async function conflictsAs(write: () => Promise<number>): Promise<number> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
      throw new LeaseConflictError("leadership key changed concurrently", { cause: err });
    }
    throw err;
  }
}

function parseRecord(text: string): LeaseRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new LeaseCorruptError("leadership record is not JSON", { cause: err });
  }
  const r = value as Partial<LeaseRecord>;
  if (typeof r.holder !== "string" || !Number.isSafeInteger(r.term) || !Number.isSafeInteger(r.durationMs)) {
    throw new LeaseCorruptError(`leadership record has bad fields: ${text}`);
  }
  const record: LeaseRecord = { holder: r.holder, term: r.term!, durationMs: r.durationMs! };
  // Informational only (see LeaseRecord.progress): a malformed value is dropped, not a corrupt record.
  const p = r.progress as Partial<LeaderProgress> | null | undefined;
  if (typeof p !== "object" || p === null || !Number.isSafeInteger(p.step) || !Number.isSafeInteger(p.timeMs)) return record;
  return { ...record, progress: { step: p.step!, timeMs: p.timeMs! } };
}
