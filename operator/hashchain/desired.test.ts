import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HashChain } from "../../protocol/crds/index.ts";
import { currentLeader, hashChainStatus, stepAnnotation, vdfDeployment, type LeaseLike } from "./desired.ts";

const hc: HashChain = {
  apiVersion: "arkube.dev/v1alpha1", kind: "HashChain",
  metadata: { name: "main", namespace: "arkube", uid: "u1", generation: 2 },
  spec: { chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 100, image: "arkube/vdf:1", resetSeeds: { source: "None" } },
};
const now = new Date("2026-05-01T12:00:00Z");
const lease = (holder: string, renewedSecondsAgo: number, step?: string): LeaseLike => ({
  metadata: { name: "main-vdf", annotations: step !== undefined ? { [stepAnnotation]: step } : {} },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date(now.getTime() - renewedSecondsAgo * 1000).toISOString() },
});

describe("HashChain desired state", () => {
  it("a 2-replica Deployment owned by the HashChain, with the chain parameters and no clock values", () => {
    const d = vdfDeployment(hc);
    assert.equal(d.metadata.name, "main-vdf");
    assert.equal((d.spec as { replicas: number }).replicas, 2);
    assert.deepEqual(d.metadata.ownerReferences, [{ apiVersion: "arkube.dev/v1alpha1", kind: "HashChain", name: "main", uid: "u1", controller: true, blockOwnerDeletion: true }]);
    const text = JSON.stringify(d);
    assert.match(text, /ARKUBE_GENESIS_OUTPUT/);
    assert.doesNotMatch(text, /20\d\d-\d\d-\d\dT/, "no timestamps in the pod template (they would roll the pods)");
    assert.equal(JSON.stringify(vdfDeployment(hc)), text, "deterministic");
  });

  it("a lease holder counts only until renewTime + duration", () => {
    assert.equal(currentLeader(lease("vdf-a", 5), now)?.holder, "vdf-a");
    assert.equal(currentLeader(lease("vdf-a", 16), now), undefined);
    assert.equal(currentLeader(undefined, now), undefined);
  });

  it("status: Ready with a leader and a ready pod; Degraded without a standby", () => {
    const s = hashChainStatus(hc, { metadata: {}, status: { readyReplicas: 1 } }, lease("vdf-a", 1, "1234"), now);
    const by = new Map(s.conditions?.map((c) => [c.type, c]));
    assert.equal(s.leader, "vdf-a");
    assert.equal(s.step, 1234);
    assert.equal(by.get("Ready")?.status, "True");
    assert.equal(by.get("Degraded")?.status, "True");
    assert.equal(s.observedGeneration, 2);
  });

  it("status: not Ready without a leader; a bad step annotation is ignored", () => {
    const s = hashChainStatus(hc, { metadata: {}, status: { readyReplicas: 2 } }, lease("vdf-a", 60, "12x"), now);
    const by = new Map(s.conditions?.map((c) => [c.type, c]));
    assert.equal(by.get("Ready")?.reason, "NoLeader");
    assert.equal(by.get("Degraded")?.status, "False");
    assert.equal(s.step, undefined);
    assert.equal(s.leader, undefined);
  });
});
