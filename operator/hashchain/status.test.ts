import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HashChain } from "../../protocol/crds/index.ts";
import { currentLeader, hashChainStatus, stepAnnotation, stepTimeAnnotation, type LeaseLike } from "./status.ts";

const hc: HashChain = {
  apiVersion: "arkube.dev/v1alpha1", kind: "HashChain",
  metadata: { name: "main", namespace: "arkube", uid: "u1", generation: 2 },
  spec: { chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 100, image: "arkube/vdf:1" },
};
const now = new Date("2026-05-01T12:00:00Z");
const lease = (holder: string, renewedSecondsAgo: number, annotations: Record<string, string> = {}): LeaseLike => ({
  metadata: { name: "main-vdf", annotations },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date(now.getTime() - renewedSecondsAgo * 1000).toISOString() },
});

describe("HashChain status", () => {
  it("a lease holder counts only until renewTime + duration", () => {
    assert.equal(currentLeader(lease("vdf-a", 5), now)?.holder, "vdf-a");
    assert.equal(currentLeader(lease("vdf-a", 16), now), undefined);
    assert.equal(currentLeader(lease("", 1), now), undefined, "a released lease");
    assert.equal(currentLeader(undefined, now), undefined);
  });

  it("Ready with a leader and a ready pod; Degraded without a standby; step and time from the annotations", () => {
    const s = hashChainStatus(hc, { metadata: {}, status: { readyReplicas: 1 } },
      lease("vdf-a", 1, { [stepAnnotation]: "1234", [stepTimeAnnotation]: "2026-05-01T11:59:59.500Z" }), now);
    const by = new Map(s.conditions?.map((c) => [c.type, c]));
    assert.equal(s.leader, "vdf-a");
    assert.equal(s.step, 1234);
    assert.equal(s.stepTime, "2026-05-01T11:59:59.500Z");
    assert.equal(by.get("Ready")?.status, "True");
    assert.equal(by.get("Degraded")?.status, "True");
    assert.equal(s.observedGeneration, 2);
  });

  it("not Ready without a leader; bad annotations are ignored; the last step stays after a release", () => {
    const s = hashChainStatus(hc, { metadata: {}, status: { readyReplicas: 2 } }, lease("vdf-a", 60, { [stepAnnotation]: "12x", [stepTimeAnnotation]: "soon" }), now);
    const by = new Map(s.conditions?.map((c) => [c.type, c]));
    assert.equal(by.get("Ready")?.reason, "NoLeader");
    assert.equal(by.get("Degraded")?.status, "False");
    assert.equal(s.step, undefined);
    assert.equal(s.stepTime, undefined);
    assert.equal(s.leader, undefined);
    assert.equal(hashChainStatus(hc, undefined, lease("", 1, { [stepAnnotation]: "99" }), now).step, 99);
    assert.equal(hashChainStatus(hc, undefined, lease("vdf-a", 1, { [stepAnnotation]: "9".repeat(20) }), now).step, undefined, "beyond 2^53");
  });

  it("a blocked chain says why in Ready", () => {
    const s = hashChainStatus(hc, undefined, undefined, now, { reason: "NatsUrlMissing", message: "no --nats-url" });
    const ready = s.conditions?.find((c) => c.type === "Ready");
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ["False", "NatsUrlMissing", "no --nats-url"]);
  });
});
