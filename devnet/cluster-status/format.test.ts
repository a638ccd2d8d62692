// The printers of `arkube status`: the exact table an operator reads, the JSON document scripts
// read, and the unit helpers behind the columns.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatJson, formatTable, verdict, type StatusTarget } from "./format.ts";
import { summarize, type ClusterObjects } from "./health.ts";
import { age, bytesRate, hashrate, percent, table } from "./table.ts";
import {
  aoProcess, assignedStatus, condition, hashChain, partition, readyHashChainStatus, readyReplicaStatus, replica,
} from "./test-fixtures.ts";

const now = new Date("2026-01-01T00:01:00Z");
const target: StatusTarget = { context: "prod", server: "https://10.0.0.1:6443", namespace: "arkube" };

function cluster(): ClusterObjects {
  return {
    replicas: [replica("main", "arkube", readyReplicaStatus(3, 1530))],
    partitions: [
      partition("main-0", "arkube", "main", 0, { phase: "Mining", progressPercent: 100, hashrate: 765 }),
      partition("main-1", "arkube", "main", 1, { phase: "Mining", progressPercent: 100, hashrate: 765 }),
      partition("main-2", "arkube", "main", 2, { phase: "Failed", progressPercent: 12.34, lastError: "disk /mnt/disk-2:\nEIO" }),
    ],
    hashChains: [hashChain("main", "arkube", readyHashChainStatus("vdf-0", 98765, "2026-01-01T00:00:58Z"))],
    aoProcesses: [
      aoProcess("p1", "arkube", assignedStatus("cu-0")),
      aoProcess("p2", "arkube", { conditions: [condition("Assigned", "False", "NoComputePods", "no ready compute pod")] }),
    ],
  };
}

describe("formatTable", () => {
  it("prints every section, the failed partition's error and the problems, then the verdict", () => {
    assert.deepEqual(formatTable(target, summarize(cluster(), now)), [
      "context prod   server https://10.0.0.1:6443   namespace arkube",
      "",
      "REPLICAS",
      "NAME   READY   DESIRED   PLACED   PACKED   MINING   HASHRATE    CONDITIONS",
      "main   True    3         3        3        3        1.53 kH/s   Placed=True Progressing=False(Complete) Ready=True",
      "",
      "PARTITIONS (3)",
      "PHASE    COUNT   PROGRESS   RATE",
      "Mining   2       -          1.53 kH/s",
      "Failed   1       12.3%      -",
      "",
      "FAILED PARTITIONS",
      "NAME     REPLICA   INDEX   NODE     DISK          LAST ERROR",
      "main-2   main      2       node-0   /mnt/disk-2   disk /mnt/disk-2: EIO",
      "",
      "HASHCHAINS",
      "NAME   CHAIN   READY   LEADER   STEP    LAST STEP   VDF PODS   CONDITIONS",
      "main   main    True    vdf-0    98765   2s ago      2          Available=True Degraded=False(AllReplicasReady) LeaderElected=True Ready=True",
      "",
      "AOPROCESSES (2: 1 assigned, 1 not ready)",
      "POD    PROCESSES",
      "cu-0   1",
      "",
      "NOT READY AOPROCESSES",
      `NAME   PROCESS${" ".repeat(39)}REASON          MESSAGE`,
      `p2     p2${"x".repeat(41)}   NoComputePods   no ready compute pod`,
      "",
      "PROBLEMS",
      "SEVERITY   OBJECT             PROBLEM",
      "error      Partition main-2   Failed: disk /mnt/disk-2: EIO",
      "error      AOProcess p2       not ready (NoComputePods): no ready compute pod",
      "",
      "unhealthy: 2 errors",
    ]);
  });

  it("adds a NAMESPACE column and qualified names for --all-namespaces", () => {
    const lines = formatTable({ ...target, namespace: undefined }, summarize(cluster(), now));
    assert.equal(lines[0], "context prod   server https://10.0.0.1:6443   namespace (all)");
    assert.ok(lines.includes("NAMESPACE   NAME   READY   DESIRED   PLACED   PACKED   MINING   HASHRATE    CONDITIONS"));
    assert.ok(lines.some((l) => l.startsWith("arkube      main-2   main      2")), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith("error      Partition arkube/main-2")), lines.join("\n"));
  });

  it("says none for kinds without objects and healthy for an empty namespace", () => {
    assert.deepEqual(formatTable(target, summarize({ replicas: [], partitions: [], hashChains: [], aoProcesses: [] }, now)), [
      "context prod   server https://10.0.0.1:6443   namespace arkube",
      "",
      "REPLICAS: none",
      "",
      "PARTITIONS: none",
      "",
      "HASHCHAINS: none",
      "",
      "AOPROCESSES: none",
      "",
      "healthy",
    ]);
  });
});

describe("verdict", () => {
  const base = summarize({ replicas: [], partitions: [], hashChains: [], aoProcesses: [] }, now);
  it("counts errors and warnings", () => {
    assert.equal(verdict({ ...base, healthy: true, warnings: 1 }), "healthy (1 warning)");
    assert.equal(verdict({ ...base, healthy: false, errors: 1, warnings: 2 }), "unhealthy: 1 error, 2 warnings");
  });
});

describe("formatJson", () => {
  it("is the summary plus the target, with null for every namespace", () => {
    const doc = JSON.parse(formatJson({ ...target, namespace: undefined }, summarize(cluster(), now))) as Record<string, unknown>;
    assert.equal(doc.namespace, null);
    assert.equal(doc.context, "prod");
    assert.equal(doc.healthy, false);
    assert.equal(doc.errors, 2);
    const partitions = doc.partitions as { total: number; items: unknown[]; failed: { lastError: string }[] };
    assert.equal(partitions.total, 3);
    assert.equal(partitions.items.length, 3);
    assert.equal(partitions.failed[0]?.lastError, "disk /mnt/disk-2:\nEIO");
  });
});

describe("table helpers", () => {
  it("aligns columns without trailing spaces", () => {
    assert.deepEqual(table(["A", "LONGER"], [["xyz", ""], ["1", "2"]]), ["A     LONGER", "xyz", "1     2"]);
  });
  it("prints rates with SI prefixes and three significant digits", () => {
    assert.equal(hashrate(undefined), "-");
    assert.equal(hashrate(0), "0 H/s");
    assert.equal(hashrate(999), "999 H/s");
    assert.equal(hashrate(1234), "1.23 kH/s");
    assert.equal(hashrate(45_600_000), "45.6 MH/s");
    assert.equal(bytesRate(250_000_000), "250 MB/s");
  });
  it("rounds percentages down so an unfinished partition never shows 100%", () => {
    assert.equal(percent(99.96), "99.9%");
    assert.equal(percent(100), "100%");
    assert.equal(percent(0), "0%");
  });
  it("prints ages like kubectl", () => {
    assert.equal(age(0.4), "0s");
    assert.equal(age(59), "59s");
    assert.equal(age(60), "1m");
    assert.equal(age(192), "3m12s");
    assert.equal(age(7500), "2h5m");
    assert.equal(age(3 * 86_400 + 3600), "3d1h");
  });
});
