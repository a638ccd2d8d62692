// The pure parts of the status view: Prometheus parsing, the model's rates and head tracking, the
// difficulty choice and the terminal rendering.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
});
