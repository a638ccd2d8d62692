// The VDF (vdf_sha2) from the native core: raw chains, steps and parallel step verification.
// Whole chain segments run inside one native call on the libuv pool. Checkpoints are oldest
// first (x_0 .. x_24, output = x_24); blocks carry them newest first (the protocol layer's job).
import { addon } from "./loader.ts";
import { awaitNative, BadLengthError, callNative } from "./errors.ts";
import {
  checkInteger,
  checkLength,
  NATIVE_THREADS_MAX,
  outputBuffer,
  shaName,
  slices,
  type ShaOptions,
} from "./sha256.ts";

export const VDF_HASH_BYTES = 32;
export const VDF_CHECKPOINTS_PER_STEP = 25;
export const VDF_STEP_BYTES = VDF_CHECKPOINTS_PER_STEP * VDF_HASH_BYTES;
export const VDF_RESET_INTERVAL_STEPS = 1200;
/** The reference misbehaves at 1 iteration; every vector uses >= 2. */
export const VDF_ITERATIONS_MIN = 2;
/** Iterations per checkpoint at the initial (mainnet) difficulty. */
export const VDF_ITERATIONS_DEFAULT = 600_000;

const stepNumberMax = Number.MAX_SAFE_INTEGER;

export interface VdfChainArgs {
  startSalt: number;
  seed: Uint8Array;
  /** c checkpoints plus the output: c + 1 segments of `iterations`. */
  checkpointCount: number;
  iterations: number;
}

export interface VdfChainResult {
  checkpoints: Buffer[];
  output: Buffer;
}

export interface VdfStepArgs {
  /** Step number N >= 1. */
  step: number;
  /** Output of step N - 1. */
  prev: Uint8Array;
  iterations: number;
  /** The entropy reset seed; required when N % 1200 == 0, ignored otherwise. */
  resetSeed?: Uint8Array;
}

export interface VdfStepsArgs extends Omit<VdfStepArgs, "step"> {
  firstStep: number;
  /** May cross at most one entropy reset (one seed per call). */
  stepCount: number;
}

export interface VdfStep {
  /** x_0 .. x_24. */
  checkpoints: Buffer[];
  /** x_24. */
  output: Buffer;
}

export type VdfVerifyResult = { valid: true } | { valid: false; failedCheckpoint: number };

export interface VdfVerifyOptions extends ShaOptions {
  /** Threads that recompute checkpoints (default 1). */
  threads?: number;
}

/** The first salt of step N: 0 for step 1, else (N - 2) * 25 + 1. */
export function vdfStepStartSalt(step: number): number {
  checkInteger("step", step, 1, stepNumberMax);
  return step === 1 ? 0 : (step - 2) * VDF_CHECKPOINTS_PER_STEP + 1;
}

export function isEntropyResetStep(step: number): boolean {
  return step % VDF_RESET_INTERVAL_STEPS === 0;
}

function checkIterations(iterations: number): void {
  checkInteger("iterations", iterations, VDF_ITERATIONS_MIN, Number.MAX_SAFE_INTEGER);
}

function optionalSeed(resetSeed: Uint8Array | undefined): Uint8Array | null {
  if (resetSeed === undefined) return null;
  checkLength("resetSeed", resetSeed, VDF_HASH_BYTES);
  return resetSeed;
}

/** The raw vdf_sha2 chain from `seed` with salts startSalt, startSalt + 1, ... */
export async function vdfChain(args: VdfChainArgs, options?: ShaOptions): Promise<VdfChainResult> {
  const sha = shaName(options);
  checkInteger("startSalt", args.startSalt, 0, Number.MAX_SAFE_INTEGER);
  checkLength("seed", args.seed, VDF_HASH_BYTES);
  checkInteger("checkpointCount", args.checkpointCount, 0, 0xffff_ffff);
  checkIterations(args.iterations);
  const checkpoints = Buffer.alloc(args.checkpointCount * VDF_HASH_BYTES);
  const output = Buffer.alloc(VDF_HASH_BYTES);
  await awaitNative(
    callNative(() =>
      addon().vdfChain(sha, args.startSalt, args.seed, args.checkpointCount, args.iterations, checkpoints, output),
    ),
  );
  return { checkpoints: slices(checkpoints, VDF_HASH_BYTES), output };
}

