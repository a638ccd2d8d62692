// The rendered vdf config goes through vdf's own parser (vdf/config.ts), so a HashChain the API server
// accepts always becomes a config the vdf pods accept: no second definition of the format to drift.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import type { HashChain, HashChainSpec } from "../../protocol/crds/index.ts";
import { parseConfig } from "../../vdf/config.ts";
import { configHash, renderVdfConfig, vdfMetricsPort } from "./vdf-config.ts";

const genesis = Buffer.alloc(32, 0xab);
function chain(spec: Partial<HashChainSpec> = {}): HashChain {
  return {
    apiVersion: "arkube.dev/v1alpha1", kind: "HashChain",
    metadata: { name: "main", namespace: "arkube", uid: "u1", generation: 1 },
    spec: { chainName: "mainchain", genesisOutput: genesis.toString("base64url"), startStep: 7, iterationsPerCheckpoint: 600_000, image: "arkube/vdf:1", ...spec },
  };
}
const input = { natsUrl: "nats://arkube-nats.arkube.svc:4222", leaseName: "main-vdf" };
const parsed = (hc: HashChain) => parseConfig(parse(renderVdfConfig(hc, input)));

describe("vdf config rendered from a HashChain", () => {
  it("is accepted by vdf's parseConfig with the chain, NATS and Lease of the HashChain", () => {
    const c = parsed(chain());
    assert.equal(c.natsUrl, input.natsUrl);
    assert.deepEqual(c.chain, {
      name: "mainchain", genesisOutputHex: genesis.toString("hex"), startStep: 7, iterationsPerCheckpoint: 600_000,
      seeds: { type: "derived", domain: "mainchain" },
    });
    assert.equal(c.leadership.type, "kubernetes");
    assert.deepEqual(c.leadership.type === "kubernetes" && [c.leadership.namespace, c.leadership.leaseName], ["arkube", "main-vdf"]);
    assert.equal(c.metricsPort, vdfMetricsPort);
    assert.equal(c.identity, undefined, "identity comes from $POD_NAME, the Lease holder the status shows");
  });

  it("carries both seed sources through unchanged", () => {
    assert.deepEqual(parsed(chain({ resetSeeds: { type: "derived", domain: "d1" } })).chain.seeds, { type: "derived", domain: "d1" });
    const seedsHex = ["01".repeat(32), "02".repeat(32)];
    assert.deepEqual(parsed(chain({ resetSeeds: { type: "list", firstInterval: 3, seedsHex } })).chain.seeds, { type: "list", firstInterval: 3, seedsHex });
  });

  it("is deterministic, and its hash changes with the spec", () => {
    assert.equal(renderVdfConfig(chain(), input), renderVdfConfig(chain(), input));
    assert.notEqual(configHash(renderVdfConfig(chain(), input)), configHash(renderVdfConfig(chain({ resetSeeds: { type: "derived", domain: "x" } }), input)));
    assert.match(renderVdfConfig(chain(), input), /^# Rendered by arkube-operator from HashChain arkube\/main/);
  });

  it("a spec the API server would refuse is refused by vdf too (the CRD bounds match vdf's)", () => {
    assert.throws(() => parsed(chain({ iterationsPerCheckpoint: 1 })), { code: "ERR_VDF_CONFIG" });
    assert.throws(() => parsed(chain({ resetSeeds: { type: "list", firstInterval: 0, seedsHex: ["zz"] } })), { code: "ERR_VDF_CONFIG" });
  });
});
