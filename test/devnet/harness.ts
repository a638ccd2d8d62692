// A devnet under test: its own config in a temp dir, started exactly as `npm start` does
// (devnet/main.ts up, own process group), observed through its status API and lock file, and always
// cleaned up: SIGTERM, then SIGKILL to every process group it recorded, then the temp dir.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { isGroupAlive } from "../../devnet/processes.ts";
import type { DevnetStatus } from "../../devnet/status/model.ts";

export const repoRoot = new URL("../..", import.meta.url).pathname;
export const moduleWasm = join(repoRoot, "..", "shared", "ao-modules", "aos2-wasm32-emscripten4.wasm");
export const pollMs = 200;

export class DevnetUnderTest {
  readonly dir = mkdtempSync(join(tmpdir(), "arkube-devnet-test-"));
  readonly dataDir = join(this.dir, "data");
  private readonly launcher: ChildProcess;
  readonly exit: Promise<number | null>;

  /** `config`: devnet.yaml keys (dataDir is set here). */
  constructor(config: Record<string, unknown>) {
    writeFileSync(join(this.dir, "devnet.yaml"), stringify({ ...config, dataDir: this.dataDir }));
    const out = join(this.dir, "launcher.log");
    writeFileSync(out, "");
    this.launcher = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "devnet", "main.ts"), "up", "--config", join(this.dir, "devnet.yaml")], { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const append = (b: Buffer): void => writeFileSync(out, b, { flag: "a" });
    this.launcher.stdout?.on("data", append);
    this.launcher.stderr?.on("data", append);
    this.exit = new Promise((resolve) => this.launcher.once("exit", (code) => resolve(code)));
  }

  statusUrl(): string | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.dataDir, "devnet.lock"), "utf8")) as { statusUrl?: string }).statusUrl;
    } catch {
      return undefined;
    }
  }

  async status(): Promise<DevnetStatus | undefined> {
    const url = this.statusUrl();
    if (url === undefined) return undefined;
    return fetch(`${url}/api/status`).then((r) => r.json() as Promise<DevnetStatus>, () => undefined);
  }

  /** Polls `probe` until it gives a value; fails with the launcher's output after `timeoutMs`. */
  async until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) assert.fail(`${what} not within ${timeoutMs} ms; launcher output:\n${readFileSync(join(this.dir, "launcher.log"), "utf8").slice(-4000)}`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async evalOnDemo(code: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.statusUrl()}/api/message`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  childPids(): number[] {
    const path = join(this.dataDir, "run", "pids");
    return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number) : [];
  }

  /** SIGTERM (what Ctrl-C does); the launcher's exit code, or "timeout". */
  async stop(timeoutMs: number): Promise<number | null | "timeout"> {
    if (this.launcher.exitCode === null && this.launcher.signalCode === null) this.launcher.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For a failed test: whatever is left is killed, the temp dir removed. */
  async cleanup(timeoutMs: number): Promise<void> {
    await this.stop(timeoutMs);
    for (const pid of [this.launcher.pid ?? 0, ...this.childPids()].filter((p) => p > 0)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `ps` lines (pid, pgid, state, command) of every process still in one of the groups `pgids`; "" when none. */
export function groupsLeft(pgids: readonly number[]): string {
  const left = pgids.filter(isGroupAlive);
  if (left.length === 0) return "";
  // Components are session leaders (setsid), so their session id is the group id `ps -g` selects by.
  const ps = spawnSync("ps", ["-o", "pid=,pgid=,stat=,etime=,args=", "-g", left.join(",")], { encoding: "utf8" });
  return `groups ${left.join(", ")} alive:\n${ps.stdout || ps.stderr}`;
}
