// End to end: a small devnet (own config, temp dir, free ports) started exactly as `npm start` does
// (devnet/main.ts up), driven only through its status API. Checks that the VDF chain advances, that the
// demo process answers an Eval through POST /api/message, that the chain and the results survive a
// kill -9 of the VDF leader and of a compute pod, and that stopping leaves no process behind.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DevnetUnderTest, groupsLeft, moduleWasm } from "./harness.ts";

const readyTimeoutMs = 90_000;
/** Lease 3 s: the standby takes over within that after the leader is killed; plus startup slack. */
const takeoverTimeoutMs = 30_000;
const stopTimeoutMs = 30_000;

let devnet: DevnetUnderTest | undefined;

after(async () => {
  await devnet?.cleanup(stopTimeoutMs);
});

describe("devnet end to end", () => {
  it("runs, survives kill -9 of a vdf and a compute process, and stops cleanly", async () => {
    const d = (devnet = new DevnetUnderTest({
      ports: { nats: 0, status: 0, vdfMetrics: 0, cuHttp: 0, cuGrpc: 0 },
      vdf: { targetStepMs: 500, leaseDurationMs: 3_000, renewIntervalMs: 500, renewMarginMs: 500 },
      cu: { moduleWasm, heartbeatIntervalMs: 250, memberTtlMs: 2_000 },
      nodeAgents: { count: 0 },
      stopGraceMs: 5_000,
    }));
    const ready = await d.until("devnet ready", readyTimeoutMs, async () => ((await d.status())?.ready === true ? d.status() : undefined));
    assert.deepEqual(ready.components.map((c) => c.state), ready.components.map(() => "up"));
    assert.ok(ready.compute.demoProcessId !== null);

    const first = ready.vdf.step!;
    await d.until("VDF steps advance", 20_000, async () => ((await d.status())!.vdf.step! >= first + 3 ? true : undefined));

    const two = await d.evalOnDemo("return 1+1");
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.output, "2");

    // kill -9 the VDF leader and one compute pod.
    const before = (await d.status())!;
    const leader = before.vdf.leader!;
    const leaderPid = before.components.find((c) => c.name === leader)!.pid;
    const cuPid = before.components.find((c) => c.name === "cu-0")!.pid;
    process.kill(-leaderPid, "SIGKILL");
    process.kill(-cuPid, "SIGKILL");
    const killedAt = before.vdf.step!;
    const down = await d.until("killed components shown down", 10_000, async () => {
      const s = (await d.status())!;
      return [leader, "cu-0"].every((n) => s.components.find((c) => c.name === n)?.state === "down") ? s : undefined;
    });
    assert.equal(down.ready, true);

    // The chain continues from the standby: a new leader, steps past the kill point.
    const after = await d.until("chain continues under a new leader", takeoverTimeoutMs, async () => {
      const s = (await d.status())!;
      return s.vdf.leader !== leader && s.vdf.step! > killedAt + 2 ? s : undefined;
    });
    assert.notEqual(after.vdf.leader, leader);

    // Results are still served (the surviving pod owns or falls back to evaluating the process).
    const five = await d.until("Eval after the kill", takeoverTimeoutMs, async () => {
      const r = await d.evalOnDemo("return 2+3");
      return r.status === 200 ? r : undefined;
    });
    assert.equal(five.body.output, "5");

    // Stop: SIGTERM to the launcher (what Ctrl-C and `arkube devnet down` do); nothing may be left.
    const pids = d.childPids();
    assert.ok(pids.length >= 5, `pid file lists ${pids.length} processes`);
    assert.equal(await d.stop(stopTimeoutMs), 0);
    assert.equal(groupsLeft(pids), "", "processes left after stop");
    assert.equal(existsSync(join(d.dataDir, "devnet.lock")), false);
  });
});
