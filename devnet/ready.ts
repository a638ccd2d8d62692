// Readiness probes and free ports: small I/O helpers of the launcher.
import { closeSync, openSync, readSync, statSync } from "node:fs";
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

/** Bytes of a log read per probe for a ready line (the line comes right after start). */
export const readyLineScanBytesMax = 1024 * 1024;

/** Pure: whether `text` holds a JSON line `{"event": event, "url": url, ...}`. */
export function hasReadyLine(text: string, event: string, url: string): boolean {
  return text.split("\n").some((line) => {
    if (!line.startsWith("{")) return false;
    try {
      const j = JSON.parse(line) as { event?: unknown; url?: unknown };
      return j.event === event && j.url === url;
    } catch {
      return false;
    }
  });
}

/** The log's size now: a ready line counts only if written after this (logs are appended across starts). */
export function logSizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(readyLineScanBytesMax);
    const n = readSync(fd, buf, 0, buf.length, offset);
    return buf.subarray(0, n).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `log`: the component's log and its size when it started (for `line` readiness). */
export async function probe(ready: Readiness, log?: { readonly path: string; readonly offset: number }): Promise<boolean> {
  if (ready.type === "line") return log !== undefined && hasReadyLine(readFrom(log.path, log.offset), ready.event, ready.url);
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
export async function waitReady(child: ChildComponent, ready: Readiness, timeoutMs: number, logTail: () => string, stop: AbortSignal, logOffset = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stop.aborted) return;
    if (child.exit !== undefined) throw new ComponentExitedError(`${child.name} exited while starting (${JSON.stringify(child.exit)}); log ${child.logPath}:\n${logTail()}`);
    if (await probe(ready, { path: child.logPath, offset: logOffset })) return;
    if (Date.now() > deadline) throw new ComponentNotReadyError(`${child.name} not ready within ${timeoutMs} ms (${ready.url}); log ${child.logPath}:\n${logTail()}`);
    await new Promise((r) => setTimeout(r, readyPollMs));
  }
}
