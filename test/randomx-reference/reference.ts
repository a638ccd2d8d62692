// Builds and runs the librandomx reference driver (reference.cc). The binary is cached under
// ~/.cache/arkube keyed by the source's hash, so it is compiled once per machine and version.
import { createHash } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const source = new URL("./reference.cc", import.meta.url).pathname;
const headerPath = "/usr/include/randomx.h";

export class ReferenceUnavailableError extends Error {
  readonly code = "ERR_ARKUBE_REFERENCE_UNAVAILABLE";
}

/** Path of the compiled driver; compiles it when missing. */
export function referenceBinary(): string {
  if (!existsSync(headerPath)) {
    throw new ReferenceUnavailableError(`${headerPath} missing: install Debian's librandomx-dev (npm test does)`);
  }
  const digest = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const dir = join(process.env.ARKUBE_CACHE ?? join(homedir(), ".cache", "arkube"), "randomx-reference");
  const binary = join(dir, `reference-${digest}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  execFileSync("g++", ["-std=c++17", "-O2", "-pthread", source, "-o", partial, "-lrandomx"], { stdio: "inherit" });
  renameSync(partial, binary);  // atomic: a concurrent or interrupted build never leaves half a binary
  return binary;
}

export interface ReferencePair {
  key: Uint8Array;
  input: Uint8Array;
}

/** Hashes every pair with librandomx (fast mode: all pairs must share one key). */
export function referenceHashes(pairs: ReferencePair[], mode: "light" | "fast"): Promise<string[]> {
  const binary = referenceBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["hash", mode], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`reference driver exited with ${code}`));
      resolve(out.trim().split("\n"));
    });
    const hex = (b: Uint8Array) => (b.byteLength === 0 ? "-" : Buffer.from(b).toString("hex"));
    child.stdin.end(pairs.map((p) => `${hex(p.key)} ${hex(p.input)}\n`).join(""));
  });
}

/** Hashes per second of librandomx for one key (JIT or its interpreter), measured for `seconds`. */
export function referenceBench(mode: "light" | "fast", engine: "jit" | "interpreter", key: Uint8Array, seconds: number) {
  const out = execFileSync(referenceBinary(), ["bench", mode, engine, Buffer.from(key).toString("hex"), String(seconds)], {
    encoding: "utf8",
  });
  const [hashes, elapsed] = out.trim().split(" ").map(Number);
  return { hashes: hashes!, seconds: elapsed!, perSecond: hashes! / elapsed! };
}
