import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KubeConflictError, KubeApiError } from "../errors.ts";
import type { LogFields } from "../log.ts";
import { Controller, keyString, parseKey, type ObjectKey } from "./controller.ts";

const bounds = { keysMax: 100, backoffBaseMs: 5, backoffMaxMs: 20 };
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), "condition not reached");
};

describe("Controller", () => {
  it("keys are kind/namespace/name and round-trip", () => {
    assert.equal(keyString("Replica", { namespace: "ns", name: "r" }), "Replica/ns/r");
    assert.deepEqual(parseKey("Node//n1"), { namespace: "", name: "n1" });
  });

  it("retries a failing reconcile with backoff until it succeeds, logging failures and conflicts apart", async () => {
    const logs: LogFields[] = [];
    let calls = 0;
    const c = new Controller({
      kind: "Replica", workers: 2, log: (f) => logs.push(f), queueBounds: bounds,
      reconcile: async () => {
        calls++;
        if (calls === 1) throw new KubeApiError(500, "InternalError", "boom");
        if (calls === 2) throw new KubeConflictError("stale");
        return {};
      },
    });
    c.start();
    c.enqueue("ns", "r");
    await until(() => calls === 3);
    await c.stop();
    assert.deepEqual(logs.map((l) => l.event), ["reconcile_failed", "reconcile_conflict"]);
    assert.deepEqual(c.stats(), { reconciles: 3, failures: 2, queued: 0 });
  });

  it("never runs one key on two workers, and honours requeueAfterMs", async () => {
    let running = 0;
    let maxRunning = 0;
    const seen: ObjectKey[] = [];
    const c = new Controller({
      kind: "AOProcess", workers: 4, log: () => undefined, queueBounds: bounds,
      reconcile: async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push(key);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return seen.length === 1 ? { requeueAfterMs: 20 } : {};
      },
    });
    c.start();
    for (let i = 0; i < 5; i++) c.enqueue("ns", "p");
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    await c.stop();
    assert.equal(maxRunning, 1);
    // The four adds during the first run merge into one rerun, which also absorbs the delayed requeue.
    assert.equal(seen.length, 2);
  });
});
