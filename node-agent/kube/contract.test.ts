// The agent's side of the operator contracts, pure: which Partitions a node holds, refuses and erases;
// the status it applies (phase, bytes, progress, conditions with observedGeneration, lastError) and
// when; the inventory it publishes (parsed back with the operator's own parser); the config section.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Partition } from "../../protocol/crds/index.ts";
import { parseInventory, inventoryConfigMap } from "../../operator/placement/inventory.ts";
import type { PartitionReport } from "../agent.ts";
import { parseConfig } from "../config.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import { nodeInventoryOf } from "./inventory-publisher.ts";
import { applyDue, partitionStatus, phaseOf } from "./partition-status.ts";
import { nodePartitions } from "./partitions.ts";

const C = CHUNK_BYTES;
const mine = "A".repeat(43);
const limits = { partitionSizeBytes: BigInt(8 * C), dataRoots: ["/mnt/arkube"], miningAddressB64Url: mine };

function part(name: string, over: Partial<Partition["spec"]> = {}, meta: Partial<Partition["metadata"]> = {}): Partition {
  return {
    apiVersion: "arkube.dev/v1alpha1",
    kind: "Partition",
    metadata: { name, namespace: "arkube", uid: `uid-${name}`, generation: 1, creationTimestamp: "2025-01-01T00:00:00Z", ...meta },
    spec: { replicaName: "r", index: 0, nodeName: "n1", diskPath: "/mnt/arkube/d0", packing: "spora_2_6", partitionSizeBytes: 8 * C, deletionPolicy: "Retain", ...over },
  };
}

function report(over: Partial<PartitionReport> = {}): PartitionReport {
  return {
    partition: 0, root: "/mnt/arkube/d0", revision: "1", state: "open", failure: undefined, storedChunks: 4, targetChunks: 8,
    sync: "running", mining: true, rates: { syncBytesPerSecond: 1000.4, packingBytesPerSecond: 2 * C, hashesPerSecond: 3.456 }, ...over,
  };
}

describe("Partitions of a node", () => {
  it("holds this node's Partitions, refuses what it cannot hold, and lists Delete-policy deletions to erase", () => {
    const all = [
      part("a", { index: 0 }),
      part("b", { index: 1, nodeName: "other" }),
      part("c", { index: 2, partitionSizeBytes: 16 * C }),
      part("d", { index: 3, diskPath: "/elsewhere" }),
      part("e", { index: 4, deletionPolicy: "Delete" }, { deletionTimestamp: "2025-01-02T00:00:00Z" }),
      part("f", { index: 5, deletionPolicy: "Retain" }, { deletionTimestamp: "2025-01-02T00:00:00Z" }),
      part("g", { index: 0 }, { creationTimestamp: "2025-01-03T00:00:00Z" }),
      part("h", { index: 6, deletionPolicy: "Delete" }, { deletionTimestamp: "2025-01-02T00:00:00Z" }),
      part("i", { index: 7, replicaName: "other-address" }),
      part("j", { index: 8, replicaName: "secret-address" }),
    ];
    all[7]!.status = { dataErased: true };
    const addresses: Record<string, string> = { r: mine, "other-address": "B".repeat(43) };
    const n = nodePartitions("n1", all, limits, (name) => addresses[name]);
    assert.deepEqual(n.assignments, [{ partition: 0, root: "/mnt/arkube/d0", revision: "1:" }, { partition: 8, root: "/mnt/arkube/d0", revision: "1:" }]);
    assert.deepEqual([...n.rejected.keys()].sort(), ["uid-c", "uid-d", "uid-g", "uid-i"]);
    assert.match(n.rejected.get("uid-i")!, /mines for B+, this agent packs for A+/);
    assert.match(n.rejected.get("uid-c")!, /partitionSizeBytes/);
    assert.match(n.rejected.get("uid-g")!, /already held .* by Partition a/);
    assert.deepEqual(n.toErase.map((p) => p.metadata.name), ["e"]);
  });

  it("gives a Partition a new revision when its spec changes or the retry annotation is set (a Failed module opens again)", () => {
    const at = (meta: Partial<Partition["metadata"]>) => nodePartitions("n1", [part("a", {}, meta)], limits).assignments[0]!.revision;
    assert.notEqual(at({ generation: 2 }), at({ generation: 1 }));
    assert.notEqual(at({ annotations: { "arkube.dev/retry": "1700000000" } }), at({}));
  });
});

