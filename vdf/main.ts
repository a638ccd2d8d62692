// The vdf service process: `node --import tsx vdf/main.ts --config FILE`. Wiring only: config, NATS,
// the metrics/health endpoints (http.ts), signals. SIGTERM/SIGINT release the lease so a standby takes
// over at once.
import { parseArgs } from "node:util";
import { connect } from "@nats-io/transport-node";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { loadConfig } from "./config.ts";
import { startHttpEndpoints, type HttpEndpoints } from "../protocol/http/endpoints.ts";
import { jsonLogger } from "./log.ts";
import { identityOf, wire } from "./wiring.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  if (values.config === undefined) {
    console.error("usage: node --import tsx vdf/main.ts --config FILE");
    process.exit(2);
  }
  const config = loadConfig(values.config);
  const log = jsonLogger();
  const exporter = config.metricsPort === 0 ? undefined : new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: exporter === undefined ? [] : [exporter] });
  const nc = await connect({ servers: config.natsUrl, name: `arkube-vdf-${identityOf(config)}` });
  const { service } = await wire(config, { nc, meter: meterProvider.getMeter("arkube-vdf"), log });
  // Up once NATS and the step stream are: launchers that wait for /metrics (devnet) rely on that order;
  // in Kubernetes the startup probe covers the time before.
  const http: HttpEndpoints | undefined = exporter === undefined ? undefined : await startHttpEndpoints({
    port: config.metricsPort, host: config.metricsHost, metrics: (req, res) => exporter.getMetricsRequestHandler(req, res), ready: () => service.ready && !nc.isClosed(),
  });
  const stop = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop.abort());
  let exitCode = 0;
  try {
    await service.run(stop.signal);
  } catch (err) {
    log({ event: "vdf_fatal", err });
    exitCode = 1;
  } finally {
    await http?.close();
    await nc.drain().catch(() => undefined);
    await meterProvider.shutdown().catch(() => undefined);
  }
  process.exit(exitCode);
}

await main();
