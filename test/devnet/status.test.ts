// The pure parts of the status view: Prometheus parsing, the model's rates and head tracking, the
// difficulty choice and the terminal rendering. The storage part is fed what the node agent's own
// AgentMetrics exports through the real Prometheus exporter, so a renamed metric fails here.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { AgentMetrics } from "../../node-agent/metrics.ts";
import { modulesOf, solutionSummaryOf } from "../../devnet/status/storage.ts";
import { devnetIterationsMin, pickIterations } from "../../devnet/calibrate.ts";
import { StatusModel } from "../../devnet/status/model.ts";
import { parsePrometheus, sumOf } from "../../devnet/status/prometheus.ts";
import { renderView } from "../../devnet/terminal.ts";

const cuMetrics = (hot: number, evaluated: number): string =>
  `# TYPE arkube_cu_hot_processes gauge\narkube_cu_hot_processes ${hot}\narkube_cu_cluster_members 2\narkube_cu_result_requests_evaluated_total ${evaluated}\n`;

function model(): StatusModel {
  const m = new StatusModel({ startedAtMs: 0, dataDir: "/d", chain: "devnet", iterationsPerCheckpoint: 1000, knownProcesses: 1 });
  m.setComponents([{ name: "cu-0", kind: "cu", pid: 1, state: "up", exit: undefined, logPath: "/l" }]);
  return m;
}

