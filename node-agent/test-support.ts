// Helpers shared by node-agent tests (not part of the public surface): metrics read back in memory,
// temp dirs, a synthetic weave with its HTTP server, and waits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataPointType, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { Meter } from "@opentelemetry/api";
import { AgentMetrics } from "./metrics.ts";

class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface MemoryMeter {
  meter: Meter;
  /** Sum of a counter's points whose attributes include `attrs`. */
  counter(name: string, attrs?: Record<string, string>): Promise<number>;
  /** Gauge points of `name`, attributes and value. */
  gauge(name: string): Promise<{ attributes: Record<string, unknown>; value: number }[]>;
}

export interface MemoryMetrics extends MemoryMeter {
  metrics: AgentMetrics;
}

export function memoryMetrics(): MemoryMetrics {
  const m = memoryMeter();
  return { ...m, metrics: new AgentMetrics(m.meter) };
}

/** A meter whose instruments can be read back (what an agent under test is given). */
export function memoryMeter(): MemoryMeter {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const find = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  };
  return {
    meter: provider.getMeter("test"),
    async counter(name, attrs = {}) {
      const m = await find(name);
      if (m === undefined || m.dataPointType !== DataPointType.SUM) return 0;
      return m.dataPoints
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
        .reduce((sum, p) => sum + (p.value as number), 0);
    },
    async gauge(name) {
      const m = await find(name);
      if (m === undefined || m.dataPointType !== DataPointType.GAUGE) return [];
      return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }));
    },
  };
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, pollMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
