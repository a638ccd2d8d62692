// Which compute pods are alive and which one owns a process. Membership is an interface because its
// source differs by environment: in Kubernetes the operator's AOProcess assignment and the Ready cu pods
// provide it (kube-membership.ts); without Kubernetes each pod heartbeats into a NATS KV bucket whose
// max_age expires the key of a pod that stopped (or was killed), and ownership is rendezvous hashing.
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { ownerOf, sameMembers, type Member } from "./ring.ts";

export interface Membership {
  readonly self: Member;
  /**
   * The current live view. The NATS KV source always includes self; the Kubernetes source includes
   * self only while its pod is Ready and not terminating (as the operator sees it).
   */
  members(): readonly Member[];
  /** The member that owns `processId` in the current view; undefined when there is none. */
  ownerOf(processId: string): Member | undefined;
  /**
   * Called with the new view whenever members or ownership may have changed (a pod came or went, an
   * AOProcess was reassigned); returns an unsubscribe function.
   */
  onChange(listener: (members: readonly Member[]) => void): () => void;
  /** Leaves the group (others stop routing here once they see it) and stops heartbeating. */
  close(): Promise<void>;
}

export const membersBucket = "arkube-cu-members";

export interface HeartbeatBounds {
  /** How often a pod writes its key and re-reads the view. */
  readonly heartbeatIntervalMs: number;
  /** A pod whose key is this old is gone (the bucket's max_age; the first pod to create it sets it). */
  readonly memberTtlMs: number;
}

export const heartbeatBoundsDefault: HeartbeatBounds = Object.freeze({ heartbeatIntervalMs: 1_000, memberTtlMs: 5_000 });

function parseMember(id: string, json: unknown): Member | undefined {
  const m = json as Partial<Member> | null;
  if (typeof m?.grpcAddress !== "string" || typeof m.httpUrl !== "string") return undefined;
  return { id, grpcAddress: m.grpcAddress, httpUrl: m.httpUrl };
}

export class NatsKvMembership implements Membership {
  private view: readonly Member[];
  private readonly listeners = new Set<(members: readonly Member[]) => void>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly kv: KV,
    readonly self: Member,
    private readonly bounds: HeartbeatBounds,
    private readonly logger: Logger,
  ) {
    this.view = [self];
  }

  /** Joins: writes the first heartbeat and reads the view before returning. */
  static async join(nc: NatsConnection, self: Member, bounds: HeartbeatBounds, logger: Logger, replicas = 1): Promise<NatsKvMembership> {
    if (self.id.includes(".") || self.id === "") throw new ConfigError(`member id ${JSON.stringify(self.id)} must be a non-empty KV key without dots`);
    const kv = await new Kvm(nc).create(membersBucket, { replicas, ttl: bounds.memberTtlMs, history: 1 });
    const membership = new NatsKvMembership(kv, self, bounds, logger);
    await membership.tick();
    membership.timer = setInterval(() => {
      membership.ticking = membership.ticking.then(() => membership.tick());
    }, bounds.heartbeatIntervalMs);
    return membership;
  }

  members(): readonly Member[] {
    return this.view;
  }

  ownerOf(processId: string): Member | undefined {
    return ownerOf(processId, this.view);
  }

  onChange(listener: (members: readonly Member[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.kv.delete(this.self.id).catch(() => undefined);
    this.logger.info({ event: "cu.membership.left", memberId: this.self.id });
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      await this.kv.put(this.self.id, JSON.stringify({ grpcAddress: this.self.grpcAddress, httpUrl: this.self.httpUrl }));
      const next = await this.read();
      if (sameMembers(next, this.view)) return;
      this.view = next;
      this.logger.info({ event: "cu.membership.changed", members: next.map((m) => m.id) });
      for (const listener of this.listeners) listener(next);
    } catch (err) {
      // A NATS outage keeps the last view; the key expires elsewhere if it lasts past memberTtlMs.
      this.logger.warn({ event: "cu.membership.heartbeat_failed", error: String(err) });
    }
  }

  private async read(): Promise<Member[]> {
    const members: Member[] = [];
    const seen = new Set<string>();
    for await (const key of await this.kv.keys()) {
      // keys() may name a key twice while it is being rewritten.
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = await this.kv.get(key);
      if (entry === null || entry.operation !== "PUT") continue;
      const member = parseMember(key, entry.json());
      if (member !== undefined) members.push(member);
    }
    if (!members.some((m) => m.id === this.self.id)) members.push(this.self);
    return members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
