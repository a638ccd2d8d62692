import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { otelMetrics } from "./metrics.ts";
import { Controller } from "./reconcile/controller.ts";

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function points(rm: ResourceMetrics, name: string): { attributes: Record<string, unknown>; value: unknown }[] {
  for (const scope of rm.scopeMetrics) {
    for (const m of scope.metrics) if (m.descriptor.name === name) return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
  }
  return [];
}

describe("operator metrics", () => {
  it("counts reconciles by outcome, times them, and reports queue depth and leadership", async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = otelMetrics(provider.getMeter("test"), () => true);
    let n = 0;
    const c = new Controller({
      kind: "Replica", workers: 1, log: () => undefined, metrics,
      reconcile: async () => {
        n++;
        if (n === 1) throw new Error("boom");
        return {};
      },
      queueBounds: { keysMax: 10, backoffBaseMs: 1, backoffMaxMs: 1 },
    });
    c.start();
    c.enqueue("ns", "a");
    for (let i = 0; i < 200 && n < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await c.stop();
    const { resourceMetrics } = await reader.collect();
    const counts = points(resourceMetrics, "arkube_operator_reconciles_total").map((p) => [p.attributes["outcome"], p.value]).sort();
    assert.deepEqual(counts, [["error", 1], ["ok", 1]]);
    assert.equal(points(resourceMetrics, "arkube_operator_reconcile_duration_seconds").length, 1);
    assert.deepEqual(points(resourceMetrics, "arkube_operator_queue_depth"), [{ attributes: { controller: "Replica" }, value: 0 }]);
    assert.deepEqual(points(resourceMetrics, "arkube_operator_leader"), [{ attributes: {}, value: 1 }]);
    await provider.shutdown();
  });
});
