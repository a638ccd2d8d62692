// SHA-256 from the native core: SHA-NI when the CPU has it, or the portable implementation when
// asked (tests compare both; benchmarks measure both). Also the small argument helpers that the
// VDF, Feistel and mining wrappers share.
import { addon } from "./loader.ts";
import { awaitNative, BadArgumentError, BadLengthError, callNative } from "./errors.ts";
import type { ShaImplName } from "./addon-types.ts";

export type { ShaImplName } from "./addon-types.ts";

export const SHA256_BYTES = 32;
/** Upper bound on threads one native call uses (the core clamps to the same bound). */
export const NATIVE_THREADS_MAX = 64;

export interface ShaOptions {
  /** SHA-256 implementation (default "auto"); naming one the CPU lacks fails with NoCpuFeatureError. */
  sha?: ShaImplName;
}

const shaNames: readonly string[] = ["auto", "ni", "avx512", "portable"];

/** The implementation name from options, checked. */
export function shaName(options: ShaOptions | undefined): ShaImplName {
  const name = options?.sha ?? "auto";
  if (!shaNames.includes(name)) {
    throw new BadArgumentError(`sha must be one of ${shaNames.join(", ")}, got "${String(name)}"`);
  }
  return name;
}

/** Throws BadArgumentError unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadArgumentError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

/** Throws BadLengthError unless `bytes` is `expected` bytes long. */
export function checkLength(name: string, bytes: Uint8Array, expected: number): void {
  if (!(bytes instanceof Uint8Array)) throw new BadArgumentError(`${name} must be a Uint8Array`);
  if (bytes.byteLength !== expected) {
    throw new BadLengthError(`${name} must be ${expected} bytes, got ${bytes.byteLength}`);
  }
}

/** A caller-supplied output buffer (checked) or a fresh one. */
export function outputBuffer(name: string, out: Uint8Array | undefined, bytes: number): Buffer {
  if (out === undefined) return Buffer.allocUnsafe(bytes);
  checkLength(name, out, bytes);
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Views (no copies) of consecutive `size`-byte pieces of `bytes`. */
export function slices(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** SHA-256 of `data` (synchronous; up to 16 MiB). */
export function sha256(data: Uint8Array, options?: ShaOptions): Buffer {
  const sha = shaName(options);
  return callNative(() => addon().sha256(sha, data));
}

/**
 * SHA-256 of each consecutive `pieceBytes`-sized piece of `data`, on the libuv pool. Returns the
 * digests concatenated (32 bytes each), written into `out` when given.
 */
export async function sha256Each(
  data: Uint8Array,
  pieceBytes: number,
  options?: ShaOptions & { out?: Uint8Array },
): Promise<Buffer> {
  const sha = shaName(options);
  checkInteger("pieceBytes", pieceBytes, 1, Number.MAX_SAFE_INTEGER);
  if (data.byteLength === 0 || data.byteLength % pieceBytes !== 0) {
    throw new BadLengthError(`data must be a non-empty whole number of ${pieceBytes}-byte pieces, got ${data.byteLength}`);
  }
  const digests = outputBuffer("out", options?.out, (data.byteLength / pieceBytes) * SHA256_BYTES);
  await awaitNative(callNative(() => addon().sha256Each(sha, data, pieceBytes, digests)));
  return digests;
}
