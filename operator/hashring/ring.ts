// Consistent hashing with virtual nodes: each member owns `vnodesPerMember` points on a 32-bit ring
// (from SHA-256 of "member#i"); a key belongs to the first point clockwise from its own hash. Adding
// or removing one of N members moves only the keys on that member's arcs: about 1/N of them.
// Immutable: build a new ring when the members change (building is O(M*V log(M*V))).
import { createHash } from "node:crypto";
import { RingEmptyError } from "../errors.ts";

/** 160 points per member keep the load within a few percent of even for tens of members. */
export const vnodesPerMemberDefault = 160;

export interface HashRing {
  readonly members: readonly string[];
  /** The member owning the key. Throws RingEmptyError on an empty ring. */
  owner(key: string): string;
}

export function hash32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

export function buildRing(members: readonly string[], vnodesPerMember: number = vnodesPerMemberDefault): HashRing {
  const unique = [...new Set(members)].sort();
  const points: { at: number; member: string }[] = [];
  for (const member of unique) {
    for (let i = 0; i < vnodesPerMember; i++) points.push({ at: hash32(`${member}#${i}`), member });
  }
  // Ties (rare 32-bit collisions) are broken by member name so every operator replica agrees.
  points.sort((a, b) => a.at - b.at || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  const at = Uint32Array.from(points.map((p) => p.at));
  const owners = points.map((p) => p.member);
  return {
    members: unique,
    owner(key: string): string {
      if (owners.length === 0) throw new RingEmptyError(`no member to own ${key}`);
      const h = hash32(key);
      let lo = 0;
      let hi = at.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (at[mid]! < h) lo = mid + 1;
        else hi = mid;
      }
      return owners[lo === at.length ? 0 : lo]!;
    },
  };
}
