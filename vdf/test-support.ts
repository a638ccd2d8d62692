// Helpers shared by the vdf tests (not part of the public surface): an in-memory metric reader, step
// message construction, and small waits.
import { MeterProvider, MetricReader, DataPointType } from "@opentelemetry/sdk-metrics";
import type { VdfStepMessage } from "../protocol/vdf/index.ts";
import { VdfMetrics } from "./metrics.ts";
import type { ComputedStep } from "./producer.ts";

class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface MemoryMetrics {
  metrics: VdfMetrics;
  /** Sum of a counter's data points whose attributes include `attrs`. */
  counter(name: string, attrs?: Record<string, string>): Promise<number>;
  /** Number of samples recorded in a histogram. */
  histogramCount(name: string): Promise<number>;
}

export function memoryMetrics(): MemoryMetrics {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = new VdfMetrics(provider.getMeter("test"));
  const points = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    const found = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return found;
  };
  return {
    metrics,
    async counter(name, attrs = {}) {
      const m = await points(name);
      if (m === undefined || m.dataPointType !== DataPointType.SUM) return 0;
      return m.dataPoints
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
        .reduce((sum, p) => sum + (p.value as number), 0);
    },
    async histogramCount(name) {
      const m = await points(name);
      if (m === undefined || m.dataPointType !== DataPointType.HISTOGRAM) return 0;
      return m.dataPoints.reduce((sum, p) => sum + (p.value as { count: number }).count, 0);
    },
  };
}

export function messageOf(chain: string, iterations: number, s: ComputedStep, term: number, leader = "test"): VdfStepMessage {
  return { ...s, chain, difficulty: iterations, term, leader, timeMs: Date.now() };
}

/** A copy with one checkpoint byte flipped (and the output kept consistent if it was the last one). */
export function forge(m: VdfStepMessage, checkpoint: number): VdfStepMessage {
  const checkpoints = m.checkpoints.map((c) => Buffer.from(c));
  checkpoints[checkpoint]![0]! ^= 0xff;
  return { ...m, checkpoints, output: checkpoints[checkpoints.length - 1]! };
}

export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