describe("status", () => {
  it("parses Prometheus text with labels and _total counters", () => {
    const s = parsePrometheus('# HELP x\nfoo{a="1",b="x\\"y"} 3\nfoo_total 4\nbar 1e3\nbad line\n');
    assert.deepEqual(s[0], { name: "foo", labels: { a: "1", b: 'x"y' }, value: 3 });
    assert.equal(sumOf(s, "foo"), 7);
    assert.equal(sumOf(s, "bar"), 1000);
    assert.equal(sumOf(s, "none"), undefined);
  });

  it("tracks the VDF head: ignores repeats and older terms, rates over the window", () => {
    const m = model();
    assert.equal(m.snapshot(0).vdf.step, null);
    for (let i = 1; i <= 5; i++) m.onStep(i, "vdf-0", 1, i * 1000);
    m.onStep(3, "vdf-0", 1, 5500);
    m.onStep(9, "vdf-9", 0, 5600);
    const s = m.snapshot(6000);
    assert.equal(s.vdf.step, 5);
    assert.equal(s.vdf.leader, "vdf-0");
    assert.equal(s.vdf.stepsPerSecond, 1);
    assert.equal(s.vdf.lastStepAgeMs, 1000);
    m.onStep(6, "vdf-1", 2, 7000);
    assert.equal(m.snapshot(7000).vdf.leader, "vdf-1");
  });

  it("computes msgs/s from the evaluated counter and hot/cold from the pods", () => {
    const m = model();
    m.onComputeScrape("cu-0", parsePrometheus(cuMetrics(1, 10)), 1000);
    m.onComputeScrape("cu-0", parsePrometheus(cuMetrics(1, 30)), 3000);
    const s = m.snapshot(3000);
    assert.equal(s.compute.pods[0]!.msgsPerSecond, 10);
    assert.deepEqual(s.compute.processes, { total: 1, hot: 1, cold: 0 });
    m.setComponents([{ name: "cu-0", kind: "cu", pid: 1, state: "down", exit: { code: null, signal: "SIGKILL" }, logPath: "/l" }]);
    const down = m.snapshot(3000);
    assert.equal(down.compute.pods[0]!.up, false);
    assert.deepEqual(down.compute.processes, { total: 1, hot: 0, cold: 1 });
    assert.match(renderView(down).join("\n"), /cu-0:DOWN/);
    assert.equal(down.storage.available, false);
  });

  it("picks iterations for the target step time, never below the devnet minimum", () => {
    const alone = { cores: 4, stepComputers: 2 };
    assert.equal(pickIterations(100, 20_000, 1000, alone), 200_000);
    assert.equal(pickIterations(1000, 20_000, 500, alone), 10_000);
    assert.equal(pickIterations(1_000_000, 20_000, 100, alone), devnetIterationsMin);
    // Two cores, a leader and three verifiers: each step may cost half as much.
    assert.equal(pickIterations(100, 20_000, 1000, { cores: 2, stepComputers: 4 }), 100_000);
  });

  it("shows packing, per-partition hash rates and solutions from the node agent's real exporter", async () => {
    let nowMs = 0;
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const metrics = new AgentMetrics(provider.getMeter("test"), () => nowMs);
    const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
    try {
      metrics.setProgressSource(() => ({ storedChunks: 12, targetChunks: 32 }));
      nowMs = 1000;
      metrics.chunksStored(0, 10);
      metrics.chunksStored(2, 2);
      metrics.hashed("h1", 0, 80);
      metrics.hashed("h2", 0, 40);
      metrics.hashed("h1", 2, 8);
      metrics.solutionFound("h2");
      const m = model();
      m.setComponents([{ name: "node-agent-0", kind: "node-agent", pid: 2, state: "up", exit: undefined, logPath: "/l" }]);
      m.onNodeAgentScrape("node-agent-0", parsePrometheus(await scrape()), 1000);
      metrics.hashed("h1", 0, 160);
      metrics.hashed("h2", 0, 80);
      m.onNodeAgentScrape("node-agent-0", parsePrometheus(await scrape()), 3000);
      m.onNodeAgentModules("node-agent-0", modulesOf({ node: "node-0", modules: [{ partition: 0, dir: "/a", slots: 16, stored: 10 }, { partition: 2, dir: "/b", slots: 16, stored: 2 }, { bad: 1 }] }));
      const solution = Buffer.from(JSON.stringify({ v: 1, kind: "h2", chain: "devnet", step: 77, partition: 2, foundBy: "node-0", h2By: "node-1" }));
      m.onSolution(solutionSummaryOf(solution, 3000)!);
      assert.equal(solutionSummaryOf(Buffer.from("not json"), 0), undefined);
      const st = m.snapshot(3000).storage;
      assert.equal(st.available, true);
      assert.equal(st.packed, false);
      assert.equal(st.nodes[0]!.packedRatio, 12 / 32);
      assert.equal(st.nodes[0]!.chunksPerSecond, 1.2);
      assert.equal(st.nodes[0]!.etaSeconds, 20 / 1.2);
      assert.equal(st.solutions, 1);
      assert.deepEqual(st.partitions.map((p) => [p.partition, p.stored, p.slots, p.packedRatio]), [[0, 10, 16, 10 / 16], [2, 2, 16, 2 / 16]]);
      assert.equal(st.partitions[0]!.etaSeconds, 6 / 1.2);
      assert.equal(st.partitions[0]!.h1PerSecond, 80);
      assert.equal(st.partitions[0]!.h2PerSecond, 40);
      assert.equal(st.partitions[1]!.h1PerSecond, 0);
      assert.equal(st.h1PerSecond, (80 + 160 + 8) / 10);
      assert.equal(st.h2PerSecond, (40 + 80) / 10);
      assert.equal(st.solutionsPublished, 1);
      assert.deepEqual(st.recentSolutions[0], { kind: "h2", step: 77, partition: 2, foundBy: "node-0", h2By: "node-1", atMs: 3000 });
      assert.match(renderView(m.snapshot(3000)).join("\n"), /packed 12\/32 .* solutions 1/);
      m.onNodeAgentModules("node-agent-0", [{ partition: 0, slots: 16, stored: 16 }, { partition: 2, slots: 16, stored: 16 }]);
      const done = m.snapshot(3000).storage;
      assert.equal(done.packed, true);
      assert.deepEqual(done.partitions.map((p) => p.etaSeconds), [0, 0]);
    } finally {
      server.close();
      await provider.shutdown();
    }
  });
});
