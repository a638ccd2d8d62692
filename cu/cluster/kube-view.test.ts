// The pure Kubernetes view: which pods are members (the operator's readiness rule, addressed by pod IP
// and named ports), and ownership by AOProcess assignment with the operator's ring as the fallback.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildRing } from "../../operator/hashring/ring.ts";
import { AssignmentIndex, kubeOwner, membersFromPods, ownershipView, type CuPodLike } from "./kube-view.ts";

const ports = { http: "http", grpc: "grpc" };

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; deleting?: boolean; ports?: { name: string; containerPort: number }[] } = {}): CuPodLike {
  return {
    metadata: { name, ...(opts.deleting === true ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { containers: [{ ports: opts.ports ?? [{ name: "http", containerPort: 6363 }, { name: "grpc", containerPort: 6364 }] }] },
    status: { phase: "Running", ...(ip === undefined ? {} : { podIP: ip }), conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
  };
}

const proc = (name: string, processId: string, assignedPod?: string) => ({ metadata: { name }, spec: { processId }, ...(assignedPod === undefined ? {} : { status: { assignedPod } }) });

describe("membersFromPods", () => {
  it("takes Ready, non-terminating pods with an IP and both named ports, sorted by name", () => {
    const got = membersFromPods(
      [pod("cu-b", "10.0.0.2"), pod("cu-a", "fd00::1"), pod("cu-c", "10.0.0.3", { ready: false }), pod("cu-d", "10.0.0.4", { deleting: true }), pod("cu-e", undefined), pod("cu-f", "10.0.0.6", { ports: [{ name: "http", containerPort: 80 }] })],
      ports,
    );
    assert.deepEqual(got.members, [
      { id: "cu-a", grpcAddress: "[fd00::1]:6364", httpUrl: "http://[fd00::1]:6363" },
      { id: "cu-b", grpcAddress: "10.0.0.2:6364", httpUrl: "http://10.0.0.2:6363" },
    ]);
    assert.deepEqual(got.unaddressable, ["cu-e", "cu-f"]);
  });
});

describe("kubeOwner", () => {
  const view = ownershipView(membersFromPods([pod("cu-0", "10.0.0.1"), pod("cu-1", "10.0.0.2"), pod("cu-2", "10.0.0.3")], ports).members);
  const ring = buildRing(["cu-0", "cu-1", "cu-2"]);

  it("follows status.assignedPod, whatever the ring says", () => {
    for (const pid of ["a", "b", "c", "d"]) {
      const other = ["cu-0", "cu-1", "cu-2"].find((m) => m !== ring.owner(pid))!;
      assert.equal(kubeOwner(pid, other, view)?.id, other);
    }
  });

  it("without an assignment, or one naming a pod it does not hold, goes where the operator would assign it", () => {
    for (const pid of ["a", "b", "c", "d"]) {
      assert.equal(kubeOwner(pid, undefined, view)?.id, ring.owner(pid));
      assert.equal(kubeOwner(pid, "cu-9", view)?.id, ring.owner(pid));
    }
  });

  it("has no owner without members", () => {
    assert.equal(kubeOwner("a", "cu-0", ownershipView([])), undefined);
  });
});

describe("AssignmentIndex", () => {
  it("reports only changes of a process's assigned pod", () => {
    const index = new AssignmentIndex();
    assert.equal(index.upsert(proc("p", "pid-1")), false, "a new process without an assignment keeps its owner");
    assert.equal(index.upsert(proc("p", "pid-1", "cu-0")), true);
    assert.equal(index.upsert(proc("p", "pid-1", "cu-0")), false, "an unrelated status write");
    assert.equal(index.podOf("pid-1"), "cu-0");
    assert.equal(index.upsert(proc("p", "pid-1", "cu-1")), true);
    assert.equal(index.remove("p"), true);
    assert.equal(index.podOf("pid-1"), undefined);
    assert.equal(index.remove("p"), false);
    assert.equal(index.size, 0);
  });

  it("resolves two AOProcesses for one process id by name, the same on every pod", () => {
    const index = new AssignmentIndex();
    index.upsert(proc("z", "pid", "cu-1"));
    assert.equal(index.upsert(proc("a", "pid", "cu-0")), true);
    assert.equal(index.podOf("pid"), "cu-0");
    assert.equal(index.upsert(proc("z", "pid", "cu-2")), false, "the shadowed entry does not decide");
    assert.equal(index.remove("a"), true);
    assert.equal(index.podOf("pid"), "cu-2");
  });
});
