// The status page in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; no
// browser is downloaded): the real StatusServer and StatusModel, fed the inputs the collector would give
// (VDF steps, compute and node-agent scrapes in the exporters' formats, admin module counts, a solution),
// so the page's rendering, its live updates over server-sent events and the Eval form are what is tested.
// A screenshot goes to test-artifacts/ (gitignored).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { chromium } from "playwright-core";
import type { EvalResult } from "../../devnet/ao.ts";
import { StatusModel } from "../../devnet/status/model.ts";
import { parsePrometheus } from "../../devnet/status/prometheus.ts";
import { StatusServer } from "../../devnet/status/server.ts";
import { solutionSummaryOf } from "../../devnet/status/storage.ts";
import { repoRoot } from "./harness.ts";

const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Bound for the page to show a value (first render, an SSE update, an Eval round trip). */
const renderTimeoutMs = 10_000;

const agentMetrics = `# TYPE arkube_packing_progress_ratio gauge
arkube_packing_progress_ratio 0.75
arkube_packing_chunks_per_second 2
arkube_packing_eta_seconds 4
arkube_mining_hashes_per_second{kind="h1"} 16
arkube_mining_hashes_per_second{kind="h2"} 12
arkube_mining_hashes_total{kind="h1",partition="0"} 100
arkube_mining_solutions_total{kind="h2"} 1
`;

describe("status page in headless Chromium", () => {
  it("renders the live figures, updates them from the event stream and sends an Eval", async (t) => {
    if (!existsSync(chromiumPath)) return t.skip(`${chromiumPath} not installed (scripts/ensure-deps.sh installs it)`);
    const model = new StatusModel({ startedAtMs: Date.now(), dataDir: "/d", chain: "devnet", iterationsPerCheckpoint: 1000, knownProcesses: 1 });
    model.setComponents([
      { name: "vdf-0", kind: "vdf", pid: 11, state: "up", exit: undefined, logPath: "/l/vdf-0.log" },
      { name: "cu-0", kind: "cu", pid: 12, state: "up", exit: undefined, logPath: "/l/cu-0.log" },
      { name: "node-agent-0", kind: "node-agent", pid: 13, state: "up", exit: undefined, logPath: "/l/node-agent-0.log" },
    ]);
    model.setReady(true);
    model.setDemoProcess("demo-process-id");
    model.onStep(41, "vdf-0", 1, Date.now());
    model.onComputeScrape("cu-0", parsePrometheus("arkube_cu_hot_processes 1\narkube_cu_cluster_members 1\narkube_cu_result_requests_evaluated_total 3\n"), Date.now());
    model.onNodeAgentScrape("node-agent-0", parsePrometheus(agentMetrics), Date.now());
    model.onNodeAgentModules("node-agent-0", [{ partition: 0, slots: 16, stored: 16 }, { partition: 2, slots: 16, stored: 8 }]);
    const listeners = new Set<() => void>();
    const evals: string[] = [];
    const sendEval = (code: string): Promise<EvalResult> => {
      evals.push(code);
      return Promise.resolve({ messageId: "msg-1", processId: "demo-process-id", output: code === "return 6*7" ? "42" : "?", error: undefined });
    };
    const { server, url } = await StatusServer.listen({ snapshot: () => model.snapshot(Date.now()), onChange: (l) => (listeners.add(l), () => listeners.delete(l)), sendEval }, "127.0.0.1", 0);
    const profile = mkdtempSync(join(tmpdir(), "arkube-chromium-"));
    const browser = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: renderTimeoutMs });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.setDefaultTimeout(renderTimeoutMs);
      await page.goto(url);
      await page.locator("#ready", { hasText: "ready" }).waitFor();
      assert.equal(await page.textContent("#step"), "41");
      assert.equal(await page.textContent("#pid"), "demo-process-id");
      assert.match((await page.textContent("#storage")) ?? "", /packing; H1 16\.0\/s, H2 12\.0\/s/);
      assert.equal(await page.locator("tr.partition progress").count(), 2);
      assert.deepEqual(await page.locator("tr.partition progress").evaluateAll((els) => els.map((e) => [(e as HTMLProgressElement).value, (e as HTMLProgressElement).max])), [[16, 16], [8, 16]]);

      // Live: a new step, the second partition packed and a solution arrive over the event stream.
      model.onStep(42, "vdf-0", 1, Date.now());
      model.onNodeAgentModules("node-agent-0", [{ partition: 0, slots: 16, stored: 16 }, { partition: 2, slots: 16, stored: 16 }]);
      model.onSolution(solutionSummaryOf(Buffer.from(JSON.stringify({ kind: "h2", step: 42, partition: 2, foundBy: "node-0" })), Date.now())!);
      for (const l of listeners) l();
      await page.locator("#step", { hasText: "42" }).waitFor();
      await page.locator("#storage", { hasText: "packed;" }).waitFor();
      assert.equal(await page.locator("tr.solution").count(), 1);
      assert.match((await page.textContent("tr.solution")) ?? "", /h2\s*42\s*2\s*node-0/);

      // The Eval form posts to /api/message and shows the output.
      await page.fill("#code", "return 6*7");
      await page.click("button[type=submit]");
      await page.locator("#result", { hasText: "42" }).waitFor();
      assert.deepEqual(evals, ["return 6*7"]);
      mkdirSync(join(repoRoot, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: join(repoRoot, "test-artifacts", "devnet-status.png"), fullPage: true });
    } finally {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
