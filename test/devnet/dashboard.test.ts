// charts/arkube/dashboards/arkube.json: valid Grafana JSON whose every query names only metrics the
// components really export. The exported names are read from the sources: OpenTelemetry instruments
// (vdf, node-agent; the Prometheus exporter appends _total to counters and _bucket/_sum/_count to
// histograms) and the hand-written exposition of the compute pods (`# TYPE name kind` lines in cu/).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const repoRoot = new URL("../..", import.meta.url).pathname;
const dashboardPath = join(repoRoot, "charts", "arkube", "dashboards", "arkube.json");
const exportingDirs = ["vdf", "cu", "node-agent"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules") return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Pure: metric names a source file exposes to Prometheus. */
function exportedNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/create(Counter|ObservableCounter|UpDownCounter|ObservableUpDownCounter|Histogram|Gauge|ObservableGauge)\(\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) {
    const [, kind, name] = m as unknown as [string, string, string];
    if (kind === "Counter" || kind === "ObservableCounter") out.push(name.endsWith("_total") ? name : `${name}_total`);
    else if (kind === "Histogram") out.push(`${name}_bucket`, `${name}_sum`, `${name}_count`);
    else out.push(name);
  }
  for (const m of text.matchAll(/# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)/g)) out.push(m[1]!);
  return out;
}

const promqlWords = new Set(["sum", "avg", "min", "max", "count", "rate", "irate", "increase", "delta", "deriv", "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "topk", "bottomk", "abs", "clamp_min", "clamp_max", "time", "vector", "scalar", "label_replace", "avg_over_time", "max_over_time", "min_over_time", "bool"]);

/** Pure: metric names a PromQL expression reads (label matchers, grouping labels, ranges and numbers removed). */
function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/"[^"]*"/g, " ");
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !promqlWords.has(w));
  return [...new Set(names)];
}

interface Panel {
  type: string;
  id: number;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
}

describe("grafana dashboard", () => {
  const exported = new Set(exportingDirs.flatMap((d) => sources(join(repoRoot, d))).flatMap((f) => exportedNames(readFileSync(f, "utf8"))));
  const dashboard = JSON.parse(readFileSync(dashboardPath, "utf8")) as { title: string; uid: string; panels: Panel[]; templating: { list: { name: string; type: string }[] } };

  it("finds the components' metrics in their sources (the check below has something to check against)", () => {
    for (const name of ["arkube_vdf_steps_per_second", "arkube_vdf_steps_produced_total", "arkube_vdf_step_compute_seconds_bucket", "arkube_mining_hashes_total", "arkube_packing_progress_ratio", "mining_rate", "arkube_cu_hot_processes", "arkube_cu_result_requests_evaluated_total"]) {
      assert.ok(exported.has(name), name);
    }
  });

  it("parses, has unique panel ids, a datasource variable and grid positions inside 24 columns", () => {
    assert.equal(dashboard.uid, "arkube-overview");
    assert.ok(dashboard.templating.list.some((v) => v.name === "datasource" && v.type === "datasource"));
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of dashboard.panels) assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, p.title);
    assert.ok(dashboard.panels.filter((p) => p.type === "timeseries").length >= 15);
  });

  it("queries only exported metrics, and covers vdf, node agent and cu", () => {
    const used = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesOf(t.expr).map((name) => ({ name, panel: p.title }))));
    const unknown = used.filter((u) => !exported.has(u.name));
    assert.deepEqual(unknown, [], "metrics no component exports");
    const names = new Set(used.map((u) => u.name));
    for (const prefix of ["arkube_vdf_", "arkube_packing_", "arkube_mining_", "arkube_sync_", "arkube_cu_"]) assert.ok([...names].some((n) => n.startsWith(prefix)), prefix);
  });

  it("the expression parser sees through functions, matchers and grouping (and catches a wrong name)", () => {
    assert.deepEqual(metricNamesOf('histogram_quantile(0.99, sum by (le, instance) (rate(arkube_vdf_verify_seconds_bucket{job="x"}[5m])))'), ["arkube_vdf_verify_seconds_bucket"]);
    assert.deepEqual(metricNamesOf("sum by (kind) (increase(arkube_mining_solutions_total[1h])) / arkube_mining_hashes_per_second"), ["arkube_mining_solutions_total", "arkube_mining_hashes_per_second"]);
    // A counter queried without the exporter's _total suffix does not exist.
    assert.equal(exported.has(metricNamesOf("rate(arkube_mining_solutions[5m])")[0]!), false);
  });
});
