// Deterministic test inputs, the vectors' recipe:
//   prng_stream(label, v, n) = first n bytes of B0 || B1 || ...,  Bj = SHA256(ASCII(label) || u32be(v) || u32be(j))
// Labels are always built from a vector file's prng_prefix, never spelled out here.
import { createHash } from "node:crypto";

const SHA256_BYTES = 32;

function u32be(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

export function prngStream(label: string, v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const labelBytes = Buffer.from(label, "ascii");
  for (let block = 0; block * SHA256_BYTES < n; block += 1) {
    const digest = createHash("sha256").update(labelBytes).update(u32be(v)).update(u32be(block)).digest();
    out.set(digest.subarray(0, Math.min(SHA256_BYTES, n - block * SHA256_BYTES)), block * SHA256_BYTES);
  }
  return out;
}

/** `{prefix}-{suffix}` as the vector READMEs write it. */
export function prngLabel(prefix: string, suffix: string): string {
  return `${prefix}-${suffix}`;
}
