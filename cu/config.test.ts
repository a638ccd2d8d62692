// The membership section of the cu config: nats-kv by default, kubernetes with its defaults, and
// clear errors for what cannot work.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { parseConfig } from "./config.ts";
import { ConfigError } from "./errors.ts";

const seed = "11".repeat(32);
const parse = (extra: Record<string, unknown>) => parseConfig(stringify({ walletSeedHex: seed, ...extra }), "/etc/arkube");

describe("cu config: membership", () => {
  it("defaults to NATS KV heartbeats", () => {
    assert.deepEqual(parse({}).membership, { type: "nats-kv" });
  });

  it("kubernetes: the operator's pod selector and the chart's port names unless told otherwise", () => {
    assert.deepEqual(parse({ membership: { type: "kubernetes", namespace: "arkube" } }).membership, {
      type: "kubernetes", namespace: "arkube", podSelector: "app.kubernetes.io/component=cu", ports: { http: "http", grpc: "grpc" }, kubeconfig: undefined,
    });
    const custom = parse({ membership: { type: "kubernetes", namespace: "ao", podSelector: "tier=cu", ports: { grpc: "peer" }, kubeconfig: "kube.yaml" } }).membership;
    assert.deepEqual(custom, { type: "kubernetes", namespace: "ao", podSelector: "tier=cu", ports: { http: "http", grpc: "peer" }, kubeconfig: "/etc/arkube/kube.yaml" });
  });

  it("rejects an unknown type and a kubernetes source without a namespace", () => {
    assert.throws(() => parse({ membership: { type: "consul" } }), ConfigError);
    assert.throws(() => parse({ membership: { type: "kubernetes" } }), ConfigError);
    assert.throws(() => parse({ membership: { type: "kubernetes", namespace: "a", kubeconfig: 3 } }), ConfigError);
  });
});
