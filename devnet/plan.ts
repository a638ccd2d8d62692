// Pure: what the devnet runs, in start order, with every config file's contents. The launcher only
// writes these files and spawns these commands; the components are the cluster's own binaries reading
// the cluster's own config formats (vdf/config.ts, cu/config.ts, node-agent via its adapter).
import { join } from "node:path";
import { stringify } from "yaml";
import type { DevnetConfig } from "./config.ts";
import { planNodeAgents, weaveArgs } from "./node-agent-config.ts";

export type ComponentKind = "nats" | "vdf" | "weave" | "cu" | "node-agent";

/**
 * nats: a client connects; http: GET answers 2xx; line: the component printed a JSON line with this
 * `event` to its log (after it started) whose `url` is `url` (the weave prints it once it serves).
 */
export type Readiness =
  | { readonly type: "nats"; readonly url: string }
  | { readonly type: "http"; readonly url: string }
  | { readonly type: "line"; readonly event: string; readonly url: string };

export interface ComponentSpec {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly bin: string;
  readonly args: readonly string[];
  /** Written before the component starts. */
  readonly configFile: { readonly path: string; readonly text: string } | undefined;
  /** Directories created before the component starts. */
  readonly dirs: readonly string[];
  readonly ready: Readiness;
  /** False: the devnet is "ready" without it (it is shown as starting/down instead). */
  readonly gating: boolean;
  /** Prometheus text endpoint the status aggregator scrapes. */
  readonly metricsUrl: string | undefined;
  /** Base URL of the ao SU/CU routes (compute pods), the admin API (node agents), the weave's HTTP API. */
  readonly apiUrl: string | undefined;
}

export interface ResolvedPorts {
  readonly nats: number;
  readonly status: number;
  readonly weave: number;
  readonly vdfMetrics: readonly number[];
  readonly cuHttp: readonly number[];
  readonly cuGrpc: readonly number[];
  readonly nodeAgentMetrics: readonly number[];
  readonly nodeAgentAdmin: readonly number[];
}

export interface PlanInput {
  readonly config: DevnetConfig;
  readonly ports: ResolvedPorts;
  readonly iterationsPerCheckpoint: number;
  readonly repoRoot: string;
  /** node-agent/main.ts when it exists. */
  readonly nodeAgentMain: string | undefined;
  readonly nodeBin: string;
}

export const genesisOutputHex = "00".repeat(32);

export function natsUrlOf(config: DevnetConfig, ports: ResolvedPorts): string {
  return `nats://${config.host}:${ports.nats}`;
}

