// Child processes of one test control plane. Each component runs in its own process group (detached:
// setsid), so stop() can signal the component and anything it forked. Three layers of cleanup, because a
// test process can die in any way:
//   1. stopAll(): SIGTERM, bounded wait, SIGKILL; the normal path.
//   2. an 'exit' handler on this process: SIGKILL every group synchronously (process.exit, uncaught error).
//   3. a detached watchdog shell that polls this process's pid and, once it is gone (SIGKILL, OOM, the
//      test runner killing the file on timeout), SIGKILLs every group listed in the pid file and removes
//      the work directory.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ControlPlaneError } from "./errors.ts";
import { exitsWithin, isGroupAlive, signalGroup } from "../../devnet/processes.ts";

// Process-group signalling is shared with the devnet supervisor (one implementation).
export { isGroupAlive };

export const stopGraceMsDefault = 10_000;
/** After SIGKILL the kernel ends the process at once; this only bounds waiting for the exit event. */
const killWaitMs = 5_000;
const logTailLines = 40;

const watchdogScript = `
parent=$1; pids=$2; dir=$3
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
if [ -f "$pids" ]; then
  while read -r pg; do kill -s KILL -- "-$pg" 2>/dev/null; done < "$pids"
fi
rm -rf "$dir"
`;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Component {
  name: string;
  /** Also the process group id (the child is a session leader). */
  pid: number;
  logPath: string;
  /** Set once the process has exited and been reaped. */
  exit: ExitStatus | undefined;
  exited: Promise<ExitStatus>;
}

export class ProcessSet {
  private readonly started: Component[] = [];
  private readonly pidFile: string;
  private readonly watchdog: ChildProcess;
  private readonly onExit = (): void => this.killAllSync();

  /** dir: the control plane's work directory; the watchdog removes it if this process dies. */
  constructor(private readonly dir: string) {
    this.pidFile = join(dir, "pids");
    this.watchdog = spawn("/bin/sh", ["-c", watchdogScript, "watchdog", String(process.pid), this.pidFile, dir], {
      detached: true,
      stdio: "ignore",
    });
    this.watchdog.unref();
    process.once("exit", this.onExit);
  }

  /** Starts `bin args` with stdout and stderr appended to <dir>/logs/<name>.log. */
  start(name: string, bin: string, args: string[], logDir: string): Component {
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
    if (child.pid === undefined) {
      throw new ControlPlaneError("SPAWN_FAILED", `${name}: could not start ${bin} (built by test/k8s/build-control-plane.sh?)`);
    }
    // Recorded before anything else can fail, so the watchdog knows every group.
    appendFileSync(this.pidFile, `${child.pid}\n`);
    const component = trackExit(name, child, child.pid, logPath);
    this.started.push(component);
    return component;
  }

  components(): readonly Component[] {
    return this.started;
  }

  /** Stops components in reverse start order (clients before the API server, etcd last). */
  async stopAll(graceMs: number): Promise<void> {
    for (const component of [...this.started].reverse()) {
      await stopComponent(component, graceMs);
    }
    this.dispose();
  }

  private killAllSync(): void {
    for (const component of this.started) signalGroup(component.pid, "SIGKILL");
    this.dispose();
  }

  private dispose(): void {
    process.removeListener("exit", this.onExit);
    if (this.watchdog.pid !== undefined) signalGroup(this.watchdog.pid, "SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function trackExit(name: string, child: ChildProcess, pid: number, logPath: string): Component {
  const component: Component = { name, pid, logPath, exit: undefined, exited: Promise.resolve({ code: null, signal: null }) };
  component.exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      component.exit = { code, signal };
      resolve(component.exit);
    });
  });
  return component;
}

async function stopComponent(component: Component, graceMs: number): Promise<void> {
  if (component.exit === undefined) {
    signalGroup(component.pid, "SIGTERM");
    if (!(await exitsWithin(component, graceMs))) {
      signalGroup(component.pid, "SIGKILL");
      if (!(await exitsWithin(component, killWaitMs))) {
        throw new ControlPlaneError("TIMEOUT", `${component.name} (pid ${component.pid}) still running ${killWaitMs} ms after SIGKILL`);
      }
    }
  }
  // Anything the component forked into its group goes too.
  signalGroup(component.pid, "SIGKILL");
}

/** The last lines of a component's log, for error messages. */
export function logTail(component: Component): string {
  try {
    const lines = readFileSync(component.logPath, "utf8").trimEnd().split("\n");
    return lines.slice(-logTailLines).join("\n");
  } catch {
    return "(no log)";
  }
}
