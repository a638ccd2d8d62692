// Leadership: one record per chain in a store with compare-and-swap writes. Two stores implement it
// (a Kubernetes Lease, a NATS KV key); the election logic (elector.ts) is the same for both.

export interface LeaseRecord {
  /** Identity of the holder; "" once released (anyone may take over at once). */
  holder: string;
  /** Incremented on every change of holder; published steps carry it. */
  term: number;
  /** How long others wait, after last seeing the record change, before taking over. */
  durationMs: number;
  /**
   * The holder's newest step when it wrote the record. Informational (the operator shows it in the
   * HashChain status); the election never reads it.
   */
  progress?: LeaderProgress;
}

export interface LeaderProgress {
  step: number;
  /** The step's timeMs (the producing leader's clock), milliseconds since the epoch. */
  timeMs: number;
}

export interface VersionedLease {
  record: LeaseRecord;
  /** Opaque store version (resourceVersion, KV revision) for compare-and-swap. */
  version: string;
}

export interface LeaseStore {
  /** Short name for logs: "kubernetes-lease", "nats-kv". */
  readonly kind: string;
  read(): Promise<VersionedLease | undefined>;
  /** Creates the record; LeaseConflictError if it already exists. Returns the new version. */
  create(record: LeaseRecord): Promise<string>;
  /** Replaces the record if it is still at `version`; LeaseConflictError otherwise. */
  update(record: LeaseRecord, version: string): Promise<string>;
}

/** Someone else wrote the record first. */
export class LeaseConflictError extends Error {
  readonly code = "ERR_VDF_LEASE_CONFLICT";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stored record cannot be parsed: refuse to guess who leads. */
export class LeaseCorruptError extends Error {
  readonly code = "ERR_VDF_LEASE_CORRUPT";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type LeadershipEvent =
  | { type: "elected"; term: number }
  | { type: "lost"; term: number; reason: "conflict" | "renew-deadline" | "stopped" }
  | { type: "observed"; holder: string; term: number };
