// The devnet's child processes. Each runs in its own process group (detached = setsid) so stopping it
// also stops anything it forked. Three layers make sure nothing outlives the devnet:
//   1. stopAll(): reverse start order, SIGTERM, bounded wait, SIGKILL (Ctrl-C, `arkube devnet down`).
//   2. an 'exit' handler: SIGKILL every group synchronously (uncaught error, process.exit).
//   3. a detached watchdog shell polling the launcher's pid; when it is gone (kill -9, OOM) it SIGKILLs
//      every group listed in the pid file. Unlike the test harness it never deletes data.
// A component that exits is recorded and reported, never restarted: a crash must be visible.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SpawnError } from "./errors.ts";

/** After SIGKILL the kernel ends the process at once; this only bounds waiting for the exit event. */
const killWaitMs = 5_000;

const watchdogScript = `
parent=$1; pids=$2
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
if [ -f "$pids" ]; then
  while read -r pg; do kill -s KILL -- "-$pg" 2>/dev/null; done < "$pids"
fi
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
  /** Set once the process exited. */
  exit: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
}

export class ProcessGroupSet {
  private readonly started: ChildComponent[] = [];
  private readonly pidFile: string;
  private readonly watchdog: ChildProcess;
  private readonly onExit = (): void => this.killAllSync();

  constructor(runDir: string, private readonly logDir: string) {
    this.pidFile = join(runDir, "pids");
    writeFileSync(this.pidFile, "");
    this.watchdog = spawn("/bin/sh", ["-c", watchdogScript, "watchdog", String(process.pid), this.pidFile], { detached: true, stdio: "ignore" });
    this.watchdog.on("error", () => undefined);
    this.watchdog.unref();
    process.once("exit", this.onExit);
  }

  /** Starts `bin args` with stdout + stderr appended to <logDir>/<name>.log. */
  start(name: string, bin: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildComponent {
    const logPath = join(this.logDir, `${name}.log`);
    const fd = openSync(logPath, "a");
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], env });
    } finally {
      closeSync(fd);
    }
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

  /** Stops every component, newest first (clients before NATS), then the watchdog. */
  async stopAll(graceMs: number): Promise<void> {
    for (const component of [...this.started].reverse()) await stopComponent(component, graceMs);
    this.dispose();
  }

  private killAllSync(): void {
    for (const component of this.started) signalGroup(component.pid, "SIGKILL");
    this.dispose();
  }

  private dispose(): void {
    process.removeListener("exit", this.onExit);
    if (this.watchdog.pid !== undefined) signalGroup(this.watchdog.pid, "SIGKILL");
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

async function stopComponent(component: ChildComponent, graceMs: number): Promise<void> {
  if (component.exit === undefined) {
    signalGroup(component.pid, "SIGTERM");
    if (!(await exitsWithin(component, graceMs))) {
      signalGroup(component.pid, "SIGKILL");
      await exitsWithin(component, killWaitMs);
    }
  }
  // Anything the component forked into its group goes too.
  signalGroup(component.pid, "SIGKILL");
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
