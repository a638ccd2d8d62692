// The devnet supervisor: config -> plan -> processes started in order, each waited for; a status
// server and collector on top. Nothing is restarted: a component that dies after start is shown as
// down (terminal, /api/status) and its log path is printed. Stop (Ctrl-C, SIGTERM, `arkube devnet
// down`) stops everything in reverse start order and releases the lock.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { clusterAddress, demoProcessItem, devnetUserSigner, moduleIdOf, onAnyPod, postItem, sendEval } from "./ao.ts";
import { calibrate } from "./calibrate.ts";
import type { DevnetConfig } from "./config.ts";
import { ComponentNotReadyError, DevnetConfigError } from "./errors.ts";
import { nodeAgentMain } from "./node-agent-config.ts";
import { natsUrlOf, planComponents, type ComponentSpec, type ResolvedPorts } from "./plan.ts";
import { ProcessGroupSet, type ChildComponent } from "./processes.ts";
import { freePort, waitReady } from "./ready.ts";
import { acquireLock, readState, releaseLock, writeState } from "./state.ts";
import { StatusCollector } from "./status/collector.ts";
import { StatusModel, type ComponentStatus } from "./status/model.ts";
import { StatusServer } from "./status/server.ts";
import type { Logger, TerminalOutput } from "./terminal.ts";

/** Lines of a component's log shown when it fails. */
const logTailLines = 30;
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

interface Running {
  readonly spec: ComponentSpec;
  readonly child: ChildComponent;
  ready: boolean;
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-logTailLines).join("\n");
  } catch {
    return "(no log)";
  }
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
    nodeAgentMetrics: await many(Array.from({ length: config.nodeAgents.count }, () => 0)),
  };
}

