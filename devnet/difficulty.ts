// Pure: the devnet's mining difficulty, derived from its size so a solution turns up about every
// `solutionIntervalMs` whatever the partition count or step time (devnet.yaml documents the formula).
//
// Per VDF step and minable partition the agent hashes R = recallRangeChunks H1 candidates (range 1)
// and, paired with them, up to R H2 candidates (range 2). A hash is a solution when it is above the
// difficulty d: chance p = (2^256 - d) / 2^256 for H2, p / 100 for H1 (the 2.7.2 H1 difficulty,
// node-agent/config.ts h1DifficultyOf). Expected solutions per step = N * R * (p + p/100), steps per
// interval = I / T, so one solution per interval needs p = 100 * T / (101 * N * R * I).

const two256 = 1n << 256n;

export interface DifficultyInput {
  /** Partitions mined (all of the devnet's, each held by exactly one agent). */
  readonly partitions: number;
  readonly recallRangeChunks: number;
  /** VDF step time the chain was calibrated for. */
  readonly stepMs: number;
  /** Wanted mean time between solutions, whole devnet. */
  readonly solutionIntervalMs: number;
}

/** Decimal-ready u256 difficulty; 0 (every hash wins) when the wanted interval is shorter than a step allows. */
export function devnetDifficulty(i: DifficultyInput): bigint {
  const num = 100n * BigInt(Math.max(1, Math.round(i.stepMs)));
  const den = 101n * BigInt(i.partitions) * BigInt(i.recallRangeChunks) * BigInt(i.solutionIntervalMs);
  if (den === 0n || num >= den) return 0n;
  return two256 - (two256 * num) / den;
}

/** The expected interval of a given difficulty (the inverse, for the status page and tests). */
export function expectedSolutionIntervalMs(difficulty: bigint, i: Omit<DifficultyInput, "solutionIntervalMs">): number {
  const p = Number(((two256 - difficulty) * 1_000_000_000n) / two256) / 1e9;
  const perStep = i.partitions * i.recallRangeChunks * p * 1.01;
  return perStep === 0 ? Infinity : i.stepMs / perStep;
}
