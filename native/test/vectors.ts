// Shared by tests that check the known-answer vectors in ../shared/vectors (see its README):
// loading a vector file, and regenerating the deterministic inputs the files describe.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** <repo root>/../shared/vectors/ */
export const vectorsDir = new URL("../../../shared/vectors/", import.meta.url);

/** Parses a JSON vector file, e.g. loadVectors<VdfFile>("vdf.json") or "sync/blocks.json". */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, vectorsDir), "utf8")) as T;
}

function u32be(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/**
 * prng_stream(label, v, n): the first n bytes of B0 || B1 || ..., where
 * Bj = SHA256(ASCII(label) || u32be(v) || u32be(j)).
 */
export function prngStream(label: string, v: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let j = 0, at = 0; at < n; j += 1, at += 32) {
    createHash("sha256").update(Buffer.from(label, "ascii")).update(u32be(v)).update(u32be(j)).digest().copy(out, at);
  }
  return out;
}

/** The label a file writes as `{prefix}-<name>`, built from the file's own prng_prefix. */
export function prngLabel(prngPrefix: string, name: string): string {
  return `${prngPrefix}-${name}`;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(text: string): Buffer {
  return Buffer.from(text, "hex");
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
