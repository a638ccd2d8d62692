// The status write rate limit: at most one write per process per interval, the newest progress last.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusThrottle } from "./status-throttle.ts";

const at = (nonce: number, evaluatedAtMs = 0) => ({ nonce, evaluatedAtMs });

describe("StatusThrottle", () => {
  it("writes the first progress at once, then the newest once per interval", () => {
    const t = new StatusThrottle(10_000);
    assert.deepEqual(t.next("p", 0), { type: "idle" });
    t.record("p", at(1));
    assert.deepEqual(t.next("p", 1_000), { type: "write", progress: at(1) });
    for (let n = 2; n <= 5; n++) t.record("p", at(n));
    t.record("p", at(3));
    assert.deepEqual(t.next("p", 2_000), { type: "wait", untilMs: 11_000 });
    assert.deepEqual(t.next("p", 11_000), { type: "write", progress: at(5) });
    assert.deepEqual(t.next("p", 30_000), { type: "idle" });
    t.record("p", at(6));
    assert.deepEqual(t.next("p", 30_000), { type: "write", progress: at(6) }, "quiet for an interval: at once");
  });

  it("keeps processes apart, retries a failed write next interval, forgets released ones", () => {
    const t = new StatusThrottle(10_000);
    t.record("a", at(1));
    t.record("b", at(7));
    assert.equal(t.next("a", 0).type, "write");
    assert.equal(t.next("b", 0).type, "write");
    t.failed("a", at(1));
    assert.deepEqual(t.next("a", 5_000), { type: "wait", untilMs: 10_000 });
    t.record("a", at(2));
    t.failed("a", at(1));
    assert.deepEqual(t.next("a", 10_000), { type: "write", progress: at(2) }, "a newer nonce beats the failed one");
    t.forget("b");
    assert.equal(t.size, 1);
  });
});
