// Shared by tests that check the known-answer vectors in ../shared/vectors (see its README):
// loading a vector file, and regenerating the deterministic inputs the files describe.
import { readFileSync } from "node:fs";

export { prngLabel, prngStream, sha256Hex } from "../../test/vectors/prng.ts";

/** <repo root>/../shared/vectors/ */
export const vectorsDir = new URL("../../../shared/vectors/", import.meta.url);

/** Parses a JSON vector file, e.g. loadVectors<VdfFile>("vdf.json") or "sync/blocks.json". */
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, vectorsDir), "utf8")) as T;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(text: string): Buffer {
  return Buffer.from(text, "hex");
}
