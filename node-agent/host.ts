// What the machine offers (thin I/O over pure parsers): CPUs and the container's CPU quota, memory
// available to this process, and the transparent huge page mode. cgroup v2 first, v1 as a fallback;
// a file that is missing means "no limit" (bare metal), never an error.
import { readFile } from "node:fs/promises";
import { availableParallelism, freemem } from "node:os";

export type ThpMode = "always" | "madvise" | "never" | "unknown";

export interface HostFacts {
  cpus: number;
  /** CPUs the cgroup quota allows (fractional); undefined: no quota. */
  cpuQuota: number | undefined;
  /** Free memory, capped by the cgroup's remaining limit. */
  availableMemoryBytes: number;
  thp: ThpMode;
}

/** cgroup v2 `cpu.max`: "max 100000" (no quota) or "<quota> <period>". */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === "max") return undefined;
  return cpuRatio(Number(quota), Number(period ?? 100_000));
}

/** cgroup v1 cfs_quota_us (-1: no quota) over cfs_period_us. */
export function parseCfsQuota(quotaText: string, periodText: string): number | undefined {
  return cpuRatio(Number(quotaText.trim()), Number(periodText.trim()));
}

function cpuRatio(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

/** Bytes left under a cgroup memory limit; undefined when unlimited ("max", or v1's huge sentinel). */
export function cgroupMemoryLeft(limitText: string, usageText: string): number | undefined {
  const limit = Number(limitText.trim());
  const usage = Number(usageText.trim());
  // v1 reports "no limit" as a page-rounded 2^63; anything beyond 2^60 is not a real limit.
  if (!Number.isFinite(limit) || limit >= 2 ** 60 || !Number.isFinite(usage)) return undefined;
  return Math.max(0, limit - usage);
}

/** `/sys/kernel/mm/transparent_hugepage/enabled`: the bracketed word is the active mode. */
export function parseThp(text: string): ThpMode {
  const m = /\[(always|madvise|never)\]/.exec(text);
  return (m?.[1] as ThpMode | undefined) ?? "unknown";
}

async function readOr(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

async function cpuQuota(): Promise<number | undefined> {
  const v2 = await readOr("/sys/fs/cgroup/cpu.max");
  if (v2 !== undefined) return parseCpuMax(v2);
  const [q, p] = await Promise.all([readOr("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), readOr("/sys/fs/cgroup/cpu/cpu.cfs_period_us")]);
  return q !== undefined && p !== undefined ? parseCfsQuota(q, p) : undefined;
}

async function memoryLeft(): Promise<number | undefined> {
  const [max, current] = await Promise.all([readOr("/sys/fs/cgroup/memory.max"), readOr("/sys/fs/cgroup/memory.current")]);
  if (max !== undefined && current !== undefined) return cgroupMemoryLeft(max, current);
  const [limit, usage] = await Promise.all([readOr("/sys/fs/cgroup/memory/memory.limit_in_bytes"), readOr("/sys/fs/cgroup/memory/memory.usage_in_bytes")]);
  return limit !== undefined && usage !== undefined ? cgroupMemoryLeft(limit, usage) : undefined;
}

export async function detectHost(): Promise<HostFacts> {
  const [quota, left, thp] = await Promise.all([cpuQuota(), memoryLeft(), readOr("/sys/kernel/mm/transparent_hugepage/enabled")]);
  return {
    cpus: availableParallelism(),
    cpuQuota: quota,
    // os.freemem() is MemAvailable on Linux (page cache counts as reclaimable).
    availableMemoryBytes: Math.min(freemem(), left ?? Infinity),
    thp: thp === undefined ? "unknown" : parseThp(thp),
  };
}

/** Share of the CPU budget this process used since the previous call (CPU time over wall time). */
export class CpuBusy {
  private last = { at: performance.now(), usage: process.cpuUsage() };
  private value: number | undefined;

  /** `minIntervalMs`: shorter gaps return the previous value (a few ms of CPU time is noise). */
  constructor(
    private readonly cpus: number,
    private readonly minIntervalMs = 1000,
  ) {}

  ratio(): number | undefined {
    const at = performance.now();
    const wallMs = at - this.last.at;
    if (wallMs < this.minIntervalMs) return this.value;
    const used = process.cpuUsage(this.last.usage);
    this.value = (used.user + used.system) / 1000 / (wallMs * this.cpus);
    this.last = { at, usage: process.cpuUsage() };
    return this.value;
  }
}
