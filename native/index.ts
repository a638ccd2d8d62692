// Public, typed surface of the native core. Everything else in native/ is internal.
export * from "./lib/errors.ts";
export { cpuFeatures } from "./lib/cpu.ts";
export { RandomxContext, splitHashes, RANDOMX_HASH_BYTES, RANDOMX_PROGRAM_COUNT } from "./lib/randomx.ts";
export type { RandomxConfigName, RandomxMode, RandomxOptions, AesChoice } from "./lib/randomx.ts";
export { sha256, sha256Each, SHA256_BYTES, NATIVE_THREADS_MAX } from "./lib/sha256.ts";
export type { ShaImplName, ShaOptions } from "./lib/sha256.ts";
export {
  vdfChain,
  vdfSteps,
  vdfStep,
  vdfVerifyStep,
  vdfMixResetSeed,
  vdfStepStartSalt,
  isEntropyResetStep,
  VDF_HASH_BYTES,
  VDF_CHECKPOINTS_PER_STEP,
  VDF_STEP_BYTES,
  VDF_RESET_INTERVAL_STEPS,
  VDF_ITERATIONS_MIN,
  VDF_ITERATIONS_DEFAULT,
} from "./lib/vdf.ts";
export type { VdfChainArgs, VdfChainResult, VdfStepArgs, VdfStepsArgs, VdfStep, VdfVerifyResult, VdfVerifyOptions } from "./lib/vdf.ts";
export { feistelEncrypt, feistelDecrypt, packingKey, FEISTEL_BLOCK_BYTES, PACKING_KEY_BYTES, CHUNK_END_OFFSET_MAX } from "./lib/feistel.ts";
export type { FeistelOptions } from "./lib/feistel.ts";
export {
  recallRangeStarts,
  computeH1s,
  computeH2s,
  u256Bytes,
  MINING_HASH_BYTES,
  MINING_CHUNK_BYTES,
  RECALL_RANGE_CHUNKS_MAX,
  PARTITION_SIZE_DEFAULT,
} from "./lib/mining.ts";
export type { RecallRangeStarts, HashRangeOptions, HashRangeResult } from "./lib/mining.ts";
export { createPackingContext, packInPlace, unpackInPlace, packChunks, unpackChunk, padChunk, CHUNK_BYTES, PACKING_PROGRAMS_2_6, ARWEAVE_PACK_KEY } from "./lib/packing.ts";
export type { PackOptions } from "./lib/packing.ts";
export { computeH0, h0Preimage } from "./lib/h0.ts";
export type { H0Input } from "./lib/h0.ts";
