import type { PackingAddon } from "./packing.ts";
import type { RandomxAddon } from "./randomx.ts";
// The raw shape of the addon's exports (what the C++ binding registers). Each binding file's
// functions are declared in its own interface so that files can be worked on independently.

export interface CpuFeatureFlags {
  shaNi: boolean;
  aesNi: boolean;
  sse41: boolean;
  avx2: boolean;
  /** AVX-512 F + BW + VL with OS support: 16-lane SHA-256 for batches. */
  avx512: boolean;
}

export interface CpuAddon {
  cpuFeatures(): CpuFeatureFlags;
}

/**
 * SHA-256 implementations: "ni" = SHA extensions; "avx512" = 16 messages at once in AVX-512
 * registers for batches (single streams such as the VDF then use SHA-NI, else portable);
 * "auto" = avx512, else ni, else portable.
 */
export type ShaImplName = "auto" | "ni" | "avx512" | "portable";

export interface Sha256Addon {
  sha256(sha: ShaImplName, data: Uint8Array): Buffer;
  sha256Each(sha: ShaImplName, data: Uint8Array, pieceBytes: number, digestsOut: Uint8Array): Promise<void>;
}

/** Checkpoints travel oldest first (x_0 .. x_24), 32 bytes each, concatenated. */
export interface VdfAddon {
  vdfChain(
    sha: ShaImplName,
    startSalt: number,
    seed: Uint8Array,
    checkpointCount: number,
    iterations: number,
    checkpointsOut: Uint8Array,
    outputOut: Uint8Array,
  ): Promise<void>;
  vdfSteps(
    sha: ShaImplName,
    firstStep: number,
    prev: Uint8Array,
    resetSeed: Uint8Array | null,
    stepCount: number,
    iterations: number,
    checkpointsOut: Uint8Array,
  ): Promise<void>;
  /** Resolves with the lowest failing checkpoint index, or -1 when all match. */
  vdfVerifyStep(
    sha: ShaImplName,
    step: number,
    prev: Uint8Array,
    resetSeed: Uint8Array | null,
    checkpoints: Uint8Array,
    iterations: number,
    threads: number,
  ): Promise<number>;
  vdfMixResetSeed(sha: ShaImplName, prev: Uint8Array, seed: Uint8Array): Buffer;
}

export interface FeistelAddon {
  feistelEncrypt(
    sha: ShaImplName,
    plaintext: Uint8Array,
    entropy: Uint8Array,
    chainBytes: number,
    ciphertextOut: Uint8Array,
    threads: number,
  ): Promise<void>;
  feistelDecrypt(
    sha: ShaImplName,
    ciphertext: Uint8Array,
    entropy: Uint8Array,
    chainBytes: number,
    plaintextOut: Uint8Array,
    threads: number,
  ): Promise<void>;
  packingKey(sha: ShaImplName, chunkEndOffset: number, txRoot: Uint8Array, rewardAddress: Uint8Array): Buffer;
}

export interface MiningAddon {
  recallRangeStarts(
    h0: Uint8Array,
    partitionNumber: bigint,
    partitionUpperBound: bigint,
    partitionSize: bigint,
  ): [bigint, bigint];
  /** Resolves with the indices (ascending) of the H1s above the difficulty. */
  miningH1s(
    sha: ShaImplName,
    h0: Uint8Array,
    chunks: Uint8Array,
    firstNonce: number,
    difficulty: Uint8Array,
    h1sOut: Uint8Array,
    threads: number,
  ): Promise<number[]>;
  miningH2s(
    sha: ShaImplName,
    h0: Uint8Array,
    h1s: Uint8Array,
    chunks: Uint8Array,
    difficulty: Uint8Array,
    h2sOut: Uint8Array,
    threads: number,
  ): Promise<number[]>;
}

export type NativeAddon = CpuAddon & RandomxAddon & PackingAddon & Sha256Addon & VdfAddon & FeistelAddon & MiningAddon;
