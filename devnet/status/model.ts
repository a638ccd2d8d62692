// Pure status model: what the status page, /api/status and the terminal view show. Fed by the
// collector (VDF steps from NATS, metrics scrapes, component lifecycle); time is always passed in.
import { sumOf, type Sample } from "./prometheus.ts";
import { StorageView, type ModuleCount, type SolutionSummary, type StorageStatus } from "./storage.ts";

export type { PartitionStatus, StorageStatus, SolutionSummary, NodeMiningStatus } from "./storage.ts";

/** Steps per second and messages per second average over this window. */
export const rateWindowMs = 10_000;

export type ComponentState = "starting" | "up" | "down" | "stopped";

export interface ComponentStatus {
  readonly name: string;
  readonly kind: string;
  readonly pid: number;
  readonly state: ComponentState;
  readonly exit: { readonly code: number | null; readonly signal: string | null } | undefined;
  readonly logPath: string;
}

export interface ComputePodStatus {
  readonly name: string;
  readonly up: boolean;
  readonly hotProcesses: number;
  readonly members: number;
  readonly msgsPerSecond: number;
  readonly evaluatedTotal: number;
}

export interface DevnetStatus {
  readonly ready: boolean;
  readonly startedAtMs: number;
  readonly statusUrl: string;
  readonly dataDir: string;
  readonly components: readonly ComponentStatus[];
  readonly vdf: { readonly chain: string; readonly step: number | null; readonly leader: string | null; readonly term: number | null; readonly stepsPerSecond: number; readonly lastStepAgeMs: number | null; readonly iterationsPerCheckpoint: number };
  readonly compute: { readonly pods: readonly ComputePodStatus[]; readonly demoProcessId: string | null; readonly processes: { readonly total: number; readonly hot: number; readonly cold: number } };
  /** Filled from node agents (metrics, admin API, solutions subject); `available` false while none runs. */
  readonly storage: StorageStatus;
}

interface PodScrape {
  hot: number;
  members: number;
  evaluated: { atMs: number; total: number }[];
}

export class StatusModel {
  private components: ComponentStatus[] = [];
  private ready = false;
  private step: { step: number; leader: string; term: number; atMs: number } | undefined;
  private readonly stepTimesMs: number[] = [];
  private readonly pods = new Map<string, PodScrape>();
  private readonly storageView = new StorageView();
  private demoProcessId: string | null = null;
  private statusUrl = "";

  constructor(private readonly base: { startedAtMs: number; dataDir: string; chain: string; iterationsPerCheckpoint: number; knownProcesses: number }) {}

  setComponents(components: readonly ComponentStatus[]): void {
    this.components = [...components];
  }

  setStatusUrl(url: string): void {
    this.statusUrl = url;
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  setDemoProcess(id: string): void {
    this.demoProcessId = id;
  }

  /** A step seen on the chain's subject; older terms and repeats do not move the head. */
  onStep(step: number, leader: string, term: number, nowMs: number): void {
    if (this.step !== undefined && (term < this.step.term || (term === this.step.term && step <= this.step.step))) return;
    this.step = { step, leader, term, atMs: nowMs };
    this.stepTimesMs.push(nowMs);
    trim(this.stepTimesMs, nowMs);
  }

  onComputeScrape(name: string, samples: readonly Sample[], nowMs: number): void {
    const pod = this.pods.get(name) ?? { hot: 0, members: 0, evaluated: [] };
    pod.hot = sumOf(samples, "arkube_cu_hot_processes") ?? 0;
    pod.members = sumOf(samples, "arkube_cu_cluster_members") ?? 0;
    pod.evaluated.push({ atMs: nowMs, total: sumOf(samples, "arkube_cu_result_requests_evaluated") ?? 0 });
    while (pod.evaluated.length > 2 && pod.evaluated[0]!.atMs < nowMs - rateWindowMs) pod.evaluated.shift();
    this.pods.set(name, pod);
  }

  onNodeAgentScrape(name: string, samples: readonly Sample[], nowMs: number): void {
    this.storageView.onMetrics(name, samples, nowMs);
  }

  onNodeAgentModules(name: string, modules: ModuleCount[]): void {
    this.storageView.onModules(name, modules);
  }

  onSolution(s: SolutionSummary): void {
    this.storageView.onSolution(s);
  }

  snapshot(nowMs: number): DevnetStatus {
    trim(this.stepTimesMs, nowMs);
    const up = new Set(this.components.filter((c) => c.state === "up").map((c) => c.name));
    const pods = [...this.pods.entries()].map(([name, p]) => {
      const first = p.evaluated[0]!;
      const last = p.evaluated[p.evaluated.length - 1]!;
      const spanMs = last.atMs - first.atMs;
      return { name, up: up.has(name), hotProcesses: up.has(name) ? p.hot : 0, members: p.members, msgsPerSecond: spanMs > 0 ? ((last.total - first.total) * 1000) / spanMs : 0, evaluatedTotal: last.total };
    });
    const hot = Math.min(pods.reduce((a, p) => a + p.hotProcesses, 0), this.base.knownProcesses);
    return {
      ready: this.ready,
      startedAtMs: this.base.startedAtMs,
      statusUrl: this.statusUrl,
      dataDir: this.base.dataDir,
      components: this.components,
      vdf: {
        chain: this.base.chain,
        step: this.step?.step ?? null,
        leader: this.step?.leader ?? null,
        term: this.step?.term ?? null,
        stepsPerSecond: this.stepTimesMs.length < 2 ? 0 : ((this.stepTimesMs.length - 1) * 1000) / Math.max(1, this.stepTimesMs[this.stepTimesMs.length - 1]! - this.stepTimesMs[0]!),
        lastStepAgeMs: this.step === undefined ? null : nowMs - this.step.atMs,
        iterationsPerCheckpoint: this.base.iterationsPerCheckpoint,
      },
      compute: { pods, demoProcessId: this.demoProcessId, processes: { total: this.base.knownProcesses, hot, cold: this.base.knownProcesses - hot } },
      storage: this.storageView.snapshot(up),
    };
  }
}

function trim(times: number[], nowMs: number): void {
  while (times.length > 0 && times[0]! < nowMs - rateWindowMs) times.shift();
}
