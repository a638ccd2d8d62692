import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { QueueClosedError } from "../errors.ts";
import { WorkQueue } from "./work-queue.ts";

const bounds = { keysMax: 3, backoffBaseMs: 10, backoffMaxMs: 80 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("WorkQueue", () => {
  it("merges duplicate adds of a waiting key and keeps FIFO order", async () => {
    const q = new WorkQueue(bounds);
    q.add("a");
    q.add("b");
    q.add("a");
    assert.equal(q.length, 2);
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
    q.shutdown();
  });

  it("never hands one key to two workers; an add while processing requeues it after done()", async () => {
    const q = new WorkQueue(bounds);
    q.add("a");
    const key = await q.get();
    assert.equal(key, "a");
    q.add("a");
    q.add("a");
    assert.equal(q.length, 0, "a is processing: not handed out again");
    q.done("a");
    assert.equal(q.length, 1);
    assert.equal(await q.get(), "a");
    q.done("a");
    assert.equal(q.length, 0);
    q.shutdown();
  });

  it("wakes a waiting worker on add", async () => {
    const q = new WorkQueue(bounds);
    const pending = q.get();
    q.add("x");
    assert.equal(await pending, "x");
    q.shutdown();
  });

  it("rejects new keys beyond keysMax but still merges known ones", () => {
    const q = new WorkQueue(bounds);
    assert.equal(q.add("a"), true);
    assert.equal(q.add("b"), true);
    assert.equal(q.add("c"), true);
    assert.equal(q.add("d"), false);
    assert.equal(q.add("a"), true);
    assert.equal(q.length, 3);
    q.shutdown();
  });

  it("backs off per key, doubling up to the cap, and forget() resets it", async () => {
    const q = new WorkQueue(bounds);
    assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => q.backoffMs(n)), [10, 20, 40, 80, 80, 80]);
    q.addRateLimited("a");
    q.addRateLimited("a");
    assert.equal(q.failureCount("a"), 2);
    assert.equal(q.length, 0);
    assert.equal(q.delayedCount, 1, "one pending delay per key");
    await sleep(30);
    assert.equal(q.length, 1, "the earlier delay (10 ms) won");
    q.forget("a");
    assert.equal(q.failureCount("a"), 0);
    q.shutdown();
  });

  it("addAfter keeps the earliest due time; add() now cancels the delay", async () => {
    const q = new WorkQueue(bounds);
    q.addAfter("a", 10_000);
    q.addAfter("a", 20);
    await sleep(50);
    assert.equal(q.length, 1);
    q.addAfter("b", 10_000);
    q.add("b");
    assert.equal(q.delayedCount, 0);
    assert.equal(q.length, 2);
    q.shutdown();
  });

  it("shutdown releases waiters and refuses adds", async () => {
    const q = new WorkQueue(bounds);
    const pending = q.get();
    q.shutdown();
    assert.equal(await pending, undefined);
    assert.throws(() => q.add("a"), QueueClosedError);
  });
});