export function planComponents(input: PlanInput): ComponentSpec[] {
  const { config, ports } = input;
  const natsUrl = natsUrlOf(config, ports);
  const configDir = join(config.dataDir, "config");
  const tsNode = (main: string, configPath: string): string[] => ["--import", "tsx", join(input.repoRoot, main), "--config", configPath];
  const specs: ComponentSpec[] = [
    {
      name: "nats",
      kind: "nats",
      bin: config.natsServerBin,
      args: ["-a", config.host, "-p", String(ports.nats), "-js", "-sd", join(config.dataDir, "nats")],
      configFile: undefined,
      dirs: [join(config.dataDir, "nats")],
      ready: { type: "nats", url: natsUrl },
      gating: true,
      metricsUrl: undefined,
      apiUrl: undefined,
    },
  ];
  for (let i = 0; i < config.vdf.replicas; i++) {
    const path = join(configDir, `vdf-${i}.yaml`);
    const metricsUrl = `http://${config.host}:${ports.vdfMetrics[i]}/metrics`;
    specs.push({ name: `vdf-${i}`, kind: "vdf", bin: input.nodeBin, args: tsNode("vdf/main.ts", path), configFile: { path, text: stringify(vdfConfig(input, i, natsUrl)) }, dirs: [], ready: { type: "http", url: metricsUrl }, gating: true, metricsUrl, apiUrl: undefined });
  }
  if (input.nodeAgentMain !== undefined && config.nodeAgents.count > 0) {
    // The synthetic weave is the agents' only peer: it starts (and is waited for) before them.
    const weaveUrl = `http://${config.host}:${ports.weave}`;
    const weaveArgv = ["--import", "tsx", join(input.repoRoot, "test", "weave", "main.ts"), ...weaveArgs(config, ports.weave)];
    specs.push({ name: "weave", kind: "weave", bin: input.nodeBin, args: weaveArgv, configFile: undefined, dirs: [], ready: { type: "line", event: "weave_server_ready", url: weaveUrl }, gating: true, metricsUrl: undefined, apiUrl: weaveUrl });
    for (const agent of planNodeAgents({ config, natsUrl, weaveUrl, iterationsPerCheckpoint: input.iterationsPerCheckpoint, metricsPorts: ports.nodeAgentMetrics, adminPorts: ports.nodeAgentAdmin })) {
      const path = join(configDir, `${agent.name}.yaml`);
      const metricsUrl = `http://${config.host}:${agent.metricsPort}/metrics`;
      // Gating: the exporter answers before the RandomX dataset is built, so this bounds only the
      // process start; packing and mining progress are shown on the status page.
      specs.push({ name: agent.name, kind: "node-agent", bin: input.nodeBin, args: ["--import", "tsx", input.nodeAgentMain, "--config", path], configFile: { path, text: agent.configText }, dirs: agent.diskDirs, ready: { type: "http", url: metricsUrl }, gating: true, metricsUrl, apiUrl: `http://${config.host}:${agent.adminPort}` });
    }
  }
  for (let i = 0; i < config.cu.replicas; i++) {
    const path = join(configDir, `cu-${i}.yaml`);
    const apiUrl = `http://${config.host}:${ports.cuHttp[i]}`;
    const cache = join(config.dataDir, "cu", `cu-${i}`);
    specs.push({ name: `cu-${i}`, kind: "cu", bin: input.nodeBin, args: tsNode("cu/main.ts", path), configFile: { path, text: stringify(cuConfig(input, i, natsUrl, cache)) }, dirs: [cache], ready: { type: "http", url: `${apiUrl}/healthz` }, gating: true, metricsUrl: `${apiUrl}/metrics`, apiUrl });
  }
  return specs;
}

function vdfConfig(input: PlanInput, i: number, natsUrl: string): unknown {
  const { config, ports } = input;
  return {
    natsUrl,
    identity: `vdf-${i}`,
    chain: { name: config.vdf.chain, genesisOutputHex, startStep: 0, iterationsPerCheckpoint: input.iterationsPerCheckpoint, seeds: { type: "derived", domain: config.vdf.chain } },
    stream: { storage: "file" },
    leadership: { type: "nats-kv", leaseDurationMs: config.vdf.leaseDurationMs, renewIntervalMs: config.vdf.renewIntervalMs, retryIntervalMs: config.vdf.renewIntervalMs, renewMarginMs: config.vdf.renewMarginMs },
    verifyThreads: config.vdf.verifyThreads,
    metricsPort: ports.vdfMetrics[i],
    metricsHost: config.host,
  };
}

function cuConfig(input: PlanInput, i: number, natsUrl: string, cacheDir: string): unknown {
  const { config, ports } = input;
  return {
    nats: { url: natsUrl, replicas: 1 },
    http: { host: config.host, port: ports.cuHttp[i] },
    grpc: { host: config.host, port: ports.cuGrpc[i] },
    podId: `cu-${i}`,
    walletSeedHex: config.cu.walletSeedHex,
    blockHeight: 0,
    checkpointCacheDir: cacheDir,
    modules: [{ wasm: config.cu.moduleWasm, format: config.cu.moduleFormat, memoryLimit: config.cu.memoryLimit }],
    bounds: { heartbeatIntervalMs: config.cu.heartbeatIntervalMs, memberTtlMs: config.cu.memberTtlMs, idleWorkersMax: config.cu.idleWorkersMax },
  };
}
