// One system image: any pod answers for any process. A stored result is served from the shared store;
// anything that needs evaluation goes to the owner (as the membership says: rendezvous hashing over the
// NATS KV heartbeats, or the operator's AOProcess assignment in Kubernetes) over gRPC.
// An unreachable owner (killed, not yet expired from the membership) is covered by evaluating here:
// evaluation is deterministic and results, outbox items and assignments are idempotent, so two pods
// briefly evaluating the same process produce the same bytes, never a second application.
import type { CronPage, CronQuery } from "../compute/cron-results.ts";
import type { Compute, ComputeService } from "../compute/service.ts";
import type { AssignmentLog, StoredResult } from "../compute/stores.ts";
import type { EvalResult, LoaderMessage } from "../evaluator/types.ts";
import { OwnerUnreachableError, UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { PeerClient } from "./grpc.ts";
import type { Membership } from "./membership.ts";
import type { Member } from "./ring.ts";

export interface RouterBounds {
  /** Deadline of one forwarded request (the owner may need a cold start and a replay). */
  readonly forwardTimeoutMs: number;
  /** Background evaluations after a delivery; more are dropped (the next request evaluates). */
  readonly nudgesInFlightMax: number;
}

export interface RouterDeps {
  readonly local: ComputeService;
  readonly membership: Membership;
  readonly bounds: RouterBounds;
  readonly logger: Logger;
}

export class ClusterCompute implements Compute {
  private readonly peers = new Map<string, PeerClient>();
  private readonly nudges = new Map<string, { again: boolean; done: Promise<void> }>();
  private releasing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private forwardedTotal = 0;
  private fallbackTotal = 0;
  private releasedTotal = 0;
  private closed = false;

  constructor(private readonly deps: RouterDeps) {
    this.unsubscribe = deps.membership.onChange((members) => this.membersChanged(members));
  }

  get log(): AssignmentLog {
    return this.deps.local.log;
  }

  /** With no member at all (a Kubernetes pod before it is Ready) this pod evaluates itself. */
  ownerOf(processId: string): Member {
    return this.deps.membership.ownerOf(processId) ?? this.deps.membership.self;
  }

  async resultAt(processId: string, nonce: number): Promise<StoredResult> {
    const stored = await this.deps.local.storedResult(processId, nonce);
    if (stored !== undefined) return stored;
    return this.route(processId, (local) => local.resultAt(processId, nonce), (peer) => peer.resultAt(processId, nonce));
  }

  dryRun(processId: string, message: Omit<LoaderMessage, "Module">): Promise<EvalResult> {
    return this.route(processId, (local) => local.dryRun(processId, message), (peer) => peer.dryRun(processId, message));
  }

  state(processId: string): Promise<{ nonce: number; compressed: Uint8Array }> {
    return this.route(processId, (local) => local.state(processId), (peer) => peer.state(processId));
  }

  /** The owner evaluates through the last nonce (unless stored already); the results are read here. */
  async cronResults(processId: string, query: CronQuery): Promise<CronPage> {
    const last = await this.log.lastNonce(processId);
    if (last === undefined) throw new UnknownProcessError(processId);
    await this.resultAt(processId, last);
    return this.deps.local.storedCronResults(processId, last, query);
  }

  /** Has the owner evaluate everything assigned to `processId`, in the background, coalesced. */
  evaluateSoon(processId: string): void {
    const running = this.nudges.get(processId);
    if (running !== undefined) {
      running.again = true;
      return;
    }
    if (this.closed || this.nudges.size >= this.deps.bounds.nudgesInFlightMax) return;
    const nudge = { again: true, done: Promise.resolve() };
    nudge.done = (async () => {
      while (nudge.again && !this.closed) {
        nudge.again = false;
        await this.route(processId, (local) => local.evaluateAll(processId), (peer) => peer.evaluateAll(processId)).catch((err: unknown) =>
          this.deps.logger.warn({ event: "cu.router.nudge_failed", processId, error: String(err) }),
        );
      }
      this.nudges.delete(processId);
    })();
    this.nudges.set(processId, nudge);
  }

  hotProcesses(): number {
    return this.deps.local.hotProcesses();
  }

  metricsText(): string {
    return [
      this.deps.local.metricsText().trimEnd(),
      "# TYPE arkube_cu_cluster_members gauge",
      `arkube_cu_cluster_members ${this.deps.membership.members().length}`,
      "# TYPE arkube_cu_forwarded_total counter",
      `arkube_cu_forwarded_total ${this.forwardedTotal}`,
      "# TYPE arkube_cu_forward_fallbacks_total counter",
      `arkube_cu_forward_fallbacks_total ${this.fallbackTotal}`,
      "# TYPE arkube_cu_released_processes_total counter",
      `arkube_cu_released_processes_total ${this.releasedTotal}`,
      "",
    ].join("\n");
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await Promise.all([...this.nudges.values()].map((n) => n.done));
    await this.releasing;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
  }

  private async route<T>(processId: string, local: (service: ComputeService) => Promise<T>, remote: (peer: PeerClient) => Promise<T>): Promise<T> {
    const owner = this.ownerOf(processId);
    if (owner.id === this.deps.membership.self.id) return local(this.deps.local);
    try {
      const value = await remote(this.peer(owner));
      this.forwardedTotal++;
      return value;
    } catch (err) {
      if (!(err instanceof OwnerUnreachableError)) throw err;
      this.fallbackTotal++;
      this.deps.logger.warn({ event: "cu.router.owner_unreachable", processId, owner: owner.id, error: err.message });
      return local(this.deps.local);
    }
  }

  private peer(member: Member): PeerClient {
    const key = `${member.id}@${member.grpcAddress}`;
    let peer = this.peers.get(key);
    if (peer === undefined) {
      peer = new PeerClient(member.id, member.grpcAddress, this.deps.bounds.forwardTimeoutMs);
      this.peers.set(key, peer);
    }
    return peer;
  }

  /** The handoff: drop clients of departed pods and give away (checkpoint + stop) what moved. */
  private membersChanged(members: readonly Member[]): void {
    const live = new Set(members.map((m) => `${m.id}@${m.grpcAddress}`));
    for (const [key, peer] of this.peers) {
      if (live.has(key)) continue;
      peer.close();
      this.peers.delete(key);
    }
    const self = this.deps.membership.self.id;
    this.releasing = this.releasing.then(async () => {
      // Ownership is read when the release runs, not when it was queued: a burst of changes (the
      // operator moving many AOProcesses) is judged against the newest view.
      const released = await this.deps.local.release((pid) => this.ownerOf(pid).id === self).catch((err: unknown) => {
        this.deps.logger.error({ event: "cu.router.release_failed", error: String(err) });
        return [];
      });
      this.releasedTotal += released.length;
      if (released.length > 0) this.deps.logger.info({ event: "cu.router.released", processes: released.length, members: members.map((m) => m.id) });
    });
  }
}
