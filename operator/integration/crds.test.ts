// The CRDs in crds/ on a real kube-apiserver: they install and become Established, accept valid
// objects, and reject invalid ones with the schema or CEL message a user would see from kubectl.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeResponse } from "../../test/k8s/index.ts";
import { collectionPath, objectPath, resources, type ResourceRef } from "../kube/resources.ts";
import { startCluster, type Cluster } from "./support.ts";

const ns = "crd-test";
const addr = "A".repeat(43);

function replica(name: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "Replica", metadata: { name },
    spec: { miningAddress: { address: addr }, packing: "spora_2_6", partitions: { count: 4 }, ...spec },
  };
}

function partition(name: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "Partition", metadata: { name },
    spec: {
      replicaName: "r", index: 0, nodeName: "n0", diskPath: "/mnt/d0", packing: "spora_2_6",
      partitionSizeBytes: 262144 * 4, deletionPolicy: "Retain", ...spec,
    },
  };
}

function hashChain(name: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "HashChain", metadata: { name },
    spec: { chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 100, image: "arkube/vdf:dev", ...spec },
  };
}

function aoProcess(name: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "AOProcess", metadata: { name },
    spec: { processId: "p".repeat(43), module: { id: "m".repeat(43) }, scheduler: "s".repeat(43), ...spec },
  };
}

