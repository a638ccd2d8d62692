// The spora_2_6 packing cipher (2-round Feistel over 64-byte blocks, CBC-like key feed) and the
// packing key, from the native core. Entropy comes from RandomX (see packing.ts); this module
// only applies it. A buffer may hold several independent chains (`chainBytes` each, e.g. a
// batch of 256 KiB chunks with their entropies concatenated), spread over `threads`.
import { addon } from "./loader.ts";
import { awaitNative, BadArgumentError, BadLengthError, callNative } from "./errors.ts";
import { checkInteger, checkLength, NATIVE_THREADS_MAX, outputBuffer, shaName, type ShaOptions } from "./sha256.ts";

export const FEISTEL_BLOCK_BYTES = 64;
export const PACKING_KEY_BYTES = 32;
/** Chunk end offsets are JS safe integers here (the weave is far below 2^53 bytes). */
export const CHUNK_END_OFFSET_MAX = 2 ** 53;

export interface FeistelOptions extends ShaOptions {
  /** Length of each independent chain; default: the whole buffer is one chain. */
  chainBytes?: number;
  /** Threads (default 1): chains in parallel; decryption also splits one chain's blocks. */
  threads?: number;
  /** Output buffer (same length as the input); may be the input itself (in place). */
  out?: Uint8Array;
}

type Direction = "encrypt" | "decrypt";

async function cipher(direction: Direction, input: Uint8Array, entropy: Uint8Array, options?: FeistelOptions) {
  const sha = shaName(options);
  const size = input.byteLength;
  const chainBytes = options?.chainBytes ?? size;
  const threads = options?.threads ?? 1;
  checkInteger("threads", threads, 1, NATIVE_THREADS_MAX);
  if (size === 0 || size % FEISTEL_BLOCK_BYTES !== 0) {
    throw new BadLengthError(`${direction} input must be a positive multiple of 64 bytes, got ${size}`);
  }
  if (!Number.isSafeInteger(chainBytes) || chainBytes <= 0 || chainBytes % FEISTEL_BLOCK_BYTES !== 0 || size % chainBytes !== 0) {
    throw new BadLengthError(`chainBytes must be a positive multiple of 64 dividing ${size}, got ${chainBytes}`);
  }
  checkLength("entropy", entropy, size);
  const out = outputBuffer("out", options?.out, size);
  await awaitNative(
    callNative(() =>
      direction === "encrypt"
        ? addon().feistelEncrypt(sha, input, entropy, chainBytes, out, threads)
        : addon().feistelDecrypt(sha, input, entropy, chainBytes, out, threads),
    ),
  );
  return out;
}

/** Encrypts `plaintext` (a multiple of 64 bytes) with same-sized `entropy`. */
export function feistelEncrypt(plaintext: Uint8Array, entropy: Uint8Array, options?: FeistelOptions): Promise<Buffer> {
  return cipher("encrypt", plaintext, entropy, options);
}

/** Decrypts `ciphertext` with the entropy it was encrypted with. */
export function feistelDecrypt(ciphertext: Uint8Array, entropy: Uint8Array, options?: FeistelOptions): Promise<Buffer> {
  return cipher("decrypt", ciphertext, entropy, options);
}

/** SHA256(u256be(chunkEndOffset) || txRoot(32) || rewardAddress(32)): keys a chunk's entropy. */
export function packingKey(
  chunkEndOffset: number | bigint,
  txRoot: Uint8Array,
  rewardAddress: Uint8Array,
  options?: ShaOptions,
): Buffer {
  const sha = shaName(options);
  const offset = typeof chunkEndOffset === "bigint" ? Number(chunkEndOffset) : chunkEndOffset;
  if (
    (typeof chunkEndOffset === "bigint" && BigInt(offset) !== chunkEndOffset) ||
    !Number.isInteger(offset) ||
    offset < 0 ||
    offset > CHUNK_END_OFFSET_MAX
  ) {
    throw new BadArgumentError(`chunkEndOffset must be an integer in [0, 2^53], got ${String(chunkEndOffset)}`);
  }
  checkLength("txRoot", txRoot, 32);
  checkLength("rewardAddress", rewardAddress, 32);
  return callNative(() => addon().packingKey(sha, offset, txRoot, rewardAddress));
}
