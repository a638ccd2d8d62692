// Rendezvous ownership: deterministic, spread over members, and a membership change moves only the
// processes of the member that left (or about 1/N to the one that joined).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ownerOf } from "./ring.ts";

const members = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `cu-${i}` }));
const pids = Array.from({ length: 3_000 }, (_, i) => createHash("sha256").update(`p${i}`).digest("base64url"));

describe("ownerOf (rendezvous hashing)", () => {
  it("is deterministic and independent of member order", () => {
    const three = members(3);
    for (const pid of pids.slice(0, 100)) assert.equal(ownerOf(pid, three)?.id, ownerOf(pid, [...three].reverse())?.id);
    assert.equal(ownerOf("x", []), undefined);
  });

  it("spreads processes evenly", () => {
    const counts = new Map<string, number>();
    for (const pid of pids) {
      const id = ownerOf(pid, members(3))!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, count] of counts) assert.ok(count > 850 && count < 1_150, `${id} owns ${count} of 3000`);
  });

  it("moves only the leaving member's processes, and about 1/N to a joining one", () => {
    const three = members(3);
    const two = three.filter((m) => m.id !== "cu-2");
    for (const pid of pids) {
      const before = ownerOf(pid, three)!.id;
      if (before !== "cu-2") assert.equal(ownerOf(pid, two)!.id, before, "a survivor keeps its processes");
    }
    const four = members(4);
    const moved = pids.filter((pid) => ownerOf(pid, three)!.id !== ownerOf(pid, four)!.id);
    assert.ok(moved.every((pid) => ownerOf(pid, four)!.id === "cu-3"), "only moves to the new member");
    assert.ok(moved.length > 600 && moved.length < 900, `${moved.length} of 3000 moved`);
  });
});
