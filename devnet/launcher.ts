// The devnet supervisor: config -> plan -> processes started in order, each waited for; a status
// server and collector on top. Nothing is restarted: a component that dies after start is shown as
// down (terminal, /api/status) and its log path is printed. Stop (Ctrl-C, SIGTERM, `arkube devnet
// down`) stops everything in reverse start order and releases the lock.
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { clusterAddress, demoProcessItem, devnetUserSigner, moduleIdOf, onAnyPod, postItem, sendEval, type EvalResult } from "./ao.ts";
import { calibrate } from "./calibrate.ts";
import type { DevnetConfig } from "./config.ts";
import { ComponentNotReadyError, DevnetConfigError, type ProcessesLeftError } from "./errors.ts";
import { nodeAgentMain } from "./node-agent-config.ts";
import { ComponentRunner, waves } from "./components.ts";
import { natsUrlOf, planComponents, type ComponentSpec, type ResolvedPorts } from "./plan.ts";
import { ProcessGroupSet } from "./processes.ts";
import { freePort } from "./ready.ts";
import { acquireLock, readState, releaseLock, writeState } from "./state.ts";
import { StatusCollector } from "./status/collector.ts";
import { StatusModel } from "./status/model.ts";
import { StatusServer } from "./status/server.ts";
import type { Logger, TerminalOutput } from "./terminal.ts";

/** The terminal view's redraw period. */
const viewRefreshMs = 1_000;
/** The demo process's name (its spawn item, hence its id, is the same on every start). */
export const demoProcessName = "devnet-demo";

export interface LaunchOptions {
  readonly config: DevnetConfig;
  readonly repoRoot: string;
  readonly reset: boolean;
  readonly terminal: TerminalOutput;
  /** Aborted by SIGINT/SIGTERM: the devnet stops. */
  readonly stop: AbortSignal;
}


function prepareDataDir(config: DevnetConfig, reset: boolean): void {
  if (reset) rmSync(config.dataDir, { recursive: true, force: true });
  for (const d of ["logs", "run", "config"]) mkdirSync(join(config.dataDir, d), { recursive: true });
  // Keeps the devnet's data out of git without touching the repository's .gitignore.
  if (!existsSync(join(config.dataDir, ".gitignore"))) writeFileSync(join(config.dataDir, ".gitignore"), "*\n");
}

/** The chain's difficulty: chosen once (measured unless fixed in the config), then kept. */
async function chainIterations(config: DevnetConfig, stepComputers: number, log: Logger): Promise<number> {
  const saved = readState(config.dataDir);
  const fixed = config.vdf.iterationsPerCheckpoint;
  if (saved !== undefined) {
    if (fixed !== undefined && fixed !== saved.iterationsPerCheckpoint) {
      throw new DevnetConfigError(`vdf.iterationsPerCheckpoint ${fixed} differs from the existing chain's ${saved.iterationsPerCheckpoint}; start with --reset to begin a new chain`);
    }
    return saved.iterationsPerCheckpoint;
  }
  if (fixed !== undefined) {
    writeState(config.dataDir, { iterationsPerCheckpoint: fixed, measuredStepMs: undefined });
    return fixed;
  }
  const c = await calibrate(config.vdf.targetStepMs, stepComputers);
  log({ event: "vdf_calibrated", stepComputers, iterationsPerCheckpoint: c.iterationsPerCheckpoint, measuredStepMs: Math.round(c.measuredStepMs), measuredIterations: c.measuredIterations, targetStepMs: config.vdf.targetStepMs });
  writeState(config.dataDir, { iterationsPerCheckpoint: c.iterationsPerCheckpoint, measuredStepMs: c.measuredStepMs });
  return c.iterationsPerCheckpoint;
}

async function resolvePorts(config: DevnetConfig): Promise<ResolvedPorts> {
  const one = (p: number): Promise<number> => (p === 0 ? freePort(config.host) : Promise.resolve(p));
  const many = (ps: readonly number[]): Promise<number[]> => Promise.all(ps.map(one));
  return {
    nats: await one(config.ports.nats),
    status: config.ports.status,
    vdfMetrics: await many(config.ports.vdfMetrics),
    cuHttp: await many(config.ports.cuHttp),
    cuGrpc: await many(config.ports.cuGrpc),
    weave: await one(config.ports.weave),
    nodeAgentMetrics: await many(Array.from({ length: config.nodeAgents.count }, () => 0)),
    nodeAgentAdmin: await many(Array.from({ length: config.nodeAgents.count }, () => 0)),
  };
}


