// Pure: the storage and mining part of the status, from what node agents export (node-agent/metrics.ts
// names), their admin API's per-module counts (GET /status: stored/slots survive restarts, counters do
// not) and the solutions they publish on NATS (arkube.mining.solutions.{chain}). Time is passed in.
import { sumOf, type Sample } from "./prometheus.ts";

/** Per-partition hash rates average over this window (counter differences between scrapes). */
export const hashRateWindowMs = 10_000;
/** Solutions kept for the page (newest first). */
export const recentSolutionsMax = 10;

export interface PartitionStatus {
  readonly node: string;
  readonly partition: number;
  readonly slots: number;
  readonly stored: number;
  readonly packedRatio: number;
  /** Remaining chunks at the node's current packing rate; 0 when packed, null while unknown. */
  readonly etaSeconds: number | null;
  readonly h1PerSecond: number;
  readonly h2PerSecond: number;
}

export interface NodeMiningStatus {
  readonly name: string;
  readonly packedRatio: number;
  readonly chunksPerSecond: number;
  readonly etaSeconds: number | null;
  readonly h1PerSecond: number;
  readonly h2PerSecond: number;
  /** Found and re-verified by this agent process (arkube_mining_solutions). */
  readonly solutions: number;
}

export interface SolutionSummary {
  readonly kind: string;
  readonly step: number;
  readonly partition: number;
  readonly foundBy: string;
  readonly h2By: string | null;
  readonly atMs: number;
}

export interface StorageStatus {
  readonly available: boolean;
  /** Every partition of a live agent holds all its chunks. */
  readonly packed: boolean;
  readonly nodes: readonly NodeMiningStatus[];
  readonly partitions: readonly PartitionStatus[];
  readonly h1PerSecond: number;
  readonly h2PerSecond: number;
  /** Sum over live agents of arkube_mining_solutions. */
  readonly solutions: number;
  /** Seen on the solutions subject since the status page started. */
  readonly solutionsPublished: number;
  readonly recentSolutions: readonly SolutionSummary[];
}

export interface ModuleCount {
  readonly partition: number;
  readonly slots: number;
  readonly stored: number;
}

/** Pure: the modules of an admin GET /status body; anything malformed is left out. */
export function modulesOf(body: unknown): ModuleCount[] {
  const modules = (body as { modules?: unknown } | null)?.modules;
  if (!Array.isArray(modules)) return [];
  return modules.flatMap((m: unknown) => {
    const o = m as Record<string, unknown>;
    return typeof o?.partition === "number" && typeof o.slots === "number" && typeof o.stored === "number" ? [{ partition: o.partition, slots: o.slots, stored: o.stored }] : [];
  });
}

/** Pure: the few fields the page shows of a published solution (node-agent/mining/solution.ts JSON). */
export function solutionSummaryOf(data: Uint8Array, atMs: number): SolutionSummary | undefined {
  try {
    const j = JSON.parse(Buffer.from(data).toString("utf8")) as Record<string, unknown>;
    if (typeof j.step !== "number" || typeof j.partition !== "number" || typeof j.kind !== "string") return undefined;
    return { kind: j.kind, step: j.step, partition: j.partition, foundBy: String(j.foundBy ?? "?"), h2By: typeof j.h2By === "string" ? j.h2By : null, atMs };
  } catch {
    return undefined;
  }
}

interface AgentView {
  samples: readonly Sample[];
  modules: ModuleCount[];
  /** arkube_mining_hashes totals by "kind:partition", one entry per scrape. */
  hashes: { atMs: number; totals: Map<string, number> }[];
}

function gauge(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hit?.value;
}

export class StorageView {
  private readonly agents = new Map<string, AgentView>();
  private readonly solutions: SolutionSummary[] = [];
  private published = 0;

  onMetrics(name: string, samples: readonly Sample[], nowMs: number): void {
    const view = this.agent(name);
    view.samples = samples;
    const totals = new Map<string, number>();
    for (const s of samples) {
      if (s.name !== "arkube_mining_hashes" && s.name !== "arkube_mining_hashes_total") continue;
      const key = `${s.labels.kind ?? "?"}:${s.labels.partition ?? "?"}`;
      totals.set(key, (totals.get(key) ?? 0) + s.value);
    }
    view.hashes.push({ atMs: nowMs, totals });
    while (view.hashes.length > 2 && view.hashes[0]!.atMs < nowMs - hashRateWindowMs) view.hashes.shift();
  }

  onModules(name: string, modules: ModuleCount[]): void {
    this.agent(name).modules = modules;
  }

  onSolution(s: SolutionSummary): void {
    this.published += 1;
    this.solutions.unshift(s);
    this.solutions.length = Math.min(this.solutions.length, recentSolutionsMax);
  }

  snapshot(up: ReadonlySet<string>): StorageStatus {
    const live = [...this.agents.entries()].filter(([name]) => up.has(name));
    const nodes = live.map(([name, v]) => nodeStatus(name, v));
    const partitions = live.flatMap(([name, v]) => partitionStatus(name, v, nodes.find((n) => n.name === name)!));
    return {
      available: live.length > 0,
      packed: partitions.length > 0 && partitions.every((p) => p.stored >= p.slots),
      nodes,
      partitions: partitions.sort((a, b) => a.partition - b.partition),
      h1PerSecond: nodes.reduce((a, n) => a + n.h1PerSecond, 0),
      h2PerSecond: nodes.reduce((a, n) => a + n.h2PerSecond, 0),
      solutions: nodes.reduce((a, n) => a + n.solutions, 0),
      solutionsPublished: this.published,
      recentSolutions: [...this.solutions],
    };
  }

  private agent(name: string): AgentView {
    let v = this.agents.get(name);
    if (v === undefined) this.agents.set(name, (v = { samples: [], modules: [], hashes: [] }));
    return v;
  }
}

function nodeStatus(name: string, v: AgentView): NodeMiningStatus {
  return {
    name,
    packedRatio: gauge(v.samples, "arkube_packing_progress_ratio") ?? 0,
    chunksPerSecond: gauge(v.samples, "arkube_packing_chunks_per_second") ?? 0,
    etaSeconds: gauge(v.samples, "arkube_packing_eta_seconds") ?? null,
    h1PerSecond: gauge(v.samples, "arkube_mining_hashes_per_second", { kind: "h1" }) ?? 0,
    h2PerSecond: gauge(v.samples, "arkube_mining_hashes_per_second", { kind: "h2" }) ?? 0,
    solutions: sumOf(v.samples, "arkube_mining_solutions") ?? 0,
  };
}

function hashRate(v: AgentView, kind: string, partition: number): number {
  const first = v.hashes[0];
  const last = v.hashes[v.hashes.length - 1];
  if (first === undefined || last === undefined || last.atMs <= first.atMs) return 0;
  const key = `${kind}:${partition}`;
  return (((last.totals.get(key) ?? 0) - (first.totals.get(key) ?? 0)) * 1000) / (last.atMs - first.atMs);
}

function partitionStatus(node: string, v: AgentView, n: NodeMiningStatus): PartitionStatus[] {
  return v.modules.map((m) => {
    const remaining = Math.max(0, m.slots - m.stored);
    const etaSeconds = remaining === 0 ? 0 : n.chunksPerSecond > 0 ? remaining / n.chunksPerSecond : null;
    return { node, partition: m.partition, slots: m.slots, stored: m.stored, packedRatio: m.slots === 0 ? 1 : m.stored / m.slots, etaSeconds, h1PerSecond: hashRate(v, "h1", m.partition), h2PerSecond: hashRate(v, "h2", m.partition) };
  });
}
