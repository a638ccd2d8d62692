import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InventoryFormatError } from "../errors.ts";
import { eligibleDisks, withoutUsage, type NodeInfo } from "./disks.ts";
import { inventoryConfigMap, parseInventory, type NodeInventory } from "./inventory.ts";

const node = (name: string, over: Partial<NodeInfo> = {}): NodeInfo => ({ name, labels: { storage: "yes" }, taints: [], unschedulable: false, ...over });
const inv = (name: string, paths: string[]): NodeInventory => ({ node: name, disks: paths.map((path) => ({ path, capacityBytes: 10 })) });
const names = (disks: { node: string; path: string }[]) => disks.map((d) => `${d.node}:${d.path}`);

describe("eligibleDisks()", () => {
  const nodes = [node("a"), node("b", { labels: {} }), node("c", { taints: [{ key: "hdd", effect: "NoSchedule" }] })];
  const invs = [inv("a", ["/d0", "/d1"]), inv("b", ["/d0"]), inv("c", ["/d0"]), inv("gone", ["/d0"])];

  it("takes every reported disk of untainted, existing nodes by default", () => {
    assert.deepEqual(names(eligibleDisks(undefined, nodes, invs)), ["a:/d0", "a:/d1", "b:/d0"]);
  });

  it("applies the node selector, tolerations and the path filter", () => {
    const storage = { nodeSelector: { storage: "yes" }, tolerations: [{ key: "hdd", operator: "Exists" as const }], diskPathFilter: "d0$" };
    assert.deepEqual(names(eligibleDisks(storage, nodes, invs)), ["a:/d0", "c:/d0"]);
  });

  it("explicit nodes with explicit disk paths win over everything else", () => {
    const storage = { nodes: [{ name: "a", diskPaths: ["/d1"] }, { name: "b" }] };
    assert.deepEqual(names(eligibleDisks(storage, nodes, invs)), ["a:/d1", "b:/d0"]);
  });

  it("ignores the transient not-ready and unreachable taints (a reboot must not move partitions)", () => {
    const down = [node("a", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] })];
    assert.equal(eligibleDisks(undefined, down, invs).length, 2);
  });

  it("a cordoned node is skipped unless the unschedulable taint is tolerated", () => {
    const cordoned = [node("a", { unschedulable: true })];
    assert.deepEqual(eligibleDisks(undefined, cordoned, invs), []);
    const tol = { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists" as const, effect: "NoSchedule" as const }] };
    assert.equal(eligibleDisks(tol, cordoned, invs).length, 2);
  });
});

describe("withoutUsage()", () => {
  it("subtracts other replicas' partitions per disk, never below zero", () => {
    const disks = [{ node: "a", path: "/d0", capacityBytes: 10 }, { node: "a", path: "/d1", capacityBytes: 10 }];
    const usage = [{ node: "a", path: "/d0", bytes: 4 }, { node: "a", path: "/d0", bytes: 4 }, { node: "a", path: "/d1", bytes: 40 }];
    assert.deepEqual(withoutUsage(disks, usage).map((d) => d.capacityBytes), [2, 0]);
  });
});

describe("inventory ConfigMap format", () => {
  it("round-trips through inventoryConfigMap() and parseInventory()", () => {
    const source: NodeInventory = { node: "n1", disks: [{ path: "/mnt/a", capacityBytes: 4e12, device: "sdb", rotational: true }] };
    const cm = inventoryConfigMap("arkube", source);
    assert.equal(cm.metadata.name, "arkube-inventory-n1");
    assert.equal(cm.metadata.labels["arkube.dev/inventory"], "true");
    assert.deepEqual(parseInventory(cm), source);
  });

  it("rejects malformed data with InventoryFormatError", () => {
    const bad: { data: Record<string, string> }[] = [
      { data: { disks: "[]" } },
      { data: { node: "n", disks: "{" } },
      { data: { node: "n", disks: "{}" } },
      { data: { node: "n", disks: JSON.stringify([{ path: "rel", capacityBytes: 1 }]) } },
      { data: { node: "n", disks: JSON.stringify([{ path: "/a", capacityBytes: -1 }]) } },
      { data: { node: "n", disks: JSON.stringify([{ path: "/a", capacityBytes: 1 }, { path: "/a", capacityBytes: 2 }]) } },
    ];
    for (const data of bad) assert.throws(() => parseInventory({ metadata: { name: "x" }, ...data }), InventoryFormatError, JSON.stringify(data));
  });
});
