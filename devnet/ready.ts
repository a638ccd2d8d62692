// Readiness probes and free ports: small I/O helpers of the launcher.
import { createServer } from "node:net";
import { connect } from "@nats-io/transport-node";
import { ComponentExitedError, ComponentNotReadyError } from "./errors.ts";
import type { Readiness } from "./plan.ts";
import type { ChildComponent } from "./processes.ts";

export const readyPollMs = 100;
/** One probe attempt; a component that accepts but hangs counts as not ready yet. */
export const probeTimeoutMs = 1_000;

/** A port the kernel just handed out; the small race until the component binds it is accepted. */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export async function probe(ready: Readiness): Promise<boolean> {
  try {
    if (ready.type === "http") {
      const res = await fetch(ready.url, { signal: AbortSignal.timeout(probeTimeoutMs) });
      await res.body?.cancel();
      return res.ok;
    }
    const nc = await connect({ servers: ready.url, reconnect: false, timeout: probeTimeoutMs });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** Polls until ready (or `stop` aborts: Ctrl-C while starting); throws if the process exits first or the bound passes. */
export async function waitReady(child: ChildComponent, ready: Readiness, timeoutMs: number, logTail: () => string, stop: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stop.aborted) return;
    if (child.exit !== undefined) throw new ComponentExitedError(`${child.name} exited while starting (${JSON.stringify(child.exit)}); log ${child.logPath}:\n${logTail()}`);
    if (await probe(ready)) return;
    if (Date.now() > deadline) throw new ComponentNotReadyError(`${child.name} not ready within ${timeoutMs} ms (${ready.url}); log ${child.logPath}:\n${logTail()}`);
    await new Promise((r) => setTimeout(r, readyPollMs));
  }
}
