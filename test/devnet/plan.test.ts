// The plan's config files are what the components themselves accept: each is parsed with that
// component's own config parser (vdf/config.ts, cu/config.ts, node-agent/config.ts), so the devnet
// cannot drift from the cluster's formats unnoticed.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig as parseCuConfig } from "../../cu/config.ts";
import { parseConfig as parseVdfConfig } from "../../vdf/config.ts";
import { parseDevnetConfig } from "../../devnet/config.ts";
import { planComponents } from "../../devnet/plan.ts";

const repoRoot = new URL("../..", import.meta.url).pathname;
const config = parseDevnetConfig("", `${repoRoot}devnet`, "/tmp/devnet-plan-test");
const ports = { nats: 4222, status: 8300, vdfMetrics: [9464, 9465], cuHttp: [6363, 6364], cuGrpc: [6373, 6374], nodeAgentMetrics: [9500, 9501] };
const nodeAgentMain = `${repoRoot}node-agent/main.ts`;

describe("devnet plan", () => {
  const specs = planComponents({ config, ports, iterationsPerCheckpoint: 1234, repoRoot, nodeAgentMain, nodeBin: "node" });

  it("starts NATS, then vdf, node agents and compute pods, in that order", () => {
    assert.deepEqual(specs.map((s) => s.name), ["nats", "vdf-0", "vdf-1", "node-agent-0", "node-agent-1", "cu-0", "cu-1"]);
    assert.deepEqual(specs.filter((s) => !s.gating).map((s) => s.kind), ["node-agent", "node-agent"]);
    const without = planComponents({ config, ports, iterationsPerCheckpoint: 1234, repoRoot, nodeAgentMain: undefined, nodeBin: "node" });
    assert.equal(without.some((s) => s.kind === "node-agent"), false);
  });

  it("writes vdf configs the vdf service accepts: one chain, distinct identities", () => {
    const vdf = specs.filter((s) => s.kind === "vdf").map((s) => parseVdfConfig(parse(s.configFile!.text)));
    assert.deepEqual(vdf.map((c) => c.identity), ["vdf-0", "vdf-1"]);
    assert.ok(vdf.every((c) => c.chain.iterationsPerCheckpoint === 1234 && c.leadership.type === "nats-kv" && c.natsUrl === "nats://127.0.0.1:4222"));
    assert.deepEqual(vdf.map((c) => c.metricsPort), [9464, 9465]);
  });

  it("writes cu configs the compute pods accept: one cluster key, distinct pods and ports", () => {
    const cu = specs.filter((s) => s.kind === "cu").map((s) => parseCuConfig(s.configFile!.text, "/"));
    assert.deepEqual(cu.map((c) => c.podId), ["cu-0", "cu-1"]);
    assert.equal(new Set(cu.map((c) => c.walletSeedHex)).size, 1);
    assert.deepEqual(cu.map((c) => c.http.port), [6363, 6364]);
    assert.equal(cu[0]!.modules.length, 1);
  });

  it("places the partitions on the agents' local disks with the operator's placement", async (t) => {
    if (!existsSync(`${repoRoot}node-agent/config.ts`)) return t.skip("node-agent/config.ts not there");
    const { parseConfig } = (await import("../../node-agent/config.ts")) as { parseConfig: (text: string) => { modules: { partition: number; root: string }[]; dataRoots: string[] } };
    const agents = specs.filter((s) => s.kind === "node-agent").map((s) => parseConfig(s.configFile!.text));
    assert.deepEqual(agents.map((a) => a.modules.map((m) => m.partition)), [[0], [1]]);
    for (const a of agents) assert.ok(a.modules.every((m) => a.dataRoots.includes(m.root) && m.root.startsWith("/tmp/devnet-plan-test/.devnet/disks/")));
  });
});