/**
 * Consecutive steps in one native call. Returns stepCount * 800 bytes: each step's 25
 * checkpoints, oldest first (written into `out` when given).
 */
export async function vdfSteps(args: VdfStepsArgs, options?: ShaOptions & { out?: Uint8Array }): Promise<Buffer> {
  const sha = shaName(options);
  checkInteger("firstStep", args.firstStep, 1, stepNumberMax);
  checkInteger("stepCount", args.stepCount, 1, stepNumberMax - args.firstStep + 1);
  checkLength("prev", args.prev, VDF_HASH_BYTES);
  checkIterations(args.iterations);
  const resetSeed = optionalSeed(args.resetSeed);
  const out = outputBuffer("out", options?.out, args.stepCount * VDF_STEP_BYTES);
  await awaitNative(
    callNative(() =>
      addon().vdfSteps(sha, args.firstStep, args.prev, resetSeed, args.stepCount, args.iterations, out),
    ),
  );
  return out;
}

/** One step: its 25 checkpoints (oldest first) and its output. */
export async function vdfStep(args: VdfStepArgs, options?: ShaOptions): Promise<VdfStep> {
  const all = await vdfSteps({ ...args, firstStep: args.step, stepCount: 1 }, options);
  const checkpoints = slices(all, VDF_HASH_BYTES);
  return { checkpoints, output: checkpoints[VDF_CHECKPOINTS_PER_STEP - 1]! };
}

/**
 * Verifies a step's claimed checkpoints (800 bytes, or 25 hashes; oldest first) by recomputing
 * each from the previous claimed one, on `threads` threads. Names the lowest failing index.
 */
export async function vdfVerifyStep(
  args: VdfStepArgs & { checkpoints: Uint8Array | readonly Uint8Array[] },
  options?: VdfVerifyOptions,
): Promise<VdfVerifyResult> {
  const sha = shaName(options);
  const threads = options?.threads ?? 1;
  checkInteger("threads", threads, 1, NATIVE_THREADS_MAX);
  checkInteger("step", args.step, 1, stepNumberMax);
  checkLength("prev", args.prev, VDF_HASH_BYTES);
  checkIterations(args.iterations);
  const resetSeed = optionalSeed(args.resetSeed);
  const claimed = joinCheckpoints(args.checkpoints);
  const failed = await awaitNative(
    callNative(() => addon().vdfVerifyStep(sha, args.step, args.prev, resetSeed, claimed, args.iterations, threads)),
  );
  return failed < 0 ? { valid: true } : { valid: false, failedCheckpoint: failed };
}

/** SHA256(prev || SHA256(seed)): the input of an entropy reset step. */
export function vdfMixResetSeed(prev: Uint8Array, seed: Uint8Array, options?: ShaOptions): Buffer {
  const sha = shaName(options);
  return callNative(() => addon().vdfMixResetSeed(sha, prev, seed));
}

function joinCheckpoints(checkpoints: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (checkpoints instanceof Uint8Array) {
    checkLength("checkpoints", checkpoints, VDF_STEP_BYTES);
    return checkpoints;
  }
  if (checkpoints.length !== VDF_CHECKPOINTS_PER_STEP) {
    throw new BadLengthError(`a step has ${VDF_CHECKPOINTS_PER_STEP} checkpoints, got ${checkpoints.length}`);
  }
  checkpoints.forEach((c, i) => checkLength(`checkpoints[${i}]`, c, VDF_HASH_BYTES));
  return Buffer.concat(checkpoints);
}

