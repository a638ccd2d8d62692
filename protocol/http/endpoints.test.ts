// The probe and metrics endpoints over a real HTTP server and the real Prometheus exporter (vdf's metrics).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { VdfMetrics } from "../../vdf/metrics.ts";
import { startHttpEndpoints } from "./endpoints.ts";

test("/healthz answers, /readyz follows the service, /metrics is the exporter", async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  new VdfMetrics(provider.getMeter("test")).stepProduced("probe", 5);
  let ready = false;
  const http = await startHttpEndpoints({ port: 0, host: "127.0.0.1", metrics: (req, res) => exporter.getMetricsRequestHandler(req, res), ready: () => ready });
  const get = async (path: string, method = "GET") => {
    const res = await fetch(`http://127.0.0.1:${http.port}${path}`, { method });
    return { status: res.status, body: await res.text() };
  };
  try {
    assert.deepEqual(await get("/healthz"), { status: 200, body: "ok\n" });
    assert.equal((await get("/readyz")).status, 503);
    ready = true;
    assert.deepEqual(await get("/readyz"), { status: 200, body: "ok\n" });
    const metrics = await get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /arkube_vdf_steps_produced_total\{chain="probe"[^}]*\} 1/);
    assert.equal((await get("/nope")).status, 404);
    assert.equal((await get("/healthz", "POST")).status, 405);
  } finally {
    await http.close();
    await provider.shutdown();
  }
});
