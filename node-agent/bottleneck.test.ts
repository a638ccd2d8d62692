// Naming the bottleneck from the signals the agent has: one case per kind.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nameBottleneck, type BottleneckSignals } from "./bottleneck.ts";

/** A miner keeping up: 1 step/s, actual = ideal, queues short, everything stored. */
const healthy: BottleneckSignals = {
  miningEnabled: true,
  partitions: 2,
  hashPerSecond: 808,
  idealHashPerSecond: 808,
  readPerSecond: 1600,
  idealReadPerSecond: 1600,
  stepIntervalMs: 1000,
  expectedStepIntervalMs: 1000,
  ioQueueDepth: 1,
  ioLoops: 1,
  hashQueueDepth: 2,
  hashConcurrency: 4,
  cpuBusyRatio: 0.4,
  storedFraction: 1,
};
const behind = { hashPerSecond: 400, readPerSecond: 800 };

describe("nameBottleneck", () => {
  it("none: actual at the ideal", () => {
    const b = nameBottleneck(healthy);
    assert.equal(b.kind, "none");
    assert.equal(b.efficiency, 1);
  });

  it("vdf: steps slower than the nominal pace, or none at all", () => {
    const slow = nameBottleneck({ ...healthy, stepIntervalMs: 2500 });
    assert.equal(slow.kind, "vdf");
    assert.match(slow.reason, /2500 ms, expected 1000 ms/);
    assert.equal(nameBottleneck({ ...healthy, stepIntervalMs: undefined, idealHashPerSecond: 0, hashPerSecond: 0 }).kind, "vdf");
  });

  it("disk: reads pile up in the IO loops", () => {
    const b = nameBottleneck({ ...healthy, ...behind, ioQueueDepth: 9 });
    assert.equal(b.kind, "disk");
    assert.match(b.reason, /9 reads queued/);
  });

  it("disk: below the ideal with reads lagging and nothing else explaining it", () => {
    assert.equal(nameBottleneck({ ...healthy, hashPerSecond: 400, readPerSecond: 700 }).kind, "disk");
  });

  it("cpu: mining tasks pile up, or the process uses its whole CPU budget", () => {
    assert.equal(nameBottleneck({ ...healthy, ...behind, hashQueueDepth: 20 }).kind, "cpu");
    const busy = nameBottleneck({ ...healthy, ...behind, cpuBusyRatio: 0.97 });
    assert.equal(busy.kind, "cpu");
    assert.match(busy.reason, /CPU 97% busy/);
    assert.equal(nameBottleneck({ ...healthy, hashPerSecond: 400 }).kind, "cpu", "reads keep up, hashing does not");
  });

  it("sync: the gap is chunks not stored yet", () => {
    const b = nameBottleneck({ ...healthy, ...behind, storedFraction: 0.5 });
    assert.equal(b.kind, "sync");
    assert.match(b.reason, /50% of the mined partitions stored/);
    assert.equal(nameBottleneck({ ...healthy, miningEnabled: false, storedFraction: 0.2 }).kind, "sync");
    assert.equal(nameBottleneck({ ...healthy, miningEnabled: false }).kind, "none");
  });
});
