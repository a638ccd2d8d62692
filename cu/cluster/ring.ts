// Process ownership by rendezvous (highest-random-weight) hashing: the owner of a process is the live
// member with the largest hash(member id, process id). It is consistent hashing without a ring to
// maintain: when a member joins, only the processes it now wins move (about 1/N); when one leaves,
// only its own processes move. The reference CU's hosts[hash(pid) % N] moves most processes instead.
import { createHash } from "node:crypto";

export interface Member {
  /** Stable for the pod's lifetime (the pod name in Kubernetes). */
  readonly id: string;
  /** host:port of the pod's gRPC server. */
  readonly grpcAddress: string;
  /** Base URL of the pod's HTTP API. */
  readonly httpUrl: string;
}

function weight(memberId: string, processId: string): bigint {
  return createHash("sha256").update(memberId).update("\0").update(processId).digest().readBigUInt64BE(0);
}

/** The owning member, or undefined when there are no members. Ties (never in practice) go to the smaller id. */
export function ownerOf<T extends Pick<Member, "id">>(processId: string, members: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestWeight = -1n;
  for (const member of members) {
    const w = weight(member.id, processId);
    if (w > bestWeight || (w === bestWeight && best !== undefined && member.id < best.id)) {
      best = member;
      bestWeight = w;
    }
  }
  return best;
}

/** Members in a canonical order, so two views with the same members compare equal. */
export function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  const key = (ms: readonly Member[]): string => ms.map((m) => `${m.id}@${m.grpcAddress}`).sort().join(",");
  return key(a) === key(b);
}
