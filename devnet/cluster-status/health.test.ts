// The pure core of `arkube status`: CR lists -> per-kind health and problems, and which problems
// make the cluster unhealthy (the exit status) and which are only warnings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarize, type ClusterObjects } from "./health.ts";
import {
  aoProcess, assignedStatus, condition, hashChain, partition, readyHashChainStatus, readyReplicaStatus, replica,
} from "./test-fixtures.ts";

const now = new Date("2026-01-01T00:01:00Z");
const empty: ClusterObjects = { replicas: [], partitions: [], hashChains: [], aoProcesses: [] };

function healthyCluster(): ClusterObjects {
  return {
    replicas: [replica("main", "arkube", readyReplicaStatus(2, 60))],
    partitions: [
      partition("main-1", "arkube", "main", 1, { phase: "Mining", progressPercent: 100, hashrate: 25 }),
      partition("main-0", "arkube", "main", 0, { phase: "Mining", progressPercent: 100, hashrate: 35 }),
    ],
    hashChains: [hashChain("main", "arkube", readyHashChainStatus("vdf-0", 1234, "2026-01-01T00:00:57Z"))],
    aoProcesses: [
      aoProcess("p1", "arkube", assignedStatus("cu-1")),
      aoProcess("p2", "arkube", assignedStatus("cu-0")),
      aoProcess("p3", "arkube", assignedStatus("cu-0")),
    ],
  };
}