describe("arkube CRDs on a real kube-apiserver", () => {
  let cluster: Cluster;
  const post = (ref: ResourceRef, body: unknown) => cluster.cp.request({ method: "POST", path: collectionPath(ref, ns), body });
  const mergePatch = (ref: ResourceRef, name: string, body: unknown, sub = "") =>
    cluster.cp.request({ method: "PATCH", path: objectPath(ref, name, ns) + sub, body, contentType: "application/merge-patch+json" });

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it("accepts a valid object of every kind, with defaults applied", async () => {
    const r = await post(resources.replica, replica("ok", {}));
    assertStatus(r, 201);
    const spec = (r.json as { spec: { deletionPolicy: string; miningAddress: unknown } }).spec;
    assert.equal(spec.deletionPolicy, "Retain");
    assertStatus(await post(resources.partition, partition("ok", {})), 201);
    assertStatus(await post(resources.hashChain, hashChain("ok", {})), 201);
    assertStatus(await post(resources.hashChain, hashChain("h".repeat(63), { resetSeeds: { type: "list", firstInterval: 2, seedsHex: ["ab".repeat(32)] } })), 201);
    assertStatus(await post(resources.aoProcess, aoProcess("ok", {})), 201);
  });

  const rejected: [string, ResourceRef, unknown, RegExp][] = [
    ["both secretRef and address", resources.replica,
      replica("bad1", { miningAddress: { address: addr, secretRef: { name: "w" } } }), /spec.miningAddress needs exactly one of secretRef or address/],
    ["no partition selection", resources.replica, replica("bad2", { partitions: {} }), /spec.partitions needs exactly one of all, list or count/],
    ["two partition selections", resources.replica, replica("bad3", { partitions: { count: 2, list: [1] } }), /exactly one of all, list or count/],
    ["partition size not a chunk multiple", resources.replica, replica("bad4", { partitionSizeBytes: 300000 }), /must be a multiple of 262144/],
    ["unknown packing", resources.replica, replica("bad5", { packing: "unpacked" }), /spec.packing: Unsupported value: "unpacked"/],
    ["bad address", resources.replica, replica("bad6", { miningAddress: { address: "short" } }), /spec.miningAddress.address in body should match/],
    ["count above bound", resources.replica, replica("bad7", { partitions: { count: 5000 } }), /spec.partitions.count: Invalid value: 5000: spec.partitions.count in body should be less than or equal to 4096/],
    ["nodes and nodeSelector", resources.replica,
      replica("bad8", { storage: { nodes: [{ name: "a" }], nodeSelector: { x: "y" } } }), /either nodes or nodeSelector, not both/],
    ["relative disk path", resources.partition, partition("bad1", { diskPath: "mnt/d0" }), /spec.diskPath in body should match/],
    ["missing node", resources.partition, partition("bad2", { nodeName: undefined }), /spec.nodeName: Required value/],
    ["list seeds without seeds", resources.hashChain, hashChain("bad1", { resetSeeds: { type: "list", firstInterval: 0 } }), /type list takes firstInterval and seedsHex/],
    ["iterations below vdf's minimum", resources.hashChain, hashChain("bad2", { iterationsPerCheckpoint: 1 }), /iterationsPerCheckpoint in body should be greater than or equal to 2/],
    ["derived seeds with a list", resources.hashChain, hashChain("bad3", { resetSeeds: { type: "derived", seedsHex: ["00".repeat(32)] } }), /type derived takes domain only/],
    ["a seed that is not 32 bytes of hex", resources.hashChain, hashChain("bad4", { resetSeeds: { type: "list", firstInterval: 0, seedsHex: ["00"] } }), /seedsHex\[0\] in body should match/],
    ["an unknown seed source", resources.hashChain, hashChain("bad5", { resetSeeds: { type: "peer" } }), /spec.resetSeeds.type: Unsupported value: "peer"/],
    ["a name too long for the pods' label", resources.hashChain, hashChain("h".repeat(64), {}), /a HashChain name is at most 63 characters/],
    ["a name too long for its Partitions' label", resources.replica, replica("r".repeat(64), {}), /a Replica name is at most 63 characters/],
    ["module with id and configMap", resources.aoProcess,
      aoProcess("bad1", { module: { id: "m".repeat(43), configMapRef: { name: "c", key: "k" } } }), /spec.module needs exactly one of configMapRef or id/],
    ["memory not a page multiple", resources.aoProcess, aoProcess("bad2", { limits: { memoryBytes: 70000 } }), /multiple of 65536/],
  ];
  for (const [what, ref, body, message] of rejected) {
    it(`rejects ${ref.kind}: ${what}`, async () => {
      const res = await post(ref, body);
      assert.equal(res.status, 422, res.text);
      assert.match(statusMessage(res), message);
    });
  }

  it("rejects changes to immutable fields with the CEL message", async () => {
    const cases: [ResourceRef, unknown, RegExp][] = [
      [resources.replica, { spec: { miningAddress: { address: "B".repeat(43) } } }, /spec.miningAddress is immutable/],
      [resources.replica, { spec: { partitionSizeBytes: 262144 } }, /spec.partitionSizeBytes is immutable/],
      [resources.partition, { spec: { index: 7 } }, /spec.index is immutable/],
      [resources.hashChain, { spec: { chainName: "other" } }, /spec.chainName is immutable/],
      [resources.hashChain, { spec: { iterationsPerCheckpoint: 200 } }, /spec.iterationsPerCheckpoint is immutable/],
      [resources.hashChain, { spec: { resetSeeds: { type: "derived", domain: "other" } } }, /spec.resetSeeds.domain is immutable/],
      [resources.aoProcess, { spec: { processId: "q".repeat(43) } }, /spec.processId is immutable/],
    ];
    for (const [ref, patch, message] of cases) {
      const res = await mergePatch(ref, "ok", patch);
      assert.equal(res.status, 422, `${ref.kind}: ${res.text}`);
      assert.match(statusMessage(res), message);
    }
    // Mutable fields stay mutable: a Partition may move to another disk.
    assertStatus(await mergePatch(resources.partition, "ok", { spec: { diskPath: "/mnt/d1" } }), 200);
  });

  it("validates status through the status subresource and ignores spec there", async () => {
    const bad = await mergePatch(resources.partition, "ok", { status: { phase: "Dancing" } }, "/status");
    assert.equal(bad.status, 422, bad.text);
    assert.match(statusMessage(bad), /status.phase: Unsupported value: "Dancing"/);
    const good = await mergePatch(resources.partition, "ok", { status: { phase: "Packing", progressPercent: 12.5 }, spec: { index: 9 } }, "/status");
    assertStatus(good, 200);
    const obj = good.json as { spec: { index: number }; status: { phase: string } };
    assert.equal(obj.status.phase, "Packing");
    assert.equal(obj.spec.index, 0, "spec is not written through /status");
  });

  it("serves short names and the arkube category in discovery", async () => {
    const res = await cluster.cp.request({ path: "/apis/arkube.dev/v1alpha1" });
    assertStatus(res, 200);
    const list = res.json as { resources: { name: string; shortNames?: string[]; categories?: string[] }[] };
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    for (const [plural, short] of [["replicas", "arrep"], ["partitions", "arpart"], ["hashchains", "hc"], ["aoprocesses", "aop"]] as const) {
      assert.deepEqual(byName.get(plural)?.shortNames, [short]);
      assert.deepEqual(byName.get(plural)?.categories, ["arkube"]);
    }
  });
});

function assertStatus(res: KubeResponse, expected: number): void {
  assert.equal(res.status, expected, `expected HTTP ${expected}, got ${res.status}: ${res.text}`);
}

/** The message kubectl prints: the Status object's message, unescaped. */
function statusMessage(res: KubeResponse): string {
  return (res.json as { message?: string } | undefined)?.message ?? res.text;
}
