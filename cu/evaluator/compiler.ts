// Compiles each module once per pod and shares the WebAssembly.Module with every worker (modules are
// cloneable across threads), so a cold start pays instantiation only. wasm64 modules first turn on
// memory64 for the whole process (memory64.ts), which also lets their workers instantiate them.
// wasm32-unknown-emscripten2 (aos 1) goes through a loader path that takes only the binary, so its
// worker compiles it itself.
import { readFile } from "node:fs/promises";
import { enableMemory64 } from "./memory64.ts";
import type { ModuleFormat, ModuleSpec } from "./types.ts";

const sharedFormats: ReadonlySet<ModuleFormat> = new Set(["wasm32-unknown-emscripten4", "wasm64-unknown-emscripten-draft_2024_02_15"]);

export function isWasm64(format: ModuleFormat): boolean {
  return format.startsWith("wasm64-");
}

export class ModuleCompiler {
  private readonly compiled = new Map<string, Promise<WebAssembly.Module>>();

  async get(spec: ModuleSpec): Promise<WebAssembly.Module | undefined> {
    if (!sharedFormats.has(spec.format)) return undefined;
    let module = this.compiled.get(spec.wasmPath);
    if (module === undefined) {
      if (isWasm64(spec.format)) enableMemory64();
      module = readFile(spec.wasmPath).then((bytes) => WebAssembly.compile(bytes));
      this.compiled.set(spec.wasmPath, module);
    }
    return module;
  }
}
