// Leader election on a coordination.k8s.io Lease, so the operator can run two replicas with one
// active. Writes carry the Lease's resourceVersion, so two candidates racing for an expired lease
// cannot both win (the loser gets 409). A leader that cannot renew within renewDeadlineMs reports
// the loss; main.ts then exits so that no stale leader keeps writing.
import { KubeApiError, KubeConflictError } from "../errors.ts";
import type { KubeApi, KubeObject } from "../kube/client.ts";
import { resources } from "../kube/resources.ts";
import type { Logger } from "../log.ts";

export interface LeaderElectionBounds {
  leaseDurationMs: number;
  /** A leader that has not renewed for this long gives up (must be < leaseDurationMs). */
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** client-go's defaults. */
export const leaderElectionBoundsDefault: LeaderElectionBounds = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export type LeaseObject = KubeObject & { spec?: LeaseSpec };

export type Decision = { action: "create" } | { action: "renew" } | { action: "takeover" } | { action: "wait"; holder: string };

/** Pure: what a candidate should do given the lease as it is now. */
export function decide(lease: LeaseObject | undefined, identity: string, now: Date): Decision {
  if (lease === undefined) return { action: "create" };
  const spec = lease.spec ?? {};
  const holder = spec.holderIdentity ?? "";
  if (holder === identity) return { action: "renew" };
  if (holder === "") return { action: "takeover" };
  const renewedAt = Date.parse(spec.renewTime ?? spec.acquireTime ?? "");
  const expired = Number.isNaN(renewedAt) || renewedAt + (spec.leaseDurationSeconds ?? 0) * 1000 <= now.getTime();
  return expired ? { action: "takeover" } : { action: "wait", holder };
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export function microTime(d: Date): string {
  return d.toISOString().replace("Z", "000Z");
}

export interface LeaderElectorOptions {
  api: KubeApi;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  now: () => Date;
  bounds?: LeaderElectionBounds;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

export class LeaderElector {
  private readonly bounds: LeaderElectionBounds;
  private leading = false;
  private lastRenewMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tick: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LeaderElectorOptions) {
    this.bounds = opts.bounds ?? leaderElectionBoundsDefault;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops campaigning; with release, hands the lease back at once so a standby takes over quickly. */
  async stop(opts: { release: boolean }): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.tick;
    if (opts.release && this.leading) {
      this.leading = false;
      try {
        const lease = await this.opts.api.get<LeaseObject>(resources.lease, this.opts.name, this.opts.namespace);
        if (lease?.spec?.holderIdentity === this.opts.identity) {
          await this.opts.api.mergePatch(resources.lease, this.opts.name, this.opts.namespace, {
            metadata: { resourceVersion: lease.metadata.resourceVersion }, spec: { holderIdentity: "", leaseDurationSeconds: 1 },
          });
        }
        this.opts.log({ event: "leader_released", lease: this.opts.name, identity: this.opts.identity });
      } catch (err) {
        this.opts.log({ event: "leader_release_failed", lease: this.opts.name, error: (err as Error).message });
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.attempt().finally(() => this.schedule(this.bounds.retryPeriodMs));
    }, delayMs);
  }

  private async attempt(): Promise<void> {
    const { api, namespace, name, identity, log } = this.opts;
    const now = this.opts.now();
    try {
      const lease = await api.get<LeaseObject>(resources.lease, name, namespace);
      const d = decide(lease, identity, now);
      if (d.action === "wait") {
        this.lose(`held by ${d.holder}`);
        return;
      }
      const durationSeconds = Math.ceil(this.bounds.leaseDurationMs / 1000);
      if (d.action === "create") {
        await api.create(resources.lease, {
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        } as never);
      } else {
        const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) };
        if (d.action === "takeover") {
          spec.acquireTime = microTime(now);
          spec.leaseTransitions = (lease?.spec?.leaseTransitions ?? 0) + 1;
        }
        await api.mergePatch(resources.lease, name, namespace, { metadata: { resourceVersion: lease?.metadata.resourceVersion }, spec });
      }
      this.lastRenewMs = now.getTime();
      if (!this.leading && !this.stopped) {
        this.leading = true;
        log({ event: "leader_acquired", lease: name, identity, action: d.action });
        this.opts.onStartedLeading();
      }
    } catch (err) {
      // 409 (lost a race: stale resourceVersion, or the lease created meanwhile) is normal contention.
      const contention = err instanceof KubeConflictError || (err instanceof KubeApiError && err.status === 409);
      if (!contention) log({ event: "leader_attempt_failed", lease: name, error: (err as Error).message });
      if (this.leading && now.getTime() - this.lastRenewMs > this.bounds.renewDeadlineMs) this.lose("renew deadline passed");
    }
  }

  private lose(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.opts.log({ event: "leader_lost", lease: this.opts.name, identity: this.opts.identity, why });
    this.opts.onStoppedLeading();
  }
}
