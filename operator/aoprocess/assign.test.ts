import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AOProcess } from "../../protocol/crds/index.ts";
import { buildRing } from "../hashring/ring.ts";
import { assignmentStatus, readyPodNames } from "./assign.ts";

const pod = (name: string, phase: string, ready: boolean, deleting = false) => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

const proc: AOProcess = {
  apiVersion: "arkube.dev/v1alpha1", kind: "AOProcess", metadata: { name: "p", generation: 3 },
  spec: { processId: "p".repeat(43), module: { id: "m".repeat(43) }, scheduler: "s".repeat(43) },
};

describe("AOProcess assignment", () => {
  it("counts only Running, Ready, non-terminating pods", () => {
    const pods = [pod("c", "Running", true), pod("a", "Running", true), pod("b", "Pending", false), pod("d", "Running", false), pod("e", "Running", true, true)];
    assert.deepEqual(readyPodNames(pods), ["a", "c"]);
  });

  it("assigns by the ring and says so in the Assigned condition", () => {
    // The message names only the owner: a message that changed with the pod count would rewrite every
    // process whenever any pod came or went.
    const ring = buildRing(["cu-0", "cu-1", "cu-2"]);
    const s = assignmentStatus(proc, ring, new Date("2026-01-01T00:00:00Z"));
    assert.equal(s.assignedPod, ring.owner(proc.spec.processId));
    assert.equal(s.conditions?.[0]?.status, "True");
    assert.equal(s.conditions?.[0]?.observedGeneration, 3);
  });

  it("the status does not change with the pod count while the owner stays", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    // A second pod that does not take this process: the owner stays, only the count changes.
    let i = 0;
    while (buildRing(["cu-0", `other-${i}`]).owner(proc.spec.processId) !== "cu-0") i++;
    assert.deepEqual(assignmentStatus(proc, buildRing(["cu-0", `other-${i}`]), at), assignmentStatus(proc, buildRing(["cu-0"]), at));
  });

  it("with no ready pod: no assignedPod and Assigned=False NoComputePods", () => {
    const s = assignmentStatus(proc, buildRing([]), new Date());
    assert.equal(s.assignedPod, undefined);
    assert.equal(s.conditions?.[0]?.reason, "NoComputePods");
  });
});