describe("Partition status", () => {
  const now = new Date("2025-02-01T10:00:00.123Z");

  it("derives the phase from the module state, the sync state and mining", () => {
    assert.equal(phaseOf(report({ state: "opening", storedChunks: 0 })), "Pending");
    assert.equal(phaseOf(report({ storedChunks: 0, sync: "waiting" })), "Pending");
    assert.equal(phaseOf(report({ storedChunks: 0 })), "Syncing");
    assert.equal(phaseOf(report()), "Packing");
    assert.equal(phaseOf(report({ sync: "caughtUp" })), "Mining");
    assert.equal(phaseOf(report({ sync: "caughtUp", mining: false })), "Packing");
    assert.equal(phaseOf(report({ sync: "caughtUp", storedChunks: 0 })), "Pending");
    assert.equal(phaseOf(report({ state: "failed", failure: { reason: "WriteError", message: "ENOSPC", atMs: 0 } })), "Failed");
  });

  it("reports bytes, progress, rates and conditions carrying the generation", () => {
    const s = partitionStatus({ type: "held", report: report() }, 7, undefined, now);
    assert.equal(s.phase, "Packing");
    assert.equal(s.observedGeneration, 7);
    assert.equal(s.packedBytes, 4 * C);
    assert.equal(s.progressPercent, 50);
    assert.equal(s.syncBytesPerSecond, 1000);
    assert.equal(s.packingBytesPerSecond, 2 * C);
    assert.equal(s.hashrate, 3.46);
    assert.equal(s.lastError, undefined);
    assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration, c.lastTransitionTime]), [
      ["DiskHealthy", "True", "NoErrors", 7, "2025-02-01T10:00:00Z"],
      ["Synced", "False", "Syncing", 7, "2025-02-01T10:00:00Z"],
      ["Mining", "False", "NotSynced", 7, "2025-02-01T10:00:00Z"],
    ]);
  });

  it("marks a failed disk Failed with lastError, keeping what was packed and the other writers' conditions out", () => {
    const previous = [
      { type: "DiskHealthy", status: "True" as const, reason: "NoErrors", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" },
      { type: "Scheduled", status: "True" as const, reason: "DiskReported", message: "", lastTransitionTime: "2025-01-01T00:00:00Z" },
    ];
    const failure = { reason: "CorruptData" as const, message: "1 of 4 sampled chunks failed verification", atMs: 0 };
    const s = partitionStatus({ type: "held", report: report({ state: "failed", failure }) }, 2, previous, now);
    assert.equal(s.phase, "Failed");
    assert.equal(s.lastError, "CorruptData: 1 of 4 sampled chunks failed verification");
    assert.equal(s.packedBytes, 4 * C);
    const healthy = s.conditions!.find((c) => c.type === "DiskHealthy")!;
    assert.deepEqual([healthy.status, healthy.reason, healthy.lastTransitionTime], ["False", "CorruptData", "2025-02-01T10:00:00Z"]);
    assert.ok(!s.conditions!.some((c) => c.type === "Scheduled"), "the operator's conditions are not ours to send");
    const unchanged = partitionStatus({ type: "held", report: report() }, 2, previous, now).conditions!.find((c) => c.type === "DiskHealthy")!;
    assert.equal(unchanged.lastTransitionTime, "2025-01-01T00:00:00Z", "no flip, no new transition time");
  });

  it("reports a refused Partition as Failed and an erased one by dataErased alone", () => {
    const r = partitionStatus({ type: "rejected", reason: "disk /x is not under this agent's dataRoots" }, 1, undefined, now);
    assert.equal(r.phase, "Failed");
    assert.match(r.lastError!, /dataRoots/);
    assert.deepEqual(partitionStatus({ type: "erased" }, 3, undefined, now), { observedGeneration: 3, dataErased: true });
  });

  it("applies at once on a phase change or a new error, numbers at most once per interval", () => {
    const a = partitionStatus({ type: "held", report: report() }, 1, undefined, now);
    const more = partitionStatus({ type: "held", report: report({ storedChunks: 5 }) }, 1, a.conditions, now);
    const mining = partitionStatus({ type: "held", report: report({ sync: "caughtUp", storedChunks: 8 }) }, 1, a.conditions, now);
    assert.equal(applyDue(undefined, a, 0, 10_000), true);
    assert.equal(applyDue({ status: a, atMs: 0 }, a, 60_000, 10_000), false, "nothing changed");
    assert.equal(applyDue({ status: a, atMs: 0 }, more, 5_000, 10_000), false, "numbers wait for the interval");
    assert.equal(applyDue({ status: a, atMs: 0 }, more, 10_000, 10_000), true);
    assert.equal(applyDue({ status: a, atMs: 0 }, mining, 1, 10_000), true, "a phase change goes out at once");
  });
});

