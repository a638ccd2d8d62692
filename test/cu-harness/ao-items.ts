// Test helpers: signed ao items (Process, Message) for the aos modules in /work/shared/ao-modules,
// and a module registry entry for them. Deterministic keys so runs are reproducible.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  aoProtocolTags,
  createSignedDataItem,
  decodeId,
  ed25519PrivateKeyFromSeed,
  signerFromPrivateKey,
  toBase64Url,
  type DataItem,
  type DataItemSigner,
  type TagInput,
} from "../../protocol/ao/index.ts";
import type { ModuleEntry } from "../../cu/evaluator/messages.ts";

export const aoModulesDir = process.env.ARKUBE_AO_MODULES_DIR ?? "/work/shared/ao-modules";
export const aos2Wasm32Path = join(aoModulesDir, "aos2-wasm32-emscripten4.wasm");
export const aos2Wasm64Path = join(aoModulesDir, "aos2-wasm64-draft_2024_02_15.wasm");

export function testSigner(label: string): DataItemSigner {
  const seed = createHash("sha256").update(`arkube-cu-test:${label}`).digest();
  return signerFromPrivateKey(ed25519PrivateKeyFromSeed(seed));
}

/** A module entry whose id is the wasm's SHA-256 (stands in for the Module item's id). */
export function moduleEntry(wasmPath: string, format: string, memoryLimit = "1-gb"): ModuleEntry {
  return {
    id: toBase64Url(createHash("sha256").update(readFileSync(wasmPath)).digest()),
    owner: "arkube-test",
    wasmPath,
    tags: [
      { name: "Data-Protocol", value: "ao" },
      { name: "Variant", value: "ao.TN.1" },
      { name: "Type", value: "Module" },
      { name: "Module-Format", value: format },
      { name: "Input-Encoding", value: "JSON-1" },
      { name: "Output-Encoding", value: "JSON-1" },
      { name: "Memory-Limit", value: memoryLimit },
      { name: "Compute-Limit", value: "9000000000000" },
    ],
  };
}

export function aos2Module(memoryLimit?: string): ModuleEntry {
  return moduleEntry(aos2Wasm32Path, "wasm32-unknown-emscripten4", memoryLimit);
}

export function aos2Wasm64Module(memoryLimit?: string): ModuleEntry {
  return moduleEntry(aos2Wasm64Path, "wasm64-unknown-emscripten-draft_2024_02_15", memoryLimit);
}

export function processItem(signer: DataItemSigner, moduleId: string, schedulerAddress: string, extra: TagInput[] = [], salt = ""): DataItem {
  const tags = [
    ...aoProtocolTags("Process"),
    { name: "Module", value: moduleId },
    { name: "Scheduler", value: schedulerAddress },
    { name: "Name", value: `test${salt}` },
    ...extra,
  ];
  return createSignedDataItem({ tags, data: new TextEncoder().encode("1984") }, signer);
}

// ed25519 signatures are deterministic: without a fresh anchor, two equal messages would share an id.
export function messageItem(signer: DataItemSigner, processId: string, tags: TagInput[], data = "", anchor?: string): DataItem {
  return createSignedDataItem(
    {
      target: decodeId(processId),
      anchor: anchor === undefined ? new Uint8Array(randomBytes(32)) : new TextEncoder().encode(anchor.padStart(32, "0")),
      tags: [...aoProtocolTags("Message"), ...tags],
      data: new TextEncoder().encode(data),
    },
    signer,
  );
}

export function evalItem(signer: DataItemSigner, processId: string, code: string, anchor?: string): DataItem {
  return messageItem(signer, processId, [{ name: "Action", value: "Eval" }], code, anchor);
}

/** Output.data of an aos result (aos answers Eval with {data, prompt}). */
export function outputData(output: unknown): unknown {
  return typeof output === "object" && output !== null ? (output as { data?: unknown }).data : output;
}
