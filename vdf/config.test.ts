// Configuration parsing: defaults, strictness (unknown keys, bad hex, unsafe lease timing) with one code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";

const minimal = {
  natsUrl: "nats://127.0.0.1:4222",
  chain: { name: "devnet", genesisOutputHex: "00".repeat(32), iterationsPerCheckpoint: 2000, seeds: { type: "derived", domain: "devnet" } },
};

test("a minimal config gets named defaults", () => {
  const c = parseConfig(minimal);
  assert.equal(c.chain.startStep, 0);
  assert.equal(c.leadership.type, "nats-kv");
  assert.ok(c.leadership.leaseDurationMs > c.leadership.renewMarginMs + 2 * c.leadership.renewIntervalMs);
  assert.equal(c.stream.streamMaxMsgs, 3600);
});

test("mistakes are refused with ERR_VDF_CONFIG", () => {
  const bad = [
    { ...minimal, extra: 1 },
    { ...minimal, chain: { ...minimal.chain, genesisOutputHex: "00" } },
    { ...minimal, chain: { ...minimal.chain, name: "Dev.Net" } },
    { ...minimal, chain: { ...minimal.chain, iterationsPerCheckpoint: 1 } },
    { ...minimal, chain: { ...minimal.chain, seeds: { type: "list", firstInterval: 1, seedsHex: ["zz"] } } },
    { ...minimal, leadership: { type: "nats-kv", leaseDurationMs: 1000, renewIntervalMs: 400, renewMarginMs: 300 } },
    { ...minimal, leadership: { type: "kubernetes", namespace: "x" } },
    { ...minimal, stream: { storage: "disk" } },
  ];
  for (const raw of bad) assert.throws(() => parseConfig(raw), { code: "ERR_VDF_CONFIG" }, JSON.stringify(raw));
});

test("the example configuration in vdf/config.example.yaml parses", async () => {
  const { loadConfig } = await import("./config.ts");
  const c = loadConfig(new URL("./config.example.yaml", import.meta.url).pathname);
  assert.equal(c.chain.name, "devnet");
  assert.equal(c.metricsPort, 9464);
});
