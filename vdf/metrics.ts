// OpenTelemetry instruments of the VDF service and its consumers. The Meter is injected (main.ts wires a
// Prometheus exporter); names start with arkube_ and carry their unit, as Prometheus expects.
import type { Counter, Histogram, Meter } from "@opentelemetry/api";

export type RejectReason =
  | "malformed"
  | "wrong-chain"
  | "difficulty"
  | "stale-term"
  | "out-of-order"
  | "conflict"
  | "session"
  | "forged";

// OpenTelemetry's default buckets (0..10000) suit milliseconds; these are seconds. A mainnet step takes
// ~1.2-2 s to compute and a fraction of that to verify; a loopback publish takes about a millisecond.
const stepSecondsBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5];
const publishSecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

/** Window over which arkube_vdf_steps_per_second averages. */
export const stepsPerSecondWindowMs = 10_000;

export class VdfMetrics {
  private readonly produced: Counter;
  private readonly compute: Histogram;
  private readonly publish: Histogram;
  private readonly verify: Histogram;
  private readonly leaderChanges: Counter;
  private readonly rejected: Counter;
  private readonly recentStepTimesMs: number[] = [];

  constructor(meter: Meter, private readonly now: () => number = () => performance.now()) {
    this.produced = meter.createCounter("arkube_vdf_steps_produced", { description: "VDF steps computed and published by this leader" });
    this.compute = meter.createHistogram("arkube_vdf_step_compute_seconds", { description: "Time to compute one VDF step", advice: { explicitBucketBoundaries: stepSecondsBuckets } });
    this.publish = meter.createHistogram("arkube_vdf_publish_latency_seconds", { description: "Publish to JetStream acknowledgement", advice: { explicitBucketBoundaries: publishSecondsBuckets } });
    this.verify = meter.createHistogram("arkube_vdf_verify_seconds", { description: "Time to verify one received step", advice: { explicitBucketBoundaries: stepSecondsBuckets } });
    this.leaderChanges = meter.createCounter("arkube_vdf_leader_changes", { description: "Leadership holder changes observed" });
    this.rejected = meter.createCounter("arkube_vdf_rejected_steps", { description: "Received steps rejected, by reason" });
    meter
      .createObservableGauge("arkube_vdf_steps_per_second", { description: `Steps produced per second over ${stepsPerSecondWindowMs} ms` })
      .addCallback((result) => result.observe(this.stepsPerSecond()));
  }

  stepProduced(chain: string, computeMs: number): void {
    this.produced.add(1, { chain });
    this.compute.record(computeMs / 1000, { chain });
    const t = this.now();
    this.recentStepTimesMs.push(t);
    while (this.recentStepTimesMs.length > 0 && this.recentStepTimesMs[0]! < t - stepsPerSecondWindowMs) this.recentStepTimesMs.shift();
  }

  published(chain: string, latencyMs: number): void {
    this.publish.record(latencyMs / 1000, { chain });
  }

  verified(chain: string, verifyMs: number): void {
    this.verify.record(verifyMs / 1000, { chain });
  }

  leaderChanged(chain: string, holder: string): void {
    this.leaderChanges.add(1, { chain, holder });
  }

  rejectedStep(chain: string, reason: RejectReason): void {
    this.rejected.add(1, { chain, reason });
  }

  stepsPerSecond(): number {
    const t = this.now();
    const recent = this.recentStepTimesMs.filter((s) => s >= t - stepsPerSecondWindowMs);
    return recent.length / (stepsPerSecondWindowMs / 1000);
  }
}
