// Mining hashes after H0 (Arweave 2.6) from the native core: recall range starts with exact
// 256-bit arithmetic, and H1/H2 over a whole recall range per call with the solutions found.
import { addon } from "./loader.ts";
import { awaitNative, BadArgumentError, BadLengthError, callNative } from "./errors.ts";
import { checkInteger, checkLength, NATIVE_THREADS_MAX, outputBuffer, shaName, type ShaOptions } from "./sha256.ts";

export const MINING_HASH_BYTES = 32;
export const MINING_CHUNK_BYTES = 262_144;
/** RECALL_RANGE_SIZE / chunk size: nonces 0..399. */
export const RECALL_RANGE_CHUNKS_MAX = 400;
export const PARTITION_SIZE_DEFAULT = 3_600_000_000_000n;

const u256Max = (1n << 256n) - 1n;

export interface RecallRangeStarts {
  range1Start: bigint;
  range2Start: bigint;
}

export interface HashRangeOptions extends ShaOptions {
  /** Hashes strictly greater than this (as 256-bit big-endian integers) are solutions. */
  difficulty: bigint | Uint8Array;
  /** Threads (default 1). */
  threads?: number;
  /** Where to write the hashes (32 bytes per chunk). */
  out?: Uint8Array;
}

export interface HashRangeResult {
  /** One 32-byte hash per chunk, concatenated. */
  hashes: Buffer;
  /** Indices (ascending) of the hashes above the difficulty. */
  solutions: number[];
}

function toU256(name: string, value: bigint | number): bigint {
  const big = typeof value === "number" ? (Number.isSafeInteger(value) ? BigInt(value) : undefined) : value;
  if (big === undefined || big < 0n || big > u256Max) {
    throw new BadArgumentError(`${name} must be an integer in [0, 2^256), got ${String(value)}`);
  }
  return big;
}

/** u256be(value). */
export function u256Bytes(value: bigint): Buffer {
  const checked = toU256("value", value);
  return Buffer.from(checked.toString(16).padStart(64, "0"), "hex");
}

/**
 * r1 = partition * partitionSize + (u64be(h0[0..8]) mod min(partitionSize, upperBound));
 * r2 = u256be(h0) mod upperBound.
 */
export function recallRangeStarts(
  h0: Uint8Array,
  partitionNumber: bigint | number,
  partitionUpperBound: bigint | number,
  partitionSize: bigint | number = PARTITION_SIZE_DEFAULT,
): RecallRangeStarts {
  checkLength("h0", h0, MINING_HASH_BYTES);
  const partition = toU256("partitionNumber", partitionNumber);
  const upperBound = toU256("partitionUpperBound", partitionUpperBound);
  const size = toU256("partitionSize", partitionSize);
  const [range1Start, range2Start] = callNative(() => addon().recallRangeStarts(h0, partition, upperBound, size));
  return { range1Start, range2Start };
}

function chunkCount(chunks: Uint8Array): number {
  const size = chunks.byteLength;
  if (size === 0 || size % MINING_CHUNK_BYTES !== 0 || size / MINING_CHUNK_BYTES > RECALL_RANGE_CHUNKS_MAX) {
    throw new BadLengthError(`chunks must be 1 to 400 chunks of 262144 bytes, got ${size} bytes`);
  }
  return size / MINING_CHUNK_BYTES;
}

function commonArgs(h0: Uint8Array, chunks: Uint8Array, options: HashRangeOptions) {
  checkLength("h0", h0, MINING_HASH_BYTES);
  const count = chunkCount(chunks);
  const threads = options.threads ?? 1;
  checkInteger("threads", threads, 1, NATIVE_THREADS_MAX);
  const difficulty = options.difficulty instanceof Uint8Array ? options.difficulty : u256Bytes(options.difficulty);
  checkLength("difficulty", difficulty, MINING_HASH_BYTES);
  const out = outputBuffer("out", options.out, count * MINING_HASH_BYTES);
  return { sha: shaName(options), count, threads, difficulty, out };
}

/**
 * H1 = SHA256(h0 || SHA256(h0 || u64be(nonce) || chunk)) for each chunk of a recall range
 * (nonce = firstNonce + index), and which of them beat the difficulty.
 */
export async function computeH1s(
  h0: Uint8Array,
  chunks: Uint8Array,
  options: HashRangeOptions & { firstNonce?: number },
): Promise<HashRangeResult> {
  const { sha, count, threads, difficulty, out } = commonArgs(h0, chunks, options);
  const firstNonce = options.firstNonce ?? 0;
  checkInteger("firstNonce", firstNonce, 0, RECALL_RANGE_CHUNKS_MAX - count);
  const solutions = await awaitNative(
    callNative(() => addon().miningH1s(sha, h0, chunks, firstNonce, difficulty, out, threads)),
  );
  return { hashes: out, solutions };
}

/** H2 = SHA256(h0 || SHA256(H1 || chunk2)) for each chunk2 and the H1 it pairs with. */
export async function computeH2s(
  h0: Uint8Array,
  h1s: Uint8Array,
  chunks: Uint8Array,
  options: HashRangeOptions,
): Promise<HashRangeResult> {
  const { sha, count, threads, difficulty, out } = commonArgs(h0, chunks, options);
  checkLength("h1s", h1s, count * MINING_HASH_BYTES);
  const solutions = await awaitNative(
    callNative(() => addon().miningH2s(sha, h0, h1s, chunks, difficulty, out, threads)),
  );
  return { hashes: out, solutions };
}
