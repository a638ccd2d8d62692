// spora_2_6 packing of chunks: entropy from rx512 (360 programs on the packing key), then the
// Feistel cipher. Batches are packed in place on one buffer of 256 KiB slots on the libuv pool.
import { addon } from "./loader.ts";
import { awaitNative, BadArgumentError, BadLengthError, BadPaddingError, callNative } from "./errors.ts";
import { RandomxContext, type AesChoice, type RandomxMode } from "./randomx.ts";
import { checkInteger, NATIVE_THREADS_MAX, shaName, type ShaOptions } from "./sha256.ts";
import { PACKING_KEY_BYTES } from "./feistel.ts";
import type { RandomxHandle } from "./randomx.ts";

export const CHUNK_BYTES = 262_144;
/** RANDOMX_PACKING_ROUNDS_2_6: chained programs that produce a chunk's entropy. */
export const PACKING_PROGRAMS_2_6 = 360;
/** The rx512 key for packing and H0. */
export const ARWEAVE_PACK_KEY = Buffer.from("default arweave 2.5 pack key", "ascii");

export interface PackingAddon {
  packChunks(h: RandomxHandle, keys: Uint8Array, chunks: Uint8Array, programs: number, threads: number, sha: string): Promise<void>;
  unpackChunks(h: RandomxHandle, keys: Uint8Array, chunks: Uint8Array, programs: number, threads: number, sha: string): Promise<void>;
}

export interface PackOptions extends ShaOptions {
  /** Chunks packed concurrently (one RandomX VM each). Default 1. */
  threads?: number;
  /** Programs per entropy; 360 for spora_2_6 (other values exist only for tests). */
  programCount?: number;
}

/** The rx512 context packing needs (keyed with ARWEAVE_PACK_KEY). Fast mode builds the 568 MB dataset. */
export function createPackingContext(mode: RandomxMode, opts: { initThreads?: number; aes?: AesChoice } = {}) {
  return RandomxContext.create({ config: "rx512", key: ARWEAVE_PACK_KEY, mode, ...opts });
}

function checkContext(ctx: RandomxContext): void {
  if (ctx.config !== "rx512") throw new BadArgumentError(`packing needs an rx512 context, got ${ctx.config}`);
}

function checkBatch(keys: Uint8Array, chunks: Uint8Array): void {
  if (keys.byteLength === 0 || keys.byteLength % PACKING_KEY_BYTES !== 0) {
    throw new BadLengthError(`keys must be a non-empty multiple of 32 bytes, got ${keys.byteLength}`);
  }
  const count = keys.byteLength / PACKING_KEY_BYTES;
  if (chunks.byteLength !== count * CHUNK_BYTES) {
    throw new BadLengthError(`chunks must be ${count} x ${CHUNK_BYTES} bytes for ${count} keys, got ${chunks.byteLength}`);
  }
}

async function transform(pack: boolean, ctx: RandomxContext, keys: Uint8Array, chunks: Uint8Array, opts: PackOptions) {
  checkContext(ctx);
  checkBatch(keys, chunks);
  const threads = opts.threads ?? 1;
  checkInteger("threads", threads, 1, NATIVE_THREADS_MAX);
  const programs = opts.programCount ?? PACKING_PROGRAMS_2_6;
  checkInteger("programCount", programs, 1, 100_000);
  const sha = shaName(opts);
  const a = addon();
  await awaitNative(
    callNative(() =>
      pack
        ? a.packChunks(ctx.handle, keys, chunks, programs, threads, sha)
        : a.unpackChunks(ctx.handle, keys, chunks, programs, threads, sha),
    ),
  );
}

/** Packs `chunks` (n slots of 256 KiB, already zero-padded) in place; `keys` holds n packing keys. */
export function packInPlace(ctx: RandomxContext, keys: Uint8Array, chunks: Uint8Array, opts: PackOptions = {}) {
  return transform(true, ctx, keys, chunks, opts);
}

/** Unpacks n packed 256 KiB slots in place (padding is left for the caller to check and strip). */
export function unpackInPlace(ctx: RandomxContext, keys: Uint8Array, chunks: Uint8Array, opts: PackOptions = {}) {
  return transform(false, ctx, keys, chunks, opts);
}

/** Copies a chunk into a zeroed 256 KiB slot. Empty chunks and chunks over 256 KiB are errors. */
export function padChunk(chunk: Uint8Array, slot: Buffer = Buffer.alloc(CHUNK_BYTES)): Buffer {
  if (chunk.byteLength === 0 || chunk.byteLength > CHUNK_BYTES) {
    throw new BadLengthError(`a chunk must be 1..${CHUNK_BYTES} bytes, got ${chunk.byteLength}`);
  }
  if (slot.byteLength !== CHUNK_BYTES) throw new BadLengthError(`a chunk slot must be ${CHUNK_BYTES} bytes`);
  slot.set(chunk);
  slot.fill(0, chunk.byteLength);
  return slot;
}

/** Packs chunks of up to 256 KiB each; returns the packed 256 KiB slots concatenated. */
export async function packChunks(
  ctx: RandomxContext,
  items: ReadonlyArray<{ key: Uint8Array; chunk: Uint8Array }>,
  opts: PackOptions = {},
): Promise<Buffer> {
  const keys = Buffer.alloc(items.length * PACKING_KEY_BYTES);
  const slots = Buffer.alloc(items.length * CHUNK_BYTES);
  items.forEach((item, i) => {
    if (item.key.byteLength !== PACKING_KEY_BYTES) throw new BadLengthError(`key ${i} must be 32 bytes`);
    keys.set(item.key, i * PACKING_KEY_BYTES);
    padChunk(item.chunk, slots.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  });
  await packInPlace(ctx, keys, slots, opts);
  return slots;
}

/** Unpacks one packed chunk and strips its padding, which must be zero (else BadPaddingError). */
export async function unpackChunk(
  ctx: RandomxContext,
  key: Uint8Array,
  packed: Uint8Array,
  chunkSize: number,
  opts: PackOptions = {},
): Promise<Buffer> {
  checkInteger("chunkSize", chunkSize, 1, CHUNK_BYTES);
  const slot = Buffer.from(packed);  // the caller's packed bytes stay as they are
  await unpackInPlace(ctx, key, slot, opts);
  for (let i = chunkSize; i < CHUNK_BYTES; i += 1) {
    if (slot[i] !== 0) throw new BadPaddingError(`unpacked chunk has a non-zero byte at ${i} past its size ${chunkSize}`);
  }
  return slot.subarray(0, chunkSize);
}
