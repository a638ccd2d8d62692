// A real nats-server (JetStream on, loopback, free port) for integration tests. The server and anything a
// test starts alongside it (vdf processes) live in one ProcessGroupSet (devnet/processes.ts), so they share its
// three-layer cleanup (stopAll, exit handler, watchdog that outlives a SIGKILLed test runner).
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processSetIn, logTail, type Component } from "../k8s/processes.ts";

export const natsServerBinDefault = "/usr/sbin/nats-server";
export const natsReadyTimeoutMsDefault = 15_000;
export const natsStopGraceMsDefault = 5_000;
const readyPollMs = 50;
/** The line nats-server logs once it accepts clients. */
const readyLine = "Server is ready";

export interface NatsServerOptions {
  bin?: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Work directory (JetStream store, logs); removed by stop(). */
  dir: string;
  logDir: string;
  server: Component;
  /** Starts another process in the same cleanup set (stopped before the server, in reverse order). */
  startProcess(name: string, bin: string, args: string[]): Component;
  /** Stops every process of the set and removes the work directory. Idempotent. */
  stop(): Promise<void>;
}

export class NatsHarnessError extends Error {
  readonly code: "ERR_NATS_NOT_INSTALLED" | "ERR_NATS_NOT_READY";
  constructor(code: NatsHarnessError["code"], message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = opts.bin ?? natsServerBinDefault;
  if (!existsSync(bin)) throw new NatsHarnessError("ERR_NATS_NOT_INSTALLED", `${bin} not found (apt-get install nats-server)`);
  const dir = mkdtempSync(join(tmpdir(), "arkube-nats-"));
  const logDir = join(dir, "logs");
  mkdirSync(logDir);
  const procs = processSetIn(dir);
  const stopGraceMs = opts.stopGraceMs ?? natsStopGraceMsDefault;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= procs.stopAll(stopGraceMs));
  try {
    const port = await freePort();
    const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "jetstream"), "-m", "0"];
    const server = procs.start("nats-server", bin, args, logDir);
    await waitReady(server, opts.readyTimeoutMs ?? natsReadyTimeoutMsDefault);
    return {
      url: `nats://127.0.0.1:${port}`,
      port,
      dir,
      logDir,
      server,
      startProcess: (name, b, a) => procs.start(name, b, a, logDir),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** A port the kernel just handed out; the tiny race until the server binds it is acceptable in tests. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function waitReady(server: Component, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exit !== undefined) break;
    if (readLog(server.logPath).includes(readyLine)) return;
    await new Promise((r) => setTimeout(r, readyPollMs));
  }
  throw new NatsHarnessError("ERR_NATS_NOT_READY", `nats-server not ready within ${timeoutMs} ms:\n${logTail(server)}`);
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