describe("inventory ConfigMap", () => {
  it("is what the operator's parser reads: usable capacity, device name, rotational, sorted and unique", () => {
    const disk = (mountPoint: string, source: string, rotational: boolean | undefined) => ({
      deviceId: "8:17", mountPoint, fsType: "xfs", source, capacityBytes: 1000, freeBytes: 400, usableBytes: 950, rotational,
    });
    const inv = nodeInventoryOf("n1", [disk("/mnt/arkube/b", "/dev/sdc1", undefined), disk("/mnt/arkube/a", "/dev/sdb1", true), disk("/mnt/arkube", "overlay", false)]);
    const cm = inventoryConfigMap("arkube", inv);
    assert.equal(cm.metadata.name, "arkube-inventory-n1");
    assert.deepEqual(parseInventory(cm), {
      node: "n1",
      disks: [
        { path: "/mnt/arkube", capacityBytes: 950, rotational: false },
        { path: "/mnt/arkube/a", capacityBytes: 950, device: "sdb1", rotational: true },
        { path: "/mnt/arkube/b", capacityBytes: 950, device: "sdc1" },
      ],
    });
    // A disk whose module failed (write, read or corrupt data) is left out, so the operator re-places its Partitions.
    const withoutFailed = nodeInventoryOf("n1", [disk("/mnt/arkube/b", "/dev/sdc1", undefined), disk("/mnt/arkube/a", "/dev/sdb1", true)], new Set(["/mnt/arkube/a"]));
    assert.deepEqual(withoutFailed.disks.map((d) => d.path), ["/mnt/arkube/b"]);
  });
});

describe("kubernetes config section", () => {
  const base = { miningAddressB64Url: Buffer.alloc(32).toString("base64url"), dataRoots: ["/mnt/arkube"] };
  it("takes the node and namespace from the downward API when the file leaves them out", () => {
    const c = parseConfig(JSON.stringify({ ...base, kubernetes: {} }), { NODE_NAME: "node-7", POD_NAMESPACE: "arkube" });
    assert.equal(c.nodeName, "node-7");
    assert.deepEqual(c.kubernetes, { nodeName: "node-7", namespace: "arkube", kubeconfig: undefined, statusIntervalMs: 10_000, inventoryIntervalMs: 30_000 });
    assert.equal(parseConfig(JSON.stringify({ ...base, nodeName: "n" })).kubernetes, undefined, "absent: file-only mode");
    assert.equal(parseConfig(`nodeName: n\nminingAddressB64Url: ${base.miningAddressB64Url}\ndataRoots: [/d]\nkubernetes:\n`).kubernetes?.nodeName, "n", "a bare key: defaults");
  });

  it("refuses modules next to a kubernetes section, and a section without a node name or data roots", () => {
    assert.throws(() => parseConfig(JSON.stringify({ ...base, nodeName: "n", kubernetes: {}, modules: [{ partition: 0, root: "/m" }] })), { code: "ERR_AGENT_CONFIG" });
    assert.throws(() => parseConfig(JSON.stringify({ ...base, kubernetes: {} })), { code: "ERR_AGENT_CONFIG" });
    assert.throws(() => parseConfig(JSON.stringify({ ...base, dataRoots: [], kubernetes: { nodeName: "n" } })), { code: "ERR_AGENT_CONFIG" });
    assert.throws(() => parseConfig(JSON.stringify({ ...base, kubernetes: { nodeName: "n", statusIntervalMs: 5 } })), { code: "ERR_AGENT_CONFIG" });
  });

  it("reads the mining address from ARKUBE_MINING_ADDRESS (the chart's Secret) when the file has none", () => {
    const c = parseConfig(JSON.stringify({ nodeName: "n" }), { ARKUBE_MINING_ADDRESS: Buffer.alloc(32, 3).toString("base64url") });
    assert.deepEqual(Buffer.from(c.miningAddress), Buffer.alloc(32, 3));
  });
});
