// Leader election over a LeaseStore, in the style of client-go's leaderelection: expiry is judged by the
// local monotonic clock from the moment a record version was first seen, never by comparing clocks of
// different machines. A leader's right to publish ends at (start of its last successful renew request +
// leaseDurationMs - renewMarginMs), strictly before any other process can consider the lease expired.
import { EventChannel, sleep } from "../channel.ts";
import type { Logger } from "../log.ts";
import type { LeaderProgress, LeadershipEvent, LeaseRecord, LeaseStore, VersionedLease } from "./types.ts";
import { LeaseConflictError } from "./types.ts";

export interface ElectorOptions {
  store: LeaseStore;
  identity: string;
  leaseDurationMs: number;
  /** Leader: time between renewals. Must leave several tries within leaseDurationMs - renewMarginMs. */
  renewIntervalMs: number;
  /** Follower: time between reads of the record. */
  retryIntervalMs: number;
  /** Safety margin for clock-rate differences and in-flight publishes. */
  renewMarginMs: number;
  log: Logger;
  now?: () => number;
}

export interface Observation {
  version: string | undefined;
  holder: string | undefined;
  term: number | undefined;
  /** Local monotonic time at which `version` was first seen. */
  sinceMs: number;
}

export type Decision =
  | { type: "create"; record: LeaseRecord }
  | { type: "renew"; record: LeaseRecord; version: string }
  | { type: "takeover"; record: LeaseRecord; version: string }
  | { type: "wait" };

/** What to do about the current record. Pure. */
export function decide(
  current: VersionedLease | undefined,
  observed: Observation,
  self: { identity: string; leading: boolean; leaseDurationMs: number },
  nowMs: number,
): Decision {
  const mine = (term: number): LeaseRecord => ({ holder: self.identity, term, durationMs: self.leaseDurationMs });
  if (current === undefined) return { type: "create", record: mine(1) };
  const { record, version } = current;
  if (record.holder === self.identity && self.leading) return { type: "renew", record: mine(record.term), version };
  // Our own identity without being leader: a restarted process; never reuse the old term.
  const free = record.holder === "" || record.holder === self.identity;
  const expired = observed.version === version && nowMs - observed.sinceMs >= record.durationMs;
  if (free || expired) return { type: "takeover", record: mine(record.term + 1), version };
  return { type: "wait" };
}

export class Elector {
  private readonly channel = new EventChannel<LeadershipEvent>();
  private readonly now: () => number;
  private observed: Observation = { version: undefined, holder: undefined, term: undefined, sinceMs: 0 };
  private leading: { term: number; version: string; validUntilMs: number } | undefined;
  private progress: LeaderProgress | undefined;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: ElectorOptions) {
    this.now = opts.now ?? (() => performance.now());
    if (opts.renewMarginMs + 2 * opts.renewIntervalMs > opts.leaseDurationMs) {
      throw new RangeError("leaseDurationMs must exceed renewMarginMs + 2 * renewIntervalMs");
    }
  }

  events(): AsyncIterable<LeadershipEvent> {
    return this.channel;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** The term while this process may publish, else undefined. Call right before every publish. */
  validTerm(): number | undefined {
    if (this.leading === undefined || this.now() >= this.leading.validUntilMs) return undefined;
    return this.leading.term;
  }

  /**
   * The newest step this process knows (published, or verified while following). It rides along with
   * the next write of the record (a renewal every renewIntervalMs): one write per renewal, never one
   * per step, and never a write of its own that would move the version under the election.
   */
  noteProgress(progress: LeaderProgress): void {
    if (this.progress === undefined || progress.step > this.progress.step) this.progress = progress;
  }

  /** Stops the loop; a leader releases the record so a follower takes over without waiting. */
  async stop(release: boolean): Promise<void> {
    this.stopper.abort();
    await this.loop;
    const leading = this.leading;
    if (leading !== undefined) {
      this.lose("stopped");
      if (release) await this.release(leading).catch((err: unknown) => this.opts.log({ event: "lease_release_failed", err }));
    }
    this.channel.close();
  }

  private async run(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      await this.tick();
      this.expireIfDue();
      await sleep(this.leading ? this.opts.renewIntervalMs : this.opts.retryIntervalMs, this.stopper.signal);
    }
  }

  private async tick(): Promise<void> {
    const sentAtMs = this.now();
    try {
      const current = await this.opts.store.read();
      this.observe(current, sentAtMs);
      const decision = decide(current, this.observed, { identity: this.opts.identity, leading: this.leading !== undefined, leaseDurationMs: this.opts.leaseDurationMs }, sentAtMs);
      if (decision.type === "wait" || this.stopper.signal.aborted) return;
      const record = this.withProgress(decision.record);
      const version = decision.type === "create"
        ? await this.opts.store.create(record)
        : await this.opts.store.update(record, decision.version);
      this.held(decision.record.term, version, sentAtMs);
    } catch (err) {
      if (err instanceof LeaseConflictError && this.leading !== undefined) this.lose("conflict");
      this.opts.log({ event: "lease_attempt_failed", store: this.opts.store.kind, code: (err as { code?: unknown }).code, err });
    }
  }

  private observe(current: VersionedLease | undefined, nowMs: number): void {
    if (current?.version === this.observed.version) return;
    const previous = this.observed;
    const holder = current?.record.holder;
    const term = current?.record.term;
    this.observed = { version: current?.version, holder, term, sinceMs: nowMs };
    // Renewals change the version every renewIntervalMs; only a new holder or term is news.
    const changed = holder !== previous.holder || term !== previous.term;
    if (changed && holder !== undefined && holder !== "") this.channel.push({ type: "observed", holder, term: term! });
  }

  private held(term: number, version: string, sentAtMs: number): void {
    const validUntilMs = sentAtMs + this.opts.leaseDurationMs - this.opts.renewMarginMs;
    const wasLeading = this.leading !== undefined;
    this.leading = { term, version, validUntilMs };
    this.observed = { version, holder: this.opts.identity, term, sinceMs: sentAtMs };
    if (!wasLeading) {
      this.opts.log({ event: "lease_acquired", store: this.opts.store.kind, identity: this.opts.identity, term });
      this.channel.push({ type: "elected", term });
    }
  }

  private expireIfDue(): void {
    if (this.leading !== undefined && this.now() >= this.leading.validUntilMs) this.lose("renew-deadline");
  }

  private lose(reason: "conflict" | "renew-deadline" | "stopped"): void {
    const term = this.leading!.term;
    this.leading = undefined;
    this.opts.log({ event: "lease_lost", store: this.opts.store.kind, identity: this.opts.identity, term, reason });
    this.channel.push({ type: "lost", term, reason });
  }

  private async release(leading: { term: number; version: string }): Promise<void> {
    await this.opts.store.update(this.withProgress({ holder: "", term: leading.term, durationMs: this.opts.leaseDurationMs }), leading.version);
    this.opts.log({ event: "lease_released", store: this.opts.store.kind, term: leading.term });
  }

  private withProgress(record: LeaseRecord): LeaseRecord {
    return this.progress === undefined ? record : { ...record, progress: this.progress };
  }
}
