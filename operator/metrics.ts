// OpenTelemetry instruments of the operator (the Meter is injected; main.ts wires the Prometheus
// exporter). Controllers report through the small ControllerMetrics interface so the reconcile
// framework does not depend on OpenTelemetry.
import type { Meter } from "@opentelemetry/api";

export type ReconcileOutcome = "ok" | "error" | "conflict";

export interface ControllerMetrics {
  reconciled(controller: string, outcome: ReconcileOutcome, seconds: number): void;
  /** Registers a queue whose depth (ready + delayed keys) is read at each scrape. */
  queue(controller: string, depth: () => number): void;
}

export const noMetrics: ControllerMetrics = { reconciled: () => undefined, queue: () => undefined };

const secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function otelMetrics(meter: Meter, isLeader: () => boolean): ControllerMetrics {
  const reconciles = meter.createCounter("arkube_operator_reconciles_total", { description: "Reconciles by controller and outcome" });
  const duration = meter.createHistogram("arkube_operator_reconcile_duration_seconds", {
    description: "Time per reconcile", unit: "s", advice: { explicitBucketBoundaries: secondsBuckets },
  });
  const queues = new Map<string, () => number>();
  meter.createObservableGauge("arkube_operator_queue_depth", { description: "Keys waiting in a controller's work queue" })
    .addCallback((result) => {
      for (const [controller, depth] of queues) result.observe(depth(), { controller });
    });
  meter.createObservableGauge("arkube_operator_leader", { description: "1 while this replica holds the leader lease" })
    .addCallback((result) => result.observe(isLeader() ? 1 : 0));
  return {
    reconciled(controller, outcome, seconds) {
      reconciles.add(1, { controller, outcome });
      duration.record(seconds, { controller });
    },
    queue(controller, depth) {
      queues.set(controller, depth);
    },
  };
}
