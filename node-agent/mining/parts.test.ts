// Pure and small parts of mining: recall-range math against the native implementation, runs across
// partition borders, the scheduler's priorities and stale-session drop, and the read budget.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { computeH1s, computeH2s, recallRangeStarts } from "../../native/index.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import { ReadBudget } from "./read-budget.ts";
import { minablePartitionMax, rangeRuns, recallStarts, usableSubRuns } from "./recall.ts";
import { MiningScheduler, type MiningTask } from "./scheduler.ts";
import { h1Of, h2Of } from "./solution.ts";

const C = BigInt(CHUNK_BYTES);

describe("recall ranges", () => {
  it("pure bigint starts equal the native ones", () => {
    for (let i = 0; i < 50; i += 1) {
      const h0 = createHash("sha256").update(`h0-${i}`).digest();
      const size = BigInt(1 + i) * 1_000_003n;
      const pub = size * 3n + BigInt(i * 7919);
      const native = recallRangeStarts(h0, i % 3, pub, size);
      assert.deepEqual(recallStarts(h0, i % 3, pub, size), { r1: native.range1Start, r2: native.range2Start });
    }
  });

  it("splits a range at partition borders and around missing slots", () => {
    const size = 4n * C;
    const runs = rangeRuns(3n * C + 10n, 3, size);
    assert.deepEqual(runs, [
      { partition: 0, firstSlot: 3, firstNonce: 0, count: 1 },
      { partition: 1, firstSlot: 0, firstNonce: 1, count: 2 },
    ]);
    assert.deepEqual(usableSubRuns(runs[1]!, (slot) => slot !== 0), [{ partition: 1, firstSlot: 1, firstNonce: 2, count: 1 }]);
    assert.equal(minablePartitionMax(9n * C, size), 1);
    assert.equal(minablePartitionMax(3n * C, size), 0);
  });

  it("H1/H2 from node:crypto equal the native batch", async () => {
    const h0 = createHash("sha256").update("h0").digest();
    const chunks = Buffer.alloc(3 * CHUNK_BYTES);
    for (let i = 0; i < chunks.length; i += 4096) chunks.writeUInt32BE(i, i);
    const h1 = await computeH1s(h0, chunks, { firstNonce: 5, difficulty: 0n });
    const h2 = await computeH2s(h0, h1.hashes, chunks, { difficulty: 0n });
    for (let i = 0; i < 3; i += 1) {
      const chunk = chunks.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
      assert.ok(h1Of(h0, 5 + i, chunk).equals(h1.hashes.subarray(i * 32, i * 32 + 32)));
      assert.ok(h2Of(h0, h1.hashes.subarray(i * 32, i * 32 + 32), chunk).equals(h2.hashes.subarray(i * 32, i * 32 + 32)));
    }
  });
});

describe("mining scheduler", () => {
  function gate(): { wait: Promise<void>; open: () => void } {
    let open = (): void => undefined;
    const wait = new Promise<void>((r) => (open = r));
    return { wait, open };
  }

  it("finishes H2 before H1 before starting H0, and drops a stale session's queued work", async () => {
    const ran: string[] = [];
    const dropped: string[] = [];
    const s = new MiningScheduler(1, 10, (n, why) => dropped.push(`${why}:${n}`), (err) => assert.fail(String(err)));
    const blocker = gate();
    const task = (kind: MiningTask["kind"], session: string, name: string): MiningTask => ({ kind, session, step: 1, run: async () => void ran.push(name) });
    s.push({ kind: "h0", session: "a", step: 1, run: () => blocker.wait });
    s.push(task("h0", "a", "h0-a"));
    s.push(task("h1", "a", "h1-a"));
    s.push(task("h2", "a", "h2-a"));
    s.push(task("h0", "b", "h0-b"));
    s.push(task("h2", "b", "h2-b"));
    s.dropStale("b");
    blocker.open();
    await s.idle();
    assert.deepEqual(ran, ["h2-b", "h0-b"]);
    assert.deepEqual(dropped, ["stale-session:3"]);
  });

  it("skips the oldest queued H0 when the miner falls behind", async () => {
    const ran: number[] = [];
    let behind = 0;
    const s = new MiningScheduler(1, 2, (n) => (behind += n), () => undefined);
    const blocker = gate();
    s.push({ kind: "h0", session: "a", step: 0, run: () => blocker.wait });
    for (let step = 1; step <= 4; step += 1) s.push({ kind: "h0", session: "a", step, run: async () => void ran.push(step) });
    blocker.open();
    await s.idle();
    assert.deepEqual(ran, [3, 4]);
    assert.equal(behind, 2);
  });
});

describe("read budget", () => {
  it("reserves before reading and wakes waiters in order as space frees", async () => {
    const seen: number[] = [];
    const b = new ReadBudget(100, (bytes) => seen.push(bytes));
    const r1 = await b.reserve(60);
    assert.equal(r1.buffer.length, 60);
    let second = false;
    const p = b.reserve(50).then((r) => ((second = true), r));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(second, false, "60 + 50 exceeds 100");
    r1.buffer[0] = 7;
    r1.release();
    const r2 = await p;
    assert.equal(b.reservedBytes, 50);
    assert.equal(r2.buffer.length, 50);
    assert.equal(r2.buffer[0], 7, "the idle 60-byte buffer is reused");
    r2.release();
    r2.release();
    assert.equal(b.reservedBytes, 0, "release is idempotent");
    assert.deepEqual(seen, [60, 0, 50, 0]);
    await assert.rejects(b.reserve(101), RangeError);
  });
});
