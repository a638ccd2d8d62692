// RandomX for TypeScript: a context (cache, plus the dataset in fast mode) created once per key,
// then hashes and scratchpads computed on the libuv pool.
import { availableParallelism } from "node:os";
import { addon } from "./loader.ts";
import { awaitNative, BadArgumentError, BadConfigError, BadLengthError, callNative } from "./errors.ts";

export type RandomxConfigName = "rx512" | "standard";
/** light: 256 MiB cache, items computed on the fly; fast: the full dataset, built once on all cores. */
export type RandomxMode = "light" | "fast";
export type AesChoice = "auto" | "software" | "hardware";

export interface RandomxOptions {
  config: RandomxConfigName;
  key: Uint8Array;
  mode: RandomxMode;
  /** Threads that build the fast-mode dataset (default: all cores). */
  initThreads?: number;
  /** AES implementation (default: AES-NI when present). Both give identical results. */
  aes?: AesChoice;
  /** Compile programs (SuperscalarHash and VM) to machine code where possible (default true); false interprets. */
  jit?: boolean;
}

/** The opaque handle the addon returns; only this module looks inside. */
export type RandomxHandle = { readonly __brand: "RandomxHandle" };

export interface RandomxAddon {
  randomxCreate(
    config: string,
    key: Uint8Array,
    fast: boolean,
    threads: number,
    aes: string,
    jit: boolean,
  ): Promise<RandomxHandle>;
  randomxHash(handle: RandomxHandle, inputs: Uint8Array[], programCount: number, threads: number): Promise<Buffer>;
  randomxScratchpad(handle: RandomxHandle, input: Uint8Array, programCount: number): Promise<Buffer>;
  randomxAesHardware: boolean;
}

const configNames: readonly string[] = ["rx512", "standard"];
export const RANDOMX_HASH_BYTES = 32;
export const RANDOMX_PROGRAM_COUNT = 8;
const programCountMax = 100_000;

export class RandomxContext {
  private constructor(
    readonly handle: RandomxHandle,
    readonly config: RandomxConfigName,
    readonly mode: RandomxMode,
  ) {}

  /** Builds the cache (about 1 s) and, in fast mode, the dataset (all cores, tens of seconds). */
  static async create(options: RandomxOptions): Promise<RandomxContext> {
    if (!configNames.includes(options.config)) {
      throw new BadConfigError(`unknown RandomX config "${String(options.config)}" (known: ${configNames.join(", ")})`);
    }
    if (options.mode !== "light" && options.mode !== "fast") {
      throw new BadArgumentError(`mode must be "light" or "fast", got "${String(options.mode)}"`);
    }
    const threads = options.initThreads ?? availableParallelism();
    const handle = await awaitNative(
      callNative(() =>
        addon().randomxCreate(
          options.config,
          options.key,
          options.mode === "fast",
          threads,
          options.aes ?? "auto",
          options.jit ?? true,
        ),
      ),
    );
    return new RandomxContext(handle, options.config, options.mode);
  }

  /** RandomX hash of `input` (programCount chained programs; 8 for a standard hash). */
  async hash(input: Uint8Array, programCount = RANDOMX_PROGRAM_COUNT): Promise<Buffer> {
    return this.hashBatch([input], { programCount });
  }

  /** Hashes of many inputs in one native call, split over `threads`; results concatenated (32 bytes each). */
  async hashBatch(inputs: Uint8Array[], opts: { programCount?: number; threads?: number } = {}): Promise<Buffer> {
    const programCount = checkProgramCount(opts.programCount ?? RANDOMX_PROGRAM_COUNT);
    const threads = opts.threads ?? 1;
    return awaitNative(callNative(() => addon().randomxHash(this.handle, inputs, programCount, threads)));
  }

  /** The 2 MiB scratchpad after `programCount` chained programs on `input` (before the final hash). */
  async scratchpad(input: Uint8Array, programCount: number): Promise<Buffer> {
    checkProgramCount(programCount);
    return awaitNative(callNative(() => addon().randomxScratchpad(this.handle, input, programCount)));
  }
}

function checkProgramCount(programCount: number): number {
  if (!Number.isInteger(programCount) || programCount < 1 || programCount > programCountMax) {
    throw new BadArgumentError(`programCount must be an integer in [1, ${programCountMax}], got ${programCount}`);
  }
  return programCount;
}

/** Splits a concatenation of 32-byte hashes. */
export function splitHashes(hashes: Buffer): Buffer[] {
  if (hashes.length % RANDOMX_HASH_BYTES !== 0) throw new BadLengthError("hash list length is not a multiple of 32");
  const out: Buffer[] = [];
  for (let i = 0; i < hashes.length; i += RANDOMX_HASH_BYTES) out.push(hashes.subarray(i, i + RANDOMX_HASH_BYTES));
  return out;
}
