// The partition-list planner (pure): what to open and close when the desired list changes, moves to
// another disk, and when a Failed module is retried (only on a new revision).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planChanges, staticAssignments, type HeldPartition, type PartitionAssignment } from "./assignments.ts";

const a = (partition: number, root = "/d0", revision = "1"): PartitionAssignment => ({ partition, root, revision });
const held = (...entries: [PartitionAssignment, boolean][]) => new Map<number, HeldPartition>(entries.map(([assignment, failed]) => [assignment.partition, { assignment, failed }]));

describe("planChanges", () => {
  it("opens new partitions and closes the ones no longer listed", () => {
    const c = planChanges(held([a(1), false], [a(2), false]), [a(2), a(3)]);
    assert.deepEqual(c, { close: [1], open: [a(3)], update: [] });
  });

  it("re-opens a partition moved to another disk", () => {
    const c = planChanges(held([a(1, "/d0"), false]), [a(1, "/d1", "2")]);
    assert.deepEqual(c, { close: [1], open: [a(1, "/d1", "2")], update: [] });
  });

  it("retries a failed module only on a new revision; a healthy one just records it", () => {
    assert.deepEqual(planChanges(held([a(1), true]), [a(1)]), { close: [], open: [], update: [] });
    assert.deepEqual(planChanges(held([a(1), true]), [a(1, "/d0", "2")]), { close: [1], open: [a(1, "/d0", "2")], update: [] });
    assert.deepEqual(planChanges(held([a(1), false]), [a(1, "/d0", "2")]), { close: [], open: [], update: [a(1, "/d0", "2")] });
  });

  it("keeps the first of duplicate entries and sorts its output", () => {
    const c = planChanges(new Map(), [a(5), a(2, "/x"), a(2, "/y")]);
    assert.deepEqual(c.open, [a(2, "/x"), a(5)]);
  });

  it("turns the config file's modules into assignments with one fixed revision", () => {
    assert.deepEqual(staticAssignments([{ partition: 0, root: "/m" }]), [{ partition: 0, root: "/m", revision: "config" }]);
  });
});
