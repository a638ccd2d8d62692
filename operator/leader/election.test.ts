import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide, microTime, type LeaseObject } from "./election.ts";

const now = new Date("2026-03-01T00:00:10Z");
const lease = (holder: string, renewed: string, seconds = 15): LeaseObject => ({
  metadata: { name: "l", resourceVersion: "1" }, spec: { holderIdentity: holder, renewTime: renewed, leaseDurationSeconds: seconds },
});

describe("leader election decision", () => {
  it("creates a missing lease, renews its own, waits for a live holder", () => {
    assert.deepEqual(decide(undefined, "me", now), { action: "create" });
    assert.deepEqual(decide(lease("me", "2026-03-01T00:00:00.000000Z"), "me", now), { action: "renew" });
    assert.deepEqual(decide(lease("other", "2026-03-01T00:00:00.000000Z"), "me", now), { action: "wait", holder: "other" });
  });

  it("takes over an expired or released lease", () => {
    assert.deepEqual(decide(lease("other", "2026-03-01T00:00:00.000000Z", 10), "me", now), { action: "takeover" });
    assert.deepEqual(decide(lease("", "2026-03-01T00:00:09.000000Z"), "me", now), { action: "takeover" });
    assert.deepEqual(decide({ metadata: {}, spec: { holderIdentity: "other" } }, "me", now), { action: "takeover" });
  });

  it("formats MicroTime with microseconds", () => {
    assert.equal(microTime(new Date("2026-03-01T00:00:10.123Z")), "2026-03-01T00:00:10.123000Z");
  });
});
