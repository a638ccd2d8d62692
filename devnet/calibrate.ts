// VDF difficulty for the devnet: measure the native step time once and scale iterations so one step
// takes about targetStepMs on this machine. The choice is persisted (state.json) because every stored
// step carries its difficulty and the vdf service refuses to continue a chain with another one.
import { availableParallelism } from "node:os";
import { vdfStep } from "../native/index.ts";

/** Iterations per checkpoint used for the measurement: big enough to dwarf call overhead (~10 ms). */
export const calibrationIterations = 20_000;
/** Measurement repeats; the fastest run is taken (the others saw noise). */
export const calibrationRuns = 3;
/** The protocol's minimum is 2; anything below this would be dominated by publishing overhead. */
export const devnetIterationsMin = 1_000;

/**
 * Pure: iterations so that the chain advances one step per `targetStepMs` on this machine. Every step
 * is computed once by the leader and recomputed (single-threaded) by each verifier: the vdf standby
 * and every node agent. With more step computers than cores they share the CPU, so the step is made
 * cheaper by cores / computers; otherwise the chain would run that much slower than the target.
 */
export function pickIterations(measuredStepMs: number, measuredIterations: number, targetStepMs: number, cpu: { cores: number; stepComputers: number }): number {
  if (!(measuredStepMs > 0)) return measuredIterations;
  const share = Math.min(1, cpu.cores / Math.max(1, cpu.stepComputers));
  return Math.max(devnetIterationsMin, Math.round((measuredIterations * targetStepMs * share) / measuredStepMs));
}

export interface Calibration {
  readonly iterationsPerCheckpoint: number;
  readonly measuredStepMs: number;
  readonly measuredIterations: number;
}

/** Runs the native VDF step (the same code the leader runs) and picks iterations. */
export async function calibrate(targetStepMs: number, stepComputers: number): Promise<Calibration> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < calibrationRuns; run++) {
    const t0 = performance.now();
    await vdfStep({ step: 2 + run, prev: new Uint8Array(32), iterations: calibrationIterations });
    best = Math.min(best, performance.now() - t0);
  }
  return { iterationsPerCheckpoint: pickIterations(best, calibrationIterations, targetStepMs, { cores: availableParallelism(), stepComputers }), measuredStepMs: best, measuredIterations: calibrationIterations };
}
