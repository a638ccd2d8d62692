// Names what holds the hashrate back (pure): the issue's "actual versus ideal hashrate and the
// bottleneck (CPU, disk, VDF, sync)". The ideal (the reference's mining_rate{type=ideal_hash}) is
// what the VDF's step rate allows for full partitions, so a slow VDF lowers the ideal itself and is
// judged from the step interval; the others explain a gap between actual and ideal.
export type BottleneckKind = "none" | "cpu" | "disk" | "vdf" | "sync";
export const bottleneckKinds: readonly BottleneckKind[] = ["none", "cpu", "disk", "vdf", "sync"];

export interface BottleneckSignals {
  miningEnabled: boolean;
  /** Partitions mined now. */
  partitions: number;
  /** mining_rate{type=hash|ideal_hash|read|ideal_read} (per second, over the rate window). */
  hashPerSecond: number;
  idealHashPerSecond: number;
  readPerSecond: number;
  idealReadPerSecond: number;
  /** Mean time between verified VDF steps over the window; undefined: no step in the window. */
  stepIntervalMs: number | undefined;
  /** The VDF's nominal pace (mainnet: one step per second). */
  expectedStepIntervalMs: number;
  /** Reads queued in the IO loops (all devices). */
  ioQueueDepth: number;
  ioLoops: number;
  /** Mining tasks queued or running (H0/H1/H2) and how many may run at once. */
  hashQueueDepth: number;
  hashConcurrency: number;
  /** Process CPU time over wall time and the CPU budget (0..1+); undefined: not measured yet. */
  cpuBusyRatio: number | undefined;
  /** Stored chunks over the chunks the weave has in the mined partitions (1: fully synced and packed). */
  storedFraction: number;
}

export interface Bottleneck {
  kind: BottleneckKind;
  reason: string;
  /** hash / ideal_hash; undefined when there is no ideal yet. */
  efficiency: number | undefined;
}

/** At or above this share of the ideal the miner is keeping up. */
export const efficiencyOk = 0.9;
/** A step interval this much above the nominal one is a slow VDF (jitter stays below it). */
export const vdfSlowFactor = 1.5;
/** Reads queued per IO loop that mean the disk cannot keep up (one in service plus one waiting is normal). */
export const ioQueuePerLoopMax = 2;
/** Queued mining tasks per concurrent slot that mean hashing cannot keep up. */
export const hashQueuePerSlotMax = 2;
export const cpuBusyMax = 0.9;

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function nameBottleneck(s: BottleneckSignals): Bottleneck {
  const efficiency = s.idealHashPerSecond > 0 ? s.hashPerSecond / s.idealHashPerSecond : undefined;
  const is = (kind: BottleneckKind, reason: string): Bottleneck => ({ kind, reason, efficiency });
  if (!s.miningEnabled) return is(s.storedFraction < 1 ? "sync" : "none", s.storedFraction < 1 ? `mining off; ${pct(s.storedFraction)} stored` : "mining off");
  if (s.partitions === 0) return is(s.storedFraction < 1 ? "sync" : "none", "no partition is minable yet");
  if (s.stepIntervalMs === undefined) return is("vdf", "no verified VDF step in the rate window");
  if (s.stepIntervalMs > s.expectedStepIntervalMs * vdfSlowFactor) {
    return is("vdf", `VDF steps every ${Math.round(s.stepIntervalMs)} ms, expected ${s.expectedStepIntervalMs} ms`);
  }
  if (efficiency === undefined || efficiency >= efficiencyOk) return is("none", efficiency === undefined ? "no ideal rate yet" : `hashing at ${pct(efficiency)} of ideal`);
  const gap = `hashing at ${pct(efficiency)} of ideal`;
  // Hardware first: a deep queue says which resource the work waits on, whatever is stored.
  if (s.ioQueueDepth > ioQueuePerLoopMax * Math.max(1, s.ioLoops)) return is("disk", `${gap}; ${s.ioQueueDepth} reads queued on ${s.ioLoops} IO loop(s)`);
  if (s.hashQueueDepth > hashQueuePerSlotMax * s.hashConcurrency || (s.cpuBusyRatio ?? 0) >= cpuBusyMax) {
    const busy = s.cpuBusyRatio === undefined ? "" : `, CPU ${pct(s.cpuBusyRatio)} busy`;
    return is("cpu", `${gap}; ${s.hashQueueDepth} mining tasks queued${busy}`);
  }
  // Missing chunks cannot be hashed: an unsynced partition explains a gap about its own size.
  if (s.storedFraction < 1) return is("sync", `${gap}; ${pct(s.storedFraction)} of the mined partitions stored`);
  const readShare = s.idealReadPerSecond > 0 ? s.readPerSecond / s.idealReadPerSecond : 1;
  return readShare < efficiencyOk ? is("disk", `${gap}; reading at ${pct(readShare)} of ideal`) : is("cpu", `${gap}; reads keep up (${pct(readShare)} of ideal)`);
}
