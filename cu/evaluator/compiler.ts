// Compiles each module once per pod and shares the WebAssembly.Module with every worker (modules are
// cloneable across threads), so a cold start pays instantiation only. wasm64 modules are compiled in
// their worker instead: compiling them needs the memory64 flag the loader path handles.
import { readFile } from "node:fs/promises";
import type { ModuleSpec } from "./types.ts";

export class ModuleCompiler {
  private readonly compiled = new Map<string, Promise<WebAssembly.Module>>();

  async get(spec: ModuleSpec): Promise<WebAssembly.Module | undefined> {
    if (spec.format !== "wasm32-unknown-emscripten4") return undefined;
    let module = this.compiled.get(spec.wasmPath);
    if (module === undefined) {
      module = readFile(spec.wasmPath).then((bytes) => WebAssembly.compile(bytes));
      this.compiled.set(spec.wasmPath, module);
    }
    return module;
  }
}
