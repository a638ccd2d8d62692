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
import { hasReadyLine } from "../../devnet/ready.ts";
import { devnetDifficulty, expectedSolutionIntervalMs } from "../../devnet/difficulty.ts";
import { parseConfig as parseAgentConfig } from "../../node-agent/config.ts";

const repoRoot = new URL("../..", import.meta.url).pathname;
const config = parseDevnetConfig("", `${repoRoot}devnet`, "/tmp/devnet-plan-test");
const ports = { nats: 4222, status: 8300, weave: 1984, vdfMetrics: [9464, 9465], cuHttp: [6363, 6364], cuGrpc: [6373, 6374], nodeAgentMetrics: [9500, 9501], nodeAgentAdmin: [9510, 9511] };
const nodeAgentMain = `${repoRoot}node-agent/main.ts`;

describe("devnet plan", () => {
  const specs = planComponents({ config, ports, iterationsPerCheckpoint: 1234, repoRoot, nodeAgentMain, nodeBin: "node" });

  it("starts NATS, then vdf, the weave, node agents and compute pods, in that order", () => {
    assert.deepEqual(specs.map((s) => s.name), ["nats", "vdf-0", "vdf-1", "weave", "node-agent-0", "node-agent-1", "cu-0", "cu-1"]);
    assert.ok(specs.every((s) => s.gating));
    const weave = specs.find((s) => s.kind === "weave")!;
    assert.deepEqual(weave.ready, { type: "line", event: "weave_server_ready", url: "http://127.0.0.1:1984" });
    // The weave covers every partition (4 x 16 chunks).
    assert.equal(weave.args[weave.args.indexOf("--min-weave-bytes") + 1], String(4 * 16 * 262_144));
    const without = planComponents({ config, ports, iterationsPerCheckpoint: 1234, repoRoot, nodeAgentMain: undefined, nodeBin: "node" });
    assert.equal(without.some((s) => s.kind === "node-agent" || s.kind === "weave"), false);
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
    const agents = specs.filter((s) => s.kind === "node-agent").map((s) => parseAgentConfig(s.configFile!.text));
    assert.deepEqual(agents.map((a) => a.modules.map((m) => m.partition).sort()), [[0, 2], [1, 3]]);
    for (const a of agents) assert.ok(a.modules.every((m) => a.dataRoots.includes(m.root) && m.root.startsWith("/tmp/devnet-plan-test/.devnet/disks/")));
  });

  it("gives every agent the weave as its peer, real packing and the derived difficulty", () => {
    const agents = specs.filter((s) => s.kind === "node-agent").map((s) => parseAgentConfig(s.configFile!.text));
    for (const a of agents) {
      assert.deepEqual(a.peers, ["http://127.0.0.1:1984"]);
      assert.equal(a.packing.programCount, 360);
      assert.equal(a.randomxMode, "fast");
      assert.equal(a.mining.enabled, true);
      assert.equal(a.mining.recallRangeChunks, 8);
      assert.equal(a.mining.partitionUpperBound, 4n * 16n * 262_144n);
      assert.equal(a.mining.difficulty, devnetDifficulty({ partitions: 4, recallRangeChunks: 8, stepMs: 1000, solutionIntervalMs: 60_000 }));
      assert.ok(a.modules.every((m) => a.dataRoots.includes(m.root)));
    }
    assert.deepEqual(specs.filter((s) => s.kind === "node-agent").map((s) => s.apiUrl), ["http://127.0.0.1:9510", "http://127.0.0.1:9511"]);
  });
});

describe("devnet difficulty", () => {
  it("gives one solution per wanted interval: p = 100 T / (101 N R I)", () => {
    const shape = { partitions: 4, recallRangeChunks: 8, stepMs: 1000 };
    for (const interval of [5_000, 60_000, 600_000]) {
      const d = devnetDifficulty({ ...shape, solutionIntervalMs: interval });
      assert.ok(Math.abs(expectedSolutionIntervalMs(d, shape) / interval - 1) < 1e-4, `interval ${interval}`);
    }
    // 60 s, 4 partitions x 8 chunks, 1 s steps: 1 hash in 100*1000/(101*4*8*60000) = 1 in ~1939 wins.
    const d = devnetDifficulty({ ...shape, solutionIntervalMs: 60_000 });
    assert.equal(((1n << 256n) / ((1n << 256n) - d)).toString(), "1939");
    // Shorter than one step can give: every hash wins.
    assert.equal(devnetDifficulty({ ...shape, solutionIntervalMs: 1 }), 0n);
  });
});

describe("weave readiness", () => {
  it("is its ready line with the planned URL, not another line or another URL", () => {
    const line = JSON.stringify({ event: "weave_server_ready", url: "http://127.0.0.1:1984", weaveSize: "1" });
    assert.equal(hasReadyLine(`warning\n${line}\n`, "weave_server_ready", "http://127.0.0.1:1984"), true);
    assert.equal(hasReadyLine(line, "weave_server_ready", "http://127.0.0.1:1985"), false);
    assert.equal(hasReadyLine('{"event":"weave_server_ready"\n', "weave_server_ready", "http://127.0.0.1:1984"), false);
    assert.equal(hasReadyLine("", "weave_server_ready", "http://127.0.0.1:1984"), false);
  });
});