describe("summarize", () => {
  it("an empty cluster is healthy with nothing to report", () => {
    const h = summarize(empty, now);
    assert.equal(h.healthy, true);
    assert.deepEqual(h.problems, []);
    assert.equal(h.partitions.total, 0);
    assert.deepEqual(h.partitions.byPhase, []);
  });

  it("a cluster where everything mines and every process is assigned is healthy", () => {
    const h = summarize(healthyCluster(), now);
    assert.equal(h.healthy, true, JSON.stringify(h.problems));
    assert.equal(h.errors + h.warnings, 0);
    assert.deepEqual(h.replicas[0], {
      namespace: "arkube", name: "main", desired: 2, placed: 2, packed: 2, mining: 2, hashrate: 60, ready: "True",
      conditions: [
        { type: "Placed", status: "True", reason: "AllPlaced", message: "2 of 2 partitions placed" },
        { type: "Progressing", status: "False", reason: "Complete", message: "every partition is mining" },
        { type: "Ready", status: "True", reason: "AllMining", message: "2 of 2 partitions mining" },
      ],
    });
    // Partitions in replica/index order whatever the list order.
    assert.deepEqual(h.partitions.items.map((p) => p.index), [0, 1]);
    assert.deepEqual(h.partitions.byPhase, [{
      phase: "Mining", count: 2, progressPercentMean: 100, progressPercentMin: 100, bytesPerSecond: undefined, hashrate: 60,
    }]);
    assert.equal(h.hashChains[0]?.leader, "vdf-0");
    assert.equal(h.hashChains[0]?.step, 1234);
    assert.equal(h.hashChains[0]?.stepAgeSeconds, 3);
    assert.deepEqual(h.aoProcesses, { total: 3, byPod: [{ pod: "cu-0", count: 2 }, { pod: "cu-1", count: 1 }], notReady: [] });
  });

  it("a Failed partition is an error that carries its lastError", () => {
    const objects = healthyCluster();
    objects.partitions.push(partition("main-2", "arkube", "main", 2, { phase: "Failed", progressPercent: 40, lastError: "disk /mnt/disk-2: EIO" }));
    const h = summarize(objects, now);
    assert.equal(h.healthy, false);
    assert.equal(h.errors, 1);
    assert.deepEqual(h.problems, [{ severity: "error", kind: "Partition", namespace: "arkube", name: "main-2", message: "Failed: disk /mnt/disk-2: EIO" }]);
    assert.deepEqual(h.partitions.failed.map((f) => [f.name, f.lastError]), [["main-2", "disk /mnt/disk-2: EIO"]]);
  });

  it("groups partitions by phase in lifecycle order with progress and throughput", () => {
    const h = summarize({
      ...empty,
      partitions: [
        partition("a", "ns", "r", 0, { phase: "Mining", hashrate: 10 }),
        partition("b", "ns", "r", 1, { phase: "Packing", progressPercent: 20, packingBytesPerSecond: 1000 }),
        partition("c", "ns", "r", 2, { phase: "Packing", progressPercent: 60, packingBytesPerSecond: 3000 }),
        partition("d", "ns", "r", 3, { phase: "Syncing", progressPercent: 5, syncBytesPerSecond: 7 }),
        partition("e", "ns", "r", 4),
      ],
    }, now);
    assert.deepEqual(h.partitions.byPhase.map((s) => [s.phase, s.count, s.progressPercentMean, s.progressPercentMin, s.bytesPerSecond, s.hashrate]), [
      ["None", 1, undefined, undefined, undefined, undefined],
      ["Syncing", 1, 5, 5, 7, undefined],
      ["Packing", 2, 40, 20, 4000, undefined],
      ["Mining", 1, undefined, undefined, undefined, 10],
    ]);
    // No phase yet is not a problem in itself: the Replica's conditions say whether it is stuck.
    assert.equal(h.healthy, true);
  });

  it("a lastError outside Failed is a retry: a warning", () => {
    const h = summarize({ ...empty, partitions: [partition("a", "ns", "r", 0, { phase: "Syncing", lastError: "peer timeout" })] }, now);
    assert.equal(h.healthy, true);
    assert.deepEqual(h.problems.map((p) => [p.severity, p.message]), [["warning", "Syncing, last error: peer timeout"]]);
  });

  const packingReplica = (progressing: "True" | "False") => replica("r", "ns", {
    observedGeneration: 1,
    partitions: { desired: 4, placed: 3, packed: 1, mining: 1 },
    conditions: [
      condition("Placed", "False", "NoCapacity", "1 partition does not fit"),
      condition("Progressing", progressing, progressing === "True" ? "Packing" : "Stalled", "1 of 4 partitions packed"),
      condition("Ready", "False", "PartitionsNotMining", "1 of 4 partitions mining"),
    ],
  });

  it("Ready=False is an error when nothing progresses; the other abnormal conditions next to it are warnings", () => {
    const h = summarize({ ...empty, replicas: [packingReplica("False")] }, now);
    assert.equal(h.healthy, false);
    assert.deepEqual(h.problems.map((p) => [p.severity, p.kind, p.message]), [
      ["error", "Replica", "Ready=False (PartitionsNotMining): 1 of 4 partitions mining"],
      ["warning", "Replica", "Placed=False (NoCapacity): 1 partition does not fit"],
    ]);
    assert.equal(h.replicas[0]?.ready, "False");
  });

  it("Ready=False while Progressing=True (still packing) is a warning", () => {
    const h = summarize({ ...empty, replicas: [packingReplica("True")] }, now);
    assert.equal(h.healthy, true);
    assert.deepEqual(h.problems.map((p) => [p.severity, p.message]), [
      ["warning", "Ready=False (PartitionsNotMining): 1 of 4 partitions mining"],
      ["warning", "Placed=False (NoCapacity): 1 partition does not fit"],
    ]);
  });

  it("Ready=Unknown and Degraded=True are warnings only", () => {
    const status = readyHashChainStatus("vdf-0", 5, "2026-01-01T00:00:00Z");
    status.conditions = [
      condition("Degraded", "True", "FollowerMissing", "1 of 2 vdf pods ready: no standby"),
      condition("Ready", "Unknown", "Starting", ""),
    ];
    const h = summarize({ ...empty, hashChains: [hashChain("c", "ns", status)] }, now);
    assert.equal(h.healthy, true);
    assert.deepEqual(h.problems.map((p) => [p.severity, p.message]), [
      ["warning", "Ready=Unknown (Starting)"],
      ["warning", "Degraded=True (FollowerMissing): 1 of 2 vdf pods ready: no standby"],
    ]);
  });

  it("objects the operator has not looked at, or not since the last spec change, are warnings", () => {
    const stale = replica("stale", "ns", readyReplicaStatus(2, 0));
    stale.metadata.generation = 3;
    const h = summarize({ ...empty, replicas: [replica("new", "ns"), stale] }, now);
    assert.equal(h.healthy, true);
    assert.deepEqual(h.problems.map((p) => [p.name, p.message]), [
      ["new", "no status yet (is the arkube operator running?)"],
      ["stale", "status is for generation 1, the spec is at 3"],
    ]);
  });

  it("an AOProcess without an assigned pod is not ready: an error, listed with its reason", () => {
    const h = summarize({
      ...empty,
      aoProcesses: [
        aoProcess("ok", "ns", assignedStatus("cu-0")),
        aoProcess("unassigned", "ns", { conditions: [condition("Assigned", "False", "NoComputePods", "no ready compute pod")] }),
        aoProcess("fresh", "ns"),
      ],
    }, now);
    assert.equal(h.healthy, false);
    assert.equal(h.errors, 2);
    assert.deepEqual(h.aoProcesses.byPod, [{ pod: "cu-0", count: 1 }]);
    assert.deepEqual(h.aoProcesses.notReady.map((n) => [n.name, n.reason, n.message]), [
      ["fresh", "NoStatus", "no status yet (is the arkube operator running?)"],
      ["unassigned", "NoComputePods", "no ready compute pod"],
    ]);
  });

  it("the step age is absent without a parseable stepTime and never negative", () => {
    const future = summarize({ ...empty, hashChains: [hashChain("c", "ns", readyHashChainStatus("v", 1, "2026-01-01T00:05:00Z"))] }, now);
    assert.equal(future.hashChains[0]?.stepAgeSeconds, 0);
    const none = summarize({ ...empty, hashChains: [hashChain("c", "ns", { leader: "v" })] }, now);
    assert.equal(none.hashChains[0]?.stepAgeSeconds, undefined);
    assert.equal(none.hashChains[0]?.ready, undefined);
  });
});
