import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlacementInputError } from "../errors.ts";
import { diskKey, place, type Disk, type ExistingPartition, type PlacementRequest, type PlacementResult } from "./placement.ts";

const size = 1000;

function disks(nodes: number, perNode: number, slots = 4): Disk[] {
  const out: Disk[] = [];
  for (let n = 0; n < nodes; n++) {
    for (let d = 0; d < perNode; d++) out.push({ node: `node-${n}`, path: `/mnt/d${d}`, capacityBytes: slots * size + 1 });
  }
  return out;
}

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

function request(over: Partial<PlacementRequest>): PlacementRequest {
  return { indices: [], partitionSizeBytes: size, disks: [], existing: [], policy: "Spread", allowMovingPacked: false, ...over };
}

function asExisting(result: PlacementResult, packed: (i: number) => boolean = () => false): ExistingPartition[] {
  return result.assignments.map((a) => ({ index: a.index, node: a.node, path: a.path, packed: packed(a.index) }));
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

// Deterministic PRNG (mulberry32) so property tests are reproducible.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("place()", () => {
  it("puts one partition on every disk before any disk gets a second", () => {
    const r = place(request({ indices: range(8), disks: disks(4, 2) }));
    assert.equal(r.assignments.length, 8);
    const perDisk = countBy(r.assignments, (a) => diskKey(a.node, a.path));
    assert.equal(perDisk.size, 8);
    const r2 = place(request({ indices: range(9), disks: disks(4, 2) }));
    assert.equal(Math.max(...countBy(r2.assignments, (a) => diskKey(a.node, a.path)).values()), 2);
  });

  it("Spread spreads across nodes; Pack fills a node's disks first", () => {
    const spread = place(request({ indices: range(4), disks: disks(4, 4) }));
    assert.equal(new Set(spread.assignments.map((a) => a.node)).size, 4);
    const pack = place(request({ indices: range(4), disks: disks(4, 4), policy: "Pack" }));
    assert.equal(new Set(pack.assignments.map((a) => a.node)).size, 1);
    assert.equal(new Set(pack.assignments.map((a) => a.path)).size, 4, "still one per disk");
  });

  it("respects capacity and maxPartitionsPerDisk, reporting the rest as NoCapacity", () => {
    const r = place(request({ indices: range(7), disks: disks(3, 1, 2) }));
    assert.equal(r.assignments.length, 6);
    assert.deepEqual(r.unplaced, [{ index: 6, reason: "NoCapacity" }]);
    const capped = place(request({ indices: range(7), disks: disks(3, 1, 5), maxPartitionsPerDisk: 1 }));
    assert.equal(capped.assignments.length, 3);
    assert.deepEqual(capped.unplaced.map((u) => u.index), [3, 4, 5, 6]);
    const tooSmall = place(request({ indices: [0], disks: [{ node: "a", path: "/d", capacityBytes: size - 1 }] }));
    assert.deepEqual(tooSmall.unplaced, [{ index: 0, reason: "NoCapacity" }]);
  });

  it("is a fixed point: placing again with its own output moves nothing", () => {
    const first = place(request({ indices: range(40), disks: disks(7, 3) }));
    const again = place(request({ indices: range(40), disks: disks(7, 3), existing: asExisting(first) }));
    assert.deepEqual(again.assignments, first.assignments);
    assert.ok(again.assignments.every((a) => !a.moved));
  });

  it("adding nodes never moves existing partitions; new partitions go to the emptiest disks", () => {
    const first = place(request({ indices: range(8), disks: disks(2, 2) }));
    const grown = place(request({ indices: range(12), disks: disks(4, 2), existing: asExisting(first) }));
    for (const a of first.assignments) assert.deepEqual(grown.assignments[a.index], { ...a, moved: false, stranded: false });
    const newOnes = grown.assignments.filter((a) => a.index >= 8);
    assert.ok(newOnes.every((a) => a.node === "node-2" || a.node === "node-3"), JSON.stringify(newOnes));
  });

  it("never moves a packed partition off a lost disk unless told; unpacked ones move", () => {
    const first = place(request({ indices: range(4), disks: disks(2, 2) }));
    const lost = first.assignments.filter((a) => a.node === "node-0");
    const remaining = disks(3, 2).filter((d) => d.node !== "node-0");
    const packedIndex = lost[0]!.index;
    const existing = asExisting(first, (i) => i === packedIndex);
    const r = place(request({ indices: range(4), disks: remaining, existing }));
    const kept = r.assignments[packedIndex]!;
    assert.equal(kept.node, "node-0");
    assert.equal(kept.stranded, true);
    const movedOne = r.assignments[lost[1]!.index]!;
    assert.notEqual(movedOne.node, "node-0");
    assert.equal(movedOne.moved, true);
    const told = place(request({ indices: range(4), disks: remaining, existing, allowMovingPacked: true }));
    assert.notEqual(told.assignments[packedIndex]!.node, "node-0");
    assert.equal(told.assignments[packedIndex]!.moved, true);
  });

  it("when a disk shrinks, packed partitions keep their slots before unpacked ones", () => {
    const disk = { node: "a", path: "/d", capacityBytes: 3 * size };
    const other = { node: "b", path: "/d", capacityBytes: 3 * size };
    const existing = [0, 1, 2].map((index) => ({ index, node: "a", path: "/d", packed: index === 2 }));
    const r = place(request({ indices: [0, 1, 2], disks: [{ ...disk, capacityBytes: 1 * size }, other], existing }));
    assert.deepEqual(r.assignments.map((a) => [a.index, a.node, a.moved]), [[0, "b", true], [1, "b", true], [2, "a", false]]);
  });

  it("reports existing partitions that are no longer desired", () => {
    const first = place(request({ indices: range(6), disks: disks(3, 1) }));
    const r = place(request({ indices: range(4), disks: disks(3, 1), existing: asExisting(first) }));
    assert.deepEqual(r.removed.map((e) => e.index), [4, 5]);
    assert.equal(r.assignments.length, 4);
  });

  it("handles explicit sparse index lists and returns assignments sorted by index", () => {
    const r = place(request({ indices: [42, 7, 1000], disks: disks(2, 2) }));
    assert.deepEqual(r.assignments.map((a) => a.index), [7, 42, 1000]);
  });

  it("property: from scratch, per-disk counts differ by at most one and slots are never exceeded", () => {
    const random = rng(7);
    for (let round = 0; round < 200; round++) {
      const nodes = 1 + Math.floor(random() * 12);
      const perNode = 1 + Math.floor(random() * 5);
      const slots = 1 + Math.floor(random() * 4);
      const count = Math.floor(random() * nodes * perNode * slots * 1.2);
      const r = place(request({ indices: range(count), disks: disks(nodes, perNode, slots) }));
      const perDisk = [...countBy(r.assignments, (a) => diskKey(a.node, a.path)).values()];
      assert.equal(r.assignments.length + r.unplaced.length, count);
      assert.ok(perDisk.every((c) => c <= slots));
      if (r.unplaced.length === 0 && perDisk.length > 0) {
        const min = perDisk.length < nodes * perNode ? 0 : Math.min(...perDisk);
        assert.ok(Math.max(...perDisk) - min <= 1, `round ${round}: ${perDisk}`);
        const perNodeCount = [...countBy(r.assignments, (a) => a.node).values()];
        const nodeMin = perNodeCount.length < nodes ? 0 : Math.min(...perNodeCount);
        assert.ok(Math.max(...perNodeCount) - nodeMin <= perNode, `round ${round}: nodes ${perNodeCount}`);
      }
    }
  });

  it("property: with random existing state and lost disks, packed partitions never move and nothing is lost", () => {
    const random = rng(11);
    for (let round = 0; round < 100; round++) {
      const all = disks(6, 3, 3);
      const first = place(request({ indices: range(30), disks: all }));
      const survivors = all.filter(() => random() > 0.3);
      const packed = new Set(first.assignments.filter(() => random() > 0.5).map((a) => a.index));
      const r = place(request({ indices: range(30), disks: survivors, existing: asExisting(first, (i) => packed.has(i)) }));
      const before = new Map(first.assignments.map((a) => [a.index, a]));
      for (const a of r.assignments) {
        if (packed.has(a.index)) assert.equal(diskKey(a.node, a.path), diskKey(before.get(a.index)!.node, before.get(a.index)!.path));
      }
      assert.equal(r.assignments.length + r.unplaced.length, 30);
    }
  });

  it("rejects inconsistent input with PlacementInputError", () => {
    assert.throws(() => place(request({ indices: [1, 1] })), PlacementInputError);
    assert.throws(() => place(request({ indices: [-1] })), PlacementInputError);
    assert.throws(() => place(request({ partitionSizeBytes: 0 })), PlacementInputError);
    assert.throws(() => place(request({ disks: [...disks(1, 1), ...disks(1, 1)] })), PlacementInputError);
    assert.throws(() => place(request({ maxPartitionsPerDisk: 0 })), PlacementInputError);
  });
});
