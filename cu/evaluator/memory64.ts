// wasm64 modules (Module-Format wasm64-unknown-emscripten-draft_2024_02_15) declare a 64-bit linear
// memory. Node 20/22 compile them only with V8's `--experimental-wasm-memory64`; newer V8 ships
// memory64 on. Worker threads reject V8 flags in `execArgv` (ERR_WORKER_INVALID_EXEC_ARGV), but V8
// flags are process-wide, so setting it once on the main thread before the first wasm64 compile
// covers every worker too. Support is detected by validating a tiny memory64 module, never guessed
// from the Node version.
import { setFlagsFromString } from "node:v8";
import { UnsupportedModuleError } from "../errors.ts";

/** `(module (memory i64 0))`: magic, version, memory section {1 memory, limits flag 0x04 = i64, min 0}. */
const memory64Probe = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x04, 0x00]);
const memory64Flag = "--experimental-wasm-memory64";

export function memory64Supported(): boolean {
  return WebAssembly.validate(memory64Probe);
}

/**
 * Makes this process able to compile memory64 modules: nothing when V8 already can, else the flag.
 * Only enables a wasm proposal (no effect on modules that do not use it); idempotent.
 */
export function enableMemory64(): "native" | "flag" {
  if (memory64Supported()) return "native";
  setFlagsFromString(memory64Flag);
  if (!memory64Supported()) throw new UnsupportedModuleError(`this Node (${process.version}) cannot compile wasm64 modules, even with ${memory64Flag}`);
  return "flag";
}
