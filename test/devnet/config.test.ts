// devnet.yaml parsing: the shipped file is valid and equals the documented defaults; mistakes are
// errors that name the key.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseDevnetConfig } from "../../devnet/config.ts";
import { DevnetConfigError } from "../../devnet/errors.ts";

const devnetDir = new URL("../../devnet/", import.meta.url).pathname;
const parse = (text: string) => parseDevnetConfig(text, devnetDir, "/cwd");

function rejects(text: string, mentions: string): void {
  assert.throws(() => parse(text), (err: unknown) => err instanceof DevnetConfigError && err.code === "ERR_DEVNET_CONFIG" && err.message.includes(mentions));
}

describe("devnet config", () => {
  it("the shipped devnet.yaml states exactly the defaults", () => {
    const shipped = parse(readFileSync(join(devnetDir, "devnet.yaml"), "utf8"));
    assert.deepEqual(shipped, parse(""));
    assert.equal(shipped.dataDir, "/cwd/.devnet");
    assert.deepEqual(shipped.ports.vdfMetrics, [9464, 9465]);
    assert.deepEqual(shipped.ports.cuHttp, [6363, 6364]);
    assert.equal(shipped.vdf.iterationsPerCheckpoint, undefined);
    assert.match(shipped.cu.moduleWasm, /shared\/ao-modules\/aos2-wasm32-emscripten4\.wasm$/);
  });

  it("port 0 stays 0 for every replica; a list gives one port per replica", () => {
    const c = parse("ports: { vdfMetrics: 0, cuHttp: [7001, 7005] }");
    assert.deepEqual(c.ports.vdfMetrics, [0, 0]);
    assert.deepEqual(c.ports.cuHttp, [7001, 7005]);
  });

  it("rejects unknown keys, bad values and inconsistent lease timing, naming the key", () => {
    rejects("vdf: { replicsa: 2 }", "replicsa");
    rejects("vdf: { replicas: 0 }", "vdf.replicas");
    rejects("ports: { cuHttp: [1] }", "ports.cuHttp");
    rejects("cu: { walletSeedHex: xyz }", "cu.walletSeedHex");
    rejects("vdf: { chain: Bad_Name }", "vdf.chain");
    rejects("vdf: { leaseDurationMs: 1000, renewIntervalMs: 500, renewMarginMs: 500 }", "leaseDurationMs");
    rejects("nodeAgents: { partitions: 3 }", "nodeAgents.partitions");
    rejects("a: [", "YAML");
  });
});
