// CLI: `arkube devnet up|down|status` (also `node --import tsx devnet/main.ts up|down|status`).
//   up [--config FILE] [--dir DIR] [--reset]   runs the devnet in the foreground until Ctrl-C / SIGTERM
//   down [--config FILE] [--dir DIR]           stops the devnet running in DIR (via its lock file)
//   status [--config FILE] [--dir DIR] [--json] prints GET /api/status of the running devnet
// Wiring only: argument parsing, signals, exit codes.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadDevnetConfig, type DevnetConfig } from "./config.ts";
import { runDevnet } from "./launcher.ts";
import { isGroupAlive } from "./processes.ts";
import { runningLock } from "./state.ts";
import type { DevnetStatus } from "./status/model.ts";
import { renderView, TerminalOutput } from "./terminal.ts";

const repoRoot = resolve(new URL("..", import.meta.url).pathname);
const defaultConfig = resolve(repoRoot, "devnet", "devnet.yaml");
/** `down`: how long to wait for the launcher to stop every component (each gets stopGraceMs). */
const downPollMs = 200;
const usage = "usage: arkube devnet up|down|status [--config FILE] [--dir DIR] [--reset] [--json]";

function loadConfig(values: { config?: string | undefined; dir?: string | undefined }): DevnetConfig {
  const config = loadDevnetConfig(values.config ?? defaultConfig, process.cwd());
  return values.dir === undefined ? config : { ...config, dataDir: resolve(values.dir) };
}

async function up(config: DevnetConfig, reset: boolean): Promise<void> {
  const stop = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => stop.abort());
  await runDevnet({ config, repoRoot, reset, terminal: new TerminalOutput(process.stdout), stop: stop.signal });
}

async function down(config: DevnetConfig): Promise<void> {
  const lock = runningLock(config.dataDir);
  process.kill(lock.pid, "SIGTERM");
  // Every component gets stopGraceMs before SIGKILL; the launcher itself needs a little on top.
  const deadline = Date.now() + config.stopGraceMs * (config.vdf.replicas + config.cu.replicas + config.nodeAgents.count + 2);
  while (isAlive(lock.pid)) {
    if (Date.now() > deadline) throw new Error(`devnet (pid ${lock.pid}) still running after its stop bound`);
    await new Promise((r) => setTimeout(r, downPollMs));
  }
  console.log(`devnet (pid ${lock.pid}) stopped`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return isGroupAlive(pid);
  }
}

async function status(config: DevnetConfig, asJson: boolean): Promise<void> {
  const lock = runningLock(config.dataDir);
  if (lock.statusUrl === undefined) {
    console.log(`devnet (pid ${lock.pid}) is starting; no status server yet`);
    return;
  }
  const body = (await (await fetch(`${lock.statusUrl}/api/status`)).json()) as DevnetStatus;
  console.log(asJson ? JSON.stringify(body, null, 2) : renderView(body).join("\n"));
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: "string" }, dir: { type: "string" }, reset: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  const args = positionals[0] === "devnet" ? positionals.slice(1) : positionals;
  if (values.help === true || args.length !== 1) {
    console.error(usage);
    return values.help === true ? 0 : 2;
  }
  const config = loadConfig(values);
  if (args[0] === "up") await up(config, values.reset === true);
  else if (args[0] === "down") await down(config);
  else if (args[0] === "status") await status(config, values.json === true);
  else {
    console.error(usage);
    return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as { code?: string; message?: string };
    console.error(JSON.stringify({ event: "devnet_failed", code: e.code, error: e.message ?? String(err) }));
    process.exit(1);
  },
);
