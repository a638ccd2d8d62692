// Supervised child processes, one implementation for the devnet and every test harness. Each child runs
// in its own process group (detached = setsid) so stopping it also stops anything it forked. Three layers
// make sure nothing outlives the owner:
//   1. stopAll(): reverse start order, SIGTERM, bounded wait, SIGKILL, then wait until the group is empty
//      (a SIGKILLed process can linger for a moment while the kernel tears it down).
//   2. an 'exit' handler: SIGKILL every group synchronously (uncaught error, process.exit).
//   3. a detached watchdog shell polling the owner's pid; when it is gone (kill -9, OOM, a test runner's
//      timeout) it SIGKILLs every group listed in the pid file, and removes `removeWhenDone` if set.
// A component that exits is recorded and reported, never restarted: a crash must be visible.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProcessesLeftError, SpawnError } from "./errors.ts";

/** Bound on a process group emptying after SIGKILL (exit event, then any member the kernel still tears down). */
const killWaitMs = 10_000;
/** How often an emptying group is probed. */
const groupPollMs = 20;
const logTailLines = 40;

const watchdogScript = `
parent=$1; pids=$2; dir=$3
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
if [ -f "$pids" ]; then
  while read -r pg; do kill -s KILL -- "-$pg" 2>/dev/null; done < "$pids"
fi
if [ -n "$dir" ]; then rm -rf "$dir"; fi
`;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ChildComponent {
  readonly name: string;
  /** Also the process group id. */
  readonly pid: number;
  readonly logPath: string;
  readonly startedAtMs: number;
  /** Set once the process exited and was reaped. */
  exit: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
}

export interface ProcessGroupSetOptions {
  /** Holds the pid file the watchdog reads. */
  readonly runDir: string;
  /** Where <name>.log goes unless start() names another directory. */
  readonly logDir: string;
  /** A work directory removed by stopAll() and by the watchdog (test harnesses); the devnet never sets it. */
  readonly removeWhenDone?: string;
}

export class ProcessGroupSet {
  private readonly started: ChildComponent[] = [];
  private readonly pidFile: string;
  private readonly watchdog: ChildProcess;
  private readonly onExit = (): void => this.killAllSync();

  constructor(private readonly opts: ProcessGroupSetOptions) {
    this.pidFile = join(opts.runDir, "pids");
    writeFileSync(this.pidFile, "");
    const args = ["-c", watchdogScript, "watchdog", String(process.pid), this.pidFile, opts.removeWhenDone ?? ""];
    this.watchdog = spawn("/bin/sh", args, { detached: true, stdio: "ignore" });
    this.watchdog.on("error", () => undefined);
    this.watchdog.unref();
    process.once("exit", this.onExit);
  }

  /** Starts `bin args` with stdout + stderr appended to <logDir>/<name>.log. */
  start(name: string, bin: string, args: readonly string[], logDir = this.opts.logDir): ChildComponent {
    const logPath = join(logDir, `${name}.log`);
    const fd = openSync(logPath, "a");
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    // A missing binary shows up as an 'error' event and no pid; the listener keeps it from being unhandled.
    child.on("error", () => undefined);
    if (child.pid === undefined) throw new SpawnError(`${name}: cannot start ${bin}`);
    // Recorded before anything else can fail, so the watchdog knows every group.
    appendFileSync(this.pidFile, `${child.pid}\n`);
    const component = trackExit(name, child, child.pid, logPath);
    this.started.push(component);
    return component;
  }

  components(): readonly ChildComponent[] {
    return this.started;
  }

  /**
   * Stops every component, newest first (clients before the servers they use), then the watchdog.
   * Throws ProcessesLeftError (after stopping the rest) when a group still existed after the SIGKILL bound.
   */
  async stopAll(graceMs: number): Promise<void> {
    const leftover: string[] = [];
    for (const component of [...this.started].reverse()) {
      if (!(await stopComponent(component, graceMs))) leftover.push(component.name);
    }
    this.dispose();
    if (leftover.length > 0) throw new ProcessesLeftError(leftover);
  }

  private killAllSync(): void {
    for (const component of this.started) signalGroup(component.pid, "SIGKILL");
    this.dispose();
  }

  private dispose(): void {
    process.removeListener("exit", this.onExit);
    if (this.watchdog.pid !== undefined) signalGroup(this.watchdog.pid, "SIGKILL");
    if (this.opts.removeWhenDone !== undefined) rmSync(this.opts.removeWhenDone, { recursive: true, force: true });
  }
}

function trackExit(name: string, child: ChildProcess, pid: number, logPath: string): ChildComponent {
  let resolveExit: (s: ExitStatus) => void = () => undefined;
  const exited = new Promise<ExitStatus>((resolve) => (resolveExit = resolve));
  const component: ChildComponent = { name, pid, logPath, startedAtMs: Date.now(), exit: undefined, exited };
  child.once("exit", (code, signal) => {
    component.exit = { code, signal };
    resolveExit(component.exit);
  });
  return component;
}

/** True once the component and everything in its group are gone. */
async function stopComponent(component: ChildComponent, graceMs: number): Promise<boolean> {
  if (component.exit === undefined) {
    signalGroup(component.pid, "SIGTERM");
    if (!(await exitsWithin(component, graceMs))) signalGroup(component.pid, "SIGKILL");
  }
  // Anything the component forked into its group goes too.
  signalGroup(component.pid, "SIGKILL");
  const deadline = Date.now() + killWaitMs;
  if (!(await exitsWithin(component, killWaitMs))) return false;
  while (isGroupAlive(component.pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, groupPollMs));
  }
  return true;
}

/** True when the component exits within `timeoutMs`. */
export async function exitsWithin(component: Pick<ChildComponent, "exited">, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const done = await Promise.race([component.exited.then(() => true as const), timedOut]);
  clearTimeout(timer);
  return done;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    // ESRCH: the group is already empty, which is the goal.
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** True while any process of the group exists. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** The last lines of a component's log, for error messages. */
export function logTail(component: Pick<ChildComponent, "logPath">, lines = logTailLines): string {
  try {
    return readFileSync(component.logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
