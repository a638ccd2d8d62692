// A Partition on a disk its node agent reports broken is not "packed": its data is lost, so placement
// may move it and the Replica does not count it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Partition, Replica } from "../../protocol/crds/index.ts";
import { place } from "../placement/placement.ts";
import { replicaStatus, toExisting } from "./desired.ts";

const size = 8 * 262_144;

function partition(index: number, path: string, status: Partition["status"]): Partition {
  return {
    apiVersion: "arkube.dev/v1alpha1",
    kind: "Partition",
    metadata: { name: `r-p${index}`, namespace: "ns" },
    spec: { replicaName: "r", index, nodeName: "n1", diskPath: path, packing: "spora_2_6", partitionSizeBytes: size, deletionPolicy: "Retain" },
    status,
  };
}

const healthy = partition(0, "/d/a", { phase: "Mining", packedBytes: size, conditions: [] });
const broken = partition(1, "/d/b", {
  phase: "Failed",
  packedBytes: size,
  conditions: [{ type: "DiskHealthy", status: "False", reason: "CorruptData", message: "chunk 3 fails its proof", lastTransitionTime: "2026-01-01T00:00:00Z" }],
});
const failedOtherwise = partition(2, "/d/c", {
  phase: "Failed",
  packedBytes: size,
  conditions: [{ type: "DiskHealthy", status: "Unknown", reason: "UnsupportedSpec", message: "size differs", lastTransitionTime: "2026-01-01T00:00:00Z" }],
});

describe("partitions on a broken disk", () => {
  it("are not packed for placement, so they move off a disk the agent dropped from its inventory", () => {
    const existing = toExisting([healthy, broken, failedOtherwise]);
    assert.deepEqual(existing.map((e) => [e.index, e.packed]), [[0, true], [1, false], [2, true]]);
    // /d/b is gone from the inventory: the broken partition moves to /d/d; the packed one on /d/c stays.
    const result = place({
      indices: [0, 1, 2],
      partitionSizeBytes: size,
      disks: [{ node: "n1", path: "/d/a", capacityBytes: size }, { node: "n1", path: "/d/c", capacityBytes: size }, { node: "n1", path: "/d/d", capacityBytes: size }],
      existing,
      policy: "Spread",
      allowMovingPacked: false,
    });
    assert.deepEqual(result.assignments.map((a) => [a.index, a.path, a.moved]), [[0, "/d/a", false], [1, "/d/d", true], [2, "/d/c", false]]);
  });

  it("do not count as packed in the Replica status", () => {
    const replica = { apiVersion: "arkube.dev/v1alpha1", kind: "Replica", metadata: { name: "r", namespace: "ns", generation: 1 }, spec: { partitionSizeBytes: size } } as unknown as Replica;
    const placement = { assignments: [], unplaced: [], removed: [] };
    const status = replicaStatus(replica, { desired: 2, placement, partitions: [healthy, broken], eligibleDisks: 2 }, new Date(0));
    assert.deepEqual(status.partitions, { desired: 2, placed: 0, packed: 1, mining: 1 });
  });
});
