// Compute pods as separate OS processes (node --import tsx cu/main.ts --config FILE) on one
// nats-server, sharing its ProcessGroupSet so every pod is killed with the test whatever happens.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Component } from "../k8s/processes.ts";
import { aos2Wasm32Path } from "./ao-items.ts";
import { testClusterSeedHex } from "./cu-config.ts";
import { freePort, type NatsServer } from "./nats.ts";

const cuMain = new URL("../../cu/main.ts", import.meta.url).pathname;
const readyTimeoutMs = 60_000;
const readyPollMs = 100;

export interface CuPod {
  readonly podId: string;
  readonly url: string;
  readonly component: Component;
}

export async function startCuPod(nats: NatsServer, podId: string, bounds: Record<string, number>): Promise<CuPod> {
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const config = {
    nats: { url: nats.url, replicas: 1 },
    http: { host: "127.0.0.1", port: httpPort },
    grpc: { host: "127.0.0.1", port: grpcPort },
    podId,
    walletSeedHex: testClusterSeedHex,
    blockHeight: 1_500_000,
    modules: [{ wasm: aos2Wasm32Path, format: "wasm32-unknown-emscripten4", memoryLimit: "1-gb" }],
    bounds,
  };
  const path = join(nats.dir, `${podId}.yaml`);
  writeFileSync(path, stringify(config));
  const component = nats.processes.start(podId, process.execPath, ["--import", "tsx", cuMain, "--config", path], join(nats.dir, "logs"));
  return { podId, url: `http://127.0.0.1:${httpPort}`, component };
}

/** Waits until the pod answers and sees `members` live members (from its metrics). */
export async function waitPodReady(pod: CuPod, members: number): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (pod.component.exit !== undefined) throw new Error(`${pod.podId} exited: ${JSON.stringify(pod.component.exit)}`);
    const text = await fetch(`${pod.url}/metrics`)
      .then((r) => (r.ok ? r.text() : ""))
      .catch(() => "");
    if (new RegExp(`^arkube_cu_cluster_members ${members}$`, "m").test(text)) return;
    if (Date.now() > deadline) throw new Error(`${pod.podId} not ready with ${members} members after ${readyTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, readyPollMs));
  }
}
