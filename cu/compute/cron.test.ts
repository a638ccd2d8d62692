// The pure cron core: parsing the reference's tag format, and where ticks fall between scheduled
// messages (instants from the origin, gaps that tile time, block heights, ordering, laziness).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadCronError } from "../errors.ts";
import { advanceClock, cronPlan, gapTicks, parseCrons, type CronClock, type CronPlan } from "./cron.ts";

const t0 = 1_700_000_000_250;
const h0 = 1_000;

function plan(tags: [string, string][]): CronPlan {
  return cronPlan(
    parseCrons(tags.map(([name, value]) => ({ name, value }))),
    { timestampMs: t0, blockHeight: h0 },
  );
}

function clock(timestampMs: number, blockHeight = h0): CronClock {
  return { timestampMs, blockHeight };
}

describe("parseCrons", () => {
  it("reads intervals and their Cron-Tag-* tags in order", () => {
    const crons = parseCrons([
      { name: "Name", value: "x" },
      { name: "Cron-Interval", value: "5-minutes" },
      { name: "Cron-Tag-Action", value: "Cron" },
      { name: "Cron-Tag-Kind", value: "slow" },
      { name: "Cron-Interval", value: "10-blocks" },
      { name: "Cron-Tag-Action", value: "Block" },
    ]);
    assert.deepEqual(crons, [
      { interval: "5-minutes", unit: "seconds", value: 300, tags: [{ name: "Action", value: "Cron" }, { name: "Kind", value: "slow" }] },
      { interval: "10-blocks", unit: "blocks", value: 10, tags: [{ name: "Action", value: "Block" }] },
    ]);
  });

  it("accepts the ms units, floors to seconds and rejects what the reference cannot run", () => {
    const seconds = (interval: string): number => parseCrons([{ name: "Cron-Interval", value: interval }])[0]?.value ?? -1;
    assert.equal(seconds("1-hour"), 3600);
    assert.equal(seconds("2-days"), 172_800);
    assert.equal(seconds("1.5-minutes"), 90);
    assert.equal(seconds("1500-ms"), 1);
    assert.equal(seconds("1-block"), 1);
    for (const bad of ["999-ms", "0-seconds", "10-fortnights", "ten-seconds", "10", "1.5-blocks", "0-blocks"]) {
      assert.throws(() => parseCrons([{ name: "Cron-Interval", value: bad }]), BadCronError, bad);
    }
    assert.throws(() => parseCrons([{ name: "Cron-Tag-Action", value: "Cron" }]), BadCronError);
  });
});

describe("gapTicks", () => {
  it("fires at origin + j*interval, at most once per instant, whichever gaps the messages make", () => {
    const p = plan([["Cron-Interval", "10-seconds"]]);
    const messages = [t0, t0 + 3_000, t0 + 10_000, t0 + 10_000, t0 + 47_999, t0 + 47_000, t0 + 61_000];
    const fired: number[] = [];
    let left = clock(messages[0] ?? 0);
    for (const at of messages.slice(1)) {
      const right = advanceClock(left, at, h0);
      for (const tick of gapTicks(p, left, right)) fired.push(tick.timestampMs - t0);
      left = right;
    }
    // A tick at a message's own instant comes after that message; a clock going back adds nothing.
    assert.deepEqual(fired, [10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });

  it("orders simultaneous ticks by interval, numbers them within the gap, carries the tags", () => {
    const p = plan([["Cron-Interval", "6-seconds"], ["Cron-Tag-Action", "Slow"], ["Cron-Interval", "3-seconds"], ["Cron-Tag-Action", "Fast"]]);
    const ticks = [...gapTicks(p, clock(t0), clock(t0 + 12_001))];
    assert.deepEqual(
      ticks.map((t) => [t.index, t.timestampMs - t0, t.cron, t.tags[0]?.value]),
      [[0, 3_000, "0-3-seconds", "Fast"], [1, 6_000, "0-3-seconds", "Fast"], [2, 6_000, "1-6-seconds", "Slow"], [3, 9_000, "0-3-seconds", "Fast"], [4, 12_000, "0-3-seconds", "Fast"], [5, 12_000, "1-6-seconds", "Slow"]],
    );
  });

  it("fires block crons at the heights a gap newly reaches, at its end, after its time ticks", () => {
    const p = plan([["Cron-Interval", "2-blocks"], ["Cron-Interval", "3-blocks"], ["Cron-Interval", "5-seconds"]]);
    const ticks = [...gapTicks(p, clock(t0 + 1_000, h0 + 1), clock(t0 + 7_000, h0 + 6))];
    assert.deepEqual(
      ticks.map((t) => [t.timestampMs - t0, t.blockHeight - h0, t.cron]),
      [[5_000, 1, "0-5-seconds"], [7_000, 2, "0-2-blocks"], [7_000, 3, "1-3-blocks"], [7_000, 4, "0-2-blocks"], [7_000, 6, "0-2-blocks"], [7_000, 6, "1-3-blocks"]],
    );
    assert.deepEqual([...gapTicks(p, clock(t0 + 7_000, h0 + 6), clock(t0 + 7_500, h0 + 6))], [], "no new height, no time boundary");
  });

  it("is lazy: a long gap under a 1-second cron is generated on demand", () => {
    const p = plan([["Cron-Interval", "1-second"]]);
    const year = 365 * 86_400_000;
    const ticks = gapTicks(p, clock(t0), clock(t0 + year));
    assert.equal(ticks.next().value?.timestampMs, t0 + 1_000);
    assert.equal(ticks.next().value?.index, 1);
  });
});