/** Runs the devnet until `opts.stop` aborts. Resolves once every process is gone. */
export async function runDevnet(opts: LaunchOptions): Promise<void> {
  const { config, terminal } = opts;
  const startedAtMs = Date.now();
  prepareDataDir(config, opts.reset);
  acquireLock(config.dataDir, { pid: process.pid, startedAtMs, statusUrl: undefined });
  const logFile = join(config.dataDir, "logs", "devnet.log");
  const log: Logger = (record) => {
    appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    terminal.event(record);
  };
  const procs = new ProcessGroupSet({ runDir: join(config.dataDir, "run"), logDir: join(config.dataDir, "logs") });
  let model: StatusModel | undefined;
  const runner = new ComponentRunner({ procs, logDir: join(config.dataDir, "logs"), readyTimeoutMs: config.readyTimeoutMs, stop: opts.stop, log, changed: () => syncComponents() });
  const syncComponents = (): void => model?.setComponents(runner.status());
  let live: LiveStatus | undefined;
  try {
    log({ event: "devnet_starting", dataDir: config.dataDir, reset: opts.reset });
    const agentMain = nodeAgentMain(opts.repoRoot);
    const agents = agentMain === undefined ? 0 : config.nodeAgents.count;
    const iterations = await chainIterations(config, config.vdf.replicas + agents, log);
    const ports = await resolvePorts(config);
    const specs = planComponents({ config, ports, iterationsPerCheckpoint: iterations, repoRoot: opts.repoRoot, nodeAgentMain: agentMain, nodeBin: process.execPath });
    model = new StatusModel({ startedAtMs, dataDir: config.dataDir, chain: config.vdf.chain, iterationsPerCheckpoint: iterations, knownProcesses: 1 });
    const apiUrls = (): string[] => runner.running.filter((r) => r.spec.kind === "cu" && runner.isUp(r.spec.name)).map((r) => r.spec.apiUrl!);
    const user = devnetUserSigner(config.vdf.chain);
    const demo = demoProcessItem(user, moduleIdOf(config.cu.moduleWasm), clusterAddress(config.cu.walletSeedHex), demoProcessName);
    live = await startStatus({ config, ports, specs, model, runner, startedAtMs, terminal, log, sendEval: (code) => sendEval(apiUrls(), user, demo.id, code) });
    for (const wave of waves(specs)) {
      if (opts.stop.aborted) break;
      await runner.startWave(wave);
      if (wave[0]?.kind === "nats" && !opts.stop.aborted) await live.followNats(natsUrlOf(config, ports));
    }
    if (!opts.stop.aborted) {
      await onAnyPod(apiUrls(), (url) => postItem(url, demo));
      model.setDemoProcess(demo.id);
      log({ event: "demo_process", id: demo.id });
      await firstStep(model, opts.stop, config.readyTimeoutMs);
      model.setReady(true);
      log({ event: "devnet_ready", ms: Date.now() - startedAtMs, status: live.url });
    }
    await new Promise<void>((resolve) => (opts.stop.aborted ? resolve() : opts.stop.addEventListener("abort", () => resolve(), { once: true })));
  } finally {
    runner.stopping = true;
    log({ event: "devnet_stopping" });
    await live?.close();
    await procs.stopAll(config.stopGraceMs).catch((err: unknown) => log({ event: "components_not_stopped", names: (err as ProcessesLeftError).names }));
    releaseLock(config.dataDir, process.pid);
    log({ event: "devnet_stopped" });
  }
}

interface LiveStatus {
  readonly url: string;
  /** Connects the collector to NATS (VDF steps, mining solutions). */
  followNats(url: string): Promise<void>;
  close(): Promise<void>;
}

interface StatusInput {
  readonly config: DevnetConfig;
  readonly ports: ResolvedPorts;
  readonly specs: readonly ComponentSpec[];
  readonly model: StatusModel;
  readonly runner: ComponentRunner;
  readonly startedAtMs: number;
  readonly terminal: TerminalOutput;
  readonly log: Logger;
  readonly sendEval: (code: string) => Promise<EvalResult>;
}

/** The status server, the collector behind it and the terminal view; started before any component. */
async function startStatus(s: StatusInput): Promise<LiveStatus> {
  const { config, model, runner } = s;
  const targets = s.specs.flatMap((c) => (c.metricsUrl === undefined ? [] : [{ name: c.name, kind: c.kind, metricsUrl: c.metricsUrl, adminUrl: c.kind === "node-agent" ? c.apiUrl : undefined }]));
  const collector = new StatusCollector(model, targets, (name) => runner.isUp(name), config.scrapeIntervalMs);
  const listening = await StatusServer.listen({ snapshot: () => model.snapshot(Date.now()), onChange: (l) => collector.onChange(l), sendEval: s.sendEval }, config.host, s.ports.status);
  model.setStatusUrl(listening.url);
  acquireLock(config.dataDir, { pid: process.pid, startedAtMs: s.startedAtMs, statusUrl: listening.url });
  s.log({ event: "status_page", url: listening.url });
  collector.start();
  const viewTimer = setInterval(() => {
    model.setComponents(runner.status());
    s.terminal.view(model.snapshot(Date.now()));
  }, viewRefreshMs);
  let nc: NatsConnection | undefined;
  return {
    url: listening.url,
    followNats: async (url) => {
      nc = await connect({ servers: url, name: "arkube-devnet-status" });
      collector.follow(nc, config.vdf.chain);
    },
    close: async () => {
      clearInterval(viewTimer);
      collector.stop();
      await listening.server.close();
      await nc?.close().catch(() => undefined);
    },
  };
}

/** Bound for the first VDF step after every component is up (the leader must win the lease first). */
async function firstStep(model: StatusModel, stop: AbortSignal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stop.aborted && model.snapshot(Date.now()).vdf.step === null) {
    if (Date.now() > deadline) throw new ComponentNotReadyError(`no VDF step within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
