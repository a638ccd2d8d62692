// memory64 detection on the running Node: after enableMemory64() this process compiles the real
// wasm64 aos module, whether V8 needed the flag (Node 20/22) or has memory64 on by default.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { aos2Wasm64Path } from "../../test/cu-harness/ao-items.ts";
import { enableMemory64, memory64Supported } from "./memory64.ts";

describe("memory64", () => {
  it("is enabled by detection and then compiles the aos2 wasm64 module", async () => {
    const before = memory64Supported();
    const how = enableMemory64();
    assert.equal(how, before ? "native" : "flag");
    assert.equal(memory64Supported(), true);
    assert.equal(enableMemory64(), "native", "a second call finds it on");
    const module = await WebAssembly.compile(readFileSync(aos2Wasm64Path));
    const memory = WebAssembly.Module.exports(module).find((entry) => entry.name === "memory");
    assert.equal(memory?.kind, "memory");
  });
});
