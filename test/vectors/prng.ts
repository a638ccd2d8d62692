// The deterministic inputs of ../shared/vectors (see its README):
//   prng_stream(label, v, n) = first n bytes of B0 || B1 || ..., Bj = SHA256(ASCII(label) || u32be(v) || u32be(j))
// Labels are built from each file's own prng_prefix, never hard-coded, so any vector set of the
// same shape is checked by the same code.
import { createHash } from "node:crypto";

export function prngStream(label: string, v: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  const prefix = Buffer.from(label, "ascii");
  const counters = Buffer.alloc(8);
  counters.writeUInt32BE(v, 0);
  for (let j = 0, at = 0; at < n; j += 1, at += 32) {
    counters.writeUInt32BE(j, 4);
    createHash("sha256").update(prefix).update(counters).digest().copy(out, at);
  }
  return out;
}

/** `{prefix}-name` as the files write it. */
export function prngLabel(prngPrefix: string, name: string): string {
  return `${prngPrefix}-${name}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