function componentStatus(r: Running, stopping: boolean): ComponentStatus {
  const exit = r.child.exit;
  const state = exit !== undefined ? (stopping ? "stopped" : "down") : r.ready ? "up" : "starting";
  return { name: r.spec.name, kind: r.spec.kind, pid: r.child.pid, state, exit: exit === undefined ? undefined : { code: exit.code, signal: exit.signal }, logPath: r.child.logPath };
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
  const procs = new ProcessGroupSet(join(config.dataDir, "run"), join(config.dataDir, "logs"));
  const running: Running[] = [];
  let stopping = false;
  let nc: NatsConnection | undefined;
  let collector: StatusCollector | undefined;
  let server: StatusServer | undefined;
  let viewTimer: NodeJS.Timeout | undefined;
  try {
    log({ event: "devnet_starting", dataDir: config.dataDir, reset: opts.reset });
    const agentMain = nodeAgentMain(opts.repoRoot);
    const agents = agentMain === undefined ? 0 : config.nodeAgents.count;
    const iterations = await chainIterations(config, config.vdf.replicas + agents, log);
    const ports = await resolvePorts(config);
    const specs = planComponents({ config, ports, iterationsPerCheckpoint: iterations, repoRoot: opts.repoRoot, nodeAgentMain: agentMain, nodeBin: process.execPath });
    const model = new StatusModel({ startedAtMs, dataDir: config.dataDir, chain: config.vdf.chain, iterationsPerCheckpoint: iterations, knownProcesses: 1 });
    const syncComponents = (): void => model.setComponents(running.map((r) => componentStatus(r, stopping)));
    const isUp = (name: string): boolean => running.some((r) => r.spec.name === name && r.ready && r.child.exit === undefined);
    collector = new StatusCollector(model, specs.flatMap((s) => (s.metricsUrl === undefined ? [] : [{ name: s.name, kind: s.kind, metricsUrl: s.metricsUrl }])), isUp, config.scrapeIntervalMs);
    const apiUrls = (): string[] => running.filter((r) => r.spec.kind === "cu" && r.ready && r.child.exit === undefined).map((r) => r.spec.apiUrl!);
    const user = devnetUserSigner(config.vdf.chain);
    const demo = demoProcessItem(user, moduleIdOf(config.cu.moduleWasm), clusterAddress(config.cu.walletSeedHex), demoProcessName);
    const c = collector;
    const listening = await StatusServer.listen({ snapshot: () => model.snapshot(Date.now()), onChange: (l) => c.onChange(l), sendEval: (code) => sendEval(apiUrls(), user, demo.id, code) }, config.host, ports.status);
    server = listening.server;
    model.setStatusUrl(listening.url);
    acquireLock(config.dataDir, { pid: process.pid, startedAtMs, statusUrl: listening.url });
    log({ event: "status_page", url: listening.url });
    collector.start();
    viewTimer = setInterval(() => {
      syncComponents();
      terminal.view(model.snapshot(Date.now()));
    }, viewRefreshMs);

    const startOne = (spec: ComponentSpec): Running => {
      if (spec.configFile !== undefined) writeFileSync(spec.configFile.path, spec.configFile.text);
      for (const d of spec.dirs) mkdirSync(d, { recursive: true });
      const child = procs.start(spec.name, spec.bin, spec.args);
      const r: Running = { spec, child, ready: false };
      running.push(r);
      syncComponents();
      log({ event: "component_started", name: spec.name, pid: child.pid, log: child.logPath });
      void child.exited.then((exit) => {
        syncComponents();
        collector?.changed();
        if (!stopping) log({ event: "component_down", name: spec.name, pid: child.pid, code: exit.code, signal: exit.signal, log: child.logPath });
      });
      return r;
    };
    const readyOne = async (r: Running): Promise<void> => {
      await waitReady(r.child, r.spec.ready, config.readyTimeoutMs, () => tail(r.child.logPath), opts.stop);
      if (opts.stop.aborted) return;
      r.ready = true;
      syncComponents();
      log({ event: "component_ready", name: r.spec.name, ms: Date.now() - r.child.startedAtMs });
    };
    // Waves of one kind start together (two vdf processes need not wait for each other), waves in order.
    for (const wave of waves(specs)) {
      if (opts.stop.aborted) break;
      const started = wave.map((spec) => startOne(spec));
      await Promise.all(started.filter((r) => r.spec.gating).map((r) => readyOne(r)));
      for (const r of started.filter((x) => !x.spec.gating)) {
        void readyOne(r).catch((err: unknown) => log({ event: "component_not_ready", name: r.spec.name, code: (err as { code?: string }).code }));
      }
      if (wave[0]?.kind === "nats" && !opts.stop.aborted) {
        nc = await connect({ servers: natsUrlOf(config, ports), name: "arkube-devnet-status" });
        collector.follow(nc, config.vdf.chain);
      }
    }
    if (!opts.stop.aborted) {
      await onAnyPod(apiUrls(), (url) => postItem(url, demo));
      model.setDemoProcess(demo.id);
      log({ event: "demo_process", id: demo.id });
      await firstStep(model, opts.stop, config.readyTimeoutMs);
      model.setReady(true);
      log({ event: "devnet_ready", ms: Date.now() - startedAtMs, status: listening.url });
    }
    await new Promise<void>((resolve) => (opts.stop.aborted ? resolve() : opts.stop.addEventListener("abort", () => resolve(), { once: true })));
  } finally {
    stopping = true;
    clearInterval(viewTimer);
    log({ event: "devnet_stopping" });
    collector?.stop();
    await server?.close();
    await nc?.close().catch(() => undefined);
    await procs.stopAll(config.stopGraceMs);
    releaseLock(config.dataDir, process.pid);
    log({ event: "devnet_stopped" });
  }
}

/** Consecutive specs of one kind, in plan order. */
function waves(specs: readonly ComponentSpec[]): ComponentSpec[][] {
  const out: ComponentSpec[][] = [];
  for (const spec of specs) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0]!.kind === spec.kind) last.push(spec);
    else out.push([spec]);
  }
  return out;
}

/** Bound for the first VDF step after every component is up (the leader must win the lease first). */
async function firstStep(model: StatusModel, stop: AbortSignal, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!stop.aborted && model.snapshot(Date.now()).vdf.step === null) {
    if (Date.now() > deadline) throw new ComponentNotReadyError(`no VDF step within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
