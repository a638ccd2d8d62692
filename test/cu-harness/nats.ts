// A real nats-server with JetStream for cu tests: a free loopback port, a temporary store directory,
// readiness by connecting, and cleanup through the devnet's ProcessGroupSet (process group + watchdog).
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { logTail, processSetIn, type ProcessGroupSet, type Component } from "../k8s/processes.ts";

export const natsServerBin = process.env.ARKUBE_NATS_SERVER ?? "/usr/sbin/nats-server";
const readyTimeoutMs = 10_000;
const readyPollMs = 50;
const stopGraceMs = 5_000;

export interface NatsServer {
  readonly url: string;
  readonly dir: string;
  readonly processes: ProcessGroupSet;
  readonly component: Component;
  connect(name?: string): Promise<NatsConnection>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, component: Component): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (component.exit !== undefined) throw new Error(`nats-server exited: ${logTail(component)}`);
    try {
      const nc = await connect({ servers: url, reconnect: false });
      await nc.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`nats-server not ready after ${readyTimeoutMs} ms: ${logTail(component)}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, readyPollMs));
    }
  }
}

/** Starts nats-server -js. The ProcessGroupSet may be shared with other processes the test starts. */
export async function startNats(): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "arkube-cu-nats-"));
  const logs = join(dir, "logs");
  mkdirSync(logs);
  const processes = processSetIn(dir);
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const component = processes.start("nats", natsServerBin, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "js")], logs);
  try {
    await waitReady(url, component);
  } catch (err) {
    await processes.stopAll(stopGraceMs);
    throw err;
  }
  return {
    url,
    dir,
    processes,
    component,
    connect: (name = "cu-test") => connect({ servers: url, name }),
    stop: () => processes.stopAll(stopGraceMs),
  };
}
