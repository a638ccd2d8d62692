import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RingEmptyError } from "../errors.ts";
import { buildRing } from "./ring.ts";

const keys = Array.from({ length: 10_000 }, (_, i) => `process-${i}`);
const pods = (n: number) => Array.from({ length: n }, (_, i) => `cu-${i}`);

function assign(members: string[]): Map<string, string> {
  const ring = buildRing(members);
  return new Map(keys.map((k) => [k, ring.owner(k)]));
}

function movedFraction(a: Map<string, string>, b: Map<string, string>): number {
  let moved = 0;
  for (const [k, owner] of a) if (b.get(k) !== owner) moved++;
  return moved / a.size;
}

describe("consistent hash ring", () => {
  it("is deterministic and independent of member order or duplicates", () => {
    const a = buildRing(["x", "y", "z"]);
    const b = buildRing(["z", "x", "y", "x"]);
    assert.deepEqual(b.members, ["x", "y", "z"]);
    for (const k of keys.slice(0, 500)) assert.equal(a.owner(k), b.owner(k));
  });

  it("scaling 20 -> 21 moves about 1/21 of the keys, all of them to the new member", () => {
    const before = assign(pods(20));
    const after = assign(pods(21));
    const moved = movedFraction(before, after);
    assert.ok(moved > 0.5 / 21 && moved < 1.6 / 21, `moved ${moved}`);
    for (const [k, owner] of after) if (before.get(k) !== owner) assert.equal(owner, "cu-20");
  });

  it("removing one of 20 moves only that member's keys (about 1/20)", () => {
    const before = assign(pods(20));
    const after = assign(pods(20).filter((p) => p !== "cu-7"));
    for (const [k, owner] of before) if (owner !== "cu-7") assert.equal(after.get(k), owner, k);
    const moved = movedFraction(before, after);
    assert.ok(moved > 0.5 / 20 && moved < 1.6 / 20, `moved ${moved}`);
  });

  it("spreads load within +-30% of even over 20 members", () => {
    const counts = new Map<string, number>();
    for (const owner of assign(pods(20)).values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    assert.equal(counts.size, 20);
    const even = keys.length / 20;
    for (const [member, c] of counts) assert.ok(c > even * 0.7 && c < even * 1.3, `${member}: ${c}`);
  });

  it("a single member owns everything; an empty ring throws RingEmptyError", () => {
    const one = buildRing(["only"]);
    assert.ok(keys.slice(0, 100).every((k) => one.owner(k) === "only"));
    assert.throws(() => buildRing([]).owner("k"), RingEmptyError);
  });
});
