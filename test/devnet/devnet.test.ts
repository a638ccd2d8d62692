// End to end: a small devnet (own config, temp dir, free ports) started exactly as `npm start` does
// (devnet/main.ts up), driven only through its status API. Checks that the VDF chain advances, that the
// demo process answers an Eval through POST /api/message, that the chain and the results survive a
// kill -9 of the VDF leader and of a compute pod, and that stopping leaves no process behind.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import type { DevnetStatus } from "../../devnet/status/model.ts";

const repoRoot = new URL("../..", import.meta.url).pathname;
const readyTimeoutMs = 90_000;
/** Lease 3 s: the standby takes over within that after the leader is killed; plus startup slack. */
const takeoverTimeoutMs = 30_000;
const stopTimeoutMs = 30_000;
const pollMs = 200;

let dir: string;
let dataDir: string;
let launcher: ChildProcess;
let launcherExit: Promise<number | null>;

function lockUrl(): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dataDir, "devnet.lock"), "utf8")) as { statusUrl?: string }).statusUrl;
  } catch {
    return undefined;
  }
}

async function status(): Promise<DevnetStatus | undefined> {
  const url = lockUrl();
  if (url === undefined) return undefined;
  return fetch(`${url}/api/status`).then((r) => r.json() as Promise<DevnetStatus>, () => undefined);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`${what} not within ${timeoutMs} ms; launcher output:\n${readFileSync(join(dir, "launcher.log"), "utf8").slice(-4000)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function evalOnDemo(code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${lockUrl()}/api/message`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The launcher's exit code, or "timeout"; the timer is cleared so it cannot hold the test process open. */
async function exitWithin(timeoutMs: number): Promise<number | null | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
  try {
    return await Promise.race([launcherExit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function childPids(): number[] {
  const path = join(dataDir, "run", "pids");
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number) : [];
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "arkube-devnet-test-"));
  dataDir = join(dir, "data");
  const config = {
    dataDir,
    ports: { nats: 0, status: 0, vdfMetrics: 0, cuHttp: 0, cuGrpc: 0 },
    vdf: { targetStepMs: 500, leaseDurationMs: 3_000, renewIntervalMs: 500, renewMarginMs: 500 },
    cu: { moduleWasm: join(repoRoot, "..", "shared", "ao-modules", "aos2-wasm32-emscripten4.wasm"), heartbeatIntervalMs: 250, memberTtlMs: 2_000 },
    nodeAgents: { count: 0 },
    stopGraceMs: 5_000,
  };
  writeFileSync(join(dir, "devnet.yaml"), stringify(config));
  const out = join(dir, "launcher.log");
  writeFileSync(out, "");
  // Own process group, so cleanup can reach the launcher whatever it left running.
  launcher = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "devnet", "main.ts"), "up", "--config", join(dir, "devnet.yaml")], { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const append = (b: Buffer): void => writeFileSync(out, b, { flag: "a" });
  launcher.stdout?.on("data", append);
  launcher.stderr?.on("data", append);
  launcherExit = new Promise((resolve) => launcher.once("exit", (code) => resolve(code)));
});

after(async () => {
  // Normally everything is gone already; this is for a failed test.
  if (launcher.exitCode === null && launcher.signalCode === null) {
    launcher.kill("SIGTERM");
    await exitWithin(stopTimeoutMs);
  }
  for (const pid of [launcher.pid ?? 0, ...childPids()].filter((p) => p > 0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("devnet end to end", () => {
  it("runs, survives kill -9 of a vdf and a compute process, and stops cleanly", async () => {
    const ready = await until("devnet ready", readyTimeoutMs, async () => ((await status())?.ready === true ? status() : undefined));
    assert.deepEqual(ready.components.map((c) => c.state), ready.components.map(() => "up"));
    assert.ok(ready.compute.demoProcessId !== null);

    const first = ready.vdf.step!;
    await until("VDF steps advance", 20_000, async () => ((await status())!.vdf.step! >= first + 3 ? true : undefined));

    const two = await evalOnDemo("return 1+1");
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.output, "2");

    // kill -9 the VDF leader and one compute pod.
    const before = (await status())!;
    const leader = before.vdf.leader!;
    const leaderPid = before.components.find((c) => c.name === leader)!.pid;
    const cuPid = before.components.find((c) => c.name === "cu-0")!.pid;
    process.kill(-leaderPid, "SIGKILL");
    process.kill(-cuPid, "SIGKILL");
    const killedAt = before.vdf.step!;
    const down = await until("killed components shown down", 10_000, async () => {
      const s = (await status())!;
      return [leader, "cu-0"].every((n) => s.components.find((c) => c.name === n)?.state === "down") ? s : undefined;
    });
    assert.equal(down.ready, true);

    // The chain continues from the standby: a new leader, steps past the kill point.
    const after = await until("chain continues under a new leader", takeoverTimeoutMs, async () => {
      const s = (await status())!;
      return s.vdf.leader !== leader && s.vdf.step! > killedAt + 2 ? s : undefined;
    });
    assert.notEqual(after.vdf.leader, leader);

    // Results are still served (the surviving pod owns or falls back to evaluating the process).
    const five = await until("Eval after the kill", takeoverTimeoutMs, async () => {
      const r = await evalOnDemo("return 2+3");
      return r.status === 200 ? r : undefined;
    });
    assert.equal(five.body.output, "5");

    // Stop: SIGTERM to the launcher (what Ctrl-C and `arkube devnet down` do); nothing may be left.
    const pids = childPids();
    assert.ok(pids.length >= 5, `pid file lists ${pids.length} processes`);
    launcher.kill("SIGTERM");
    const code = await exitWithin(stopTimeoutMs);
    assert.equal(code, 0);
    assert.deepEqual(pids.filter(alive), [], "processes left after stop");
    assert.equal(existsSync(join(dataDir, "devnet.lock")), false);
  });
});
