// node-agent entry: node --import tsx node-agent/main.ts --config FILE
// Wiring only: config, logger, Prometheus exporter, the agent, its Kubernetes side (if configured), signals.
import { parseArgs } from "node:util";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { Agent } from "./agent.ts";
import { loadConfig } from "./config.ts";
import { jsonLogger } from "./log.ts";
import { verifyOffline } from "./verify-command.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, verify: { type: "string" }, disk: { type: "string" }, "from-slot": { type: "string" }, "to-slot": { type: "string" } } });
  if (values.config === undefined) {
    console.error("usage: node --import tsx node-agent/main.ts --config FILE [--verify PARTITION [--disk PATH] [--from-slot N] [--to-slot M]]");
    process.exit(2);
  }
  const log = jsonLogger();
  const config = loadConfig(values.config);
  if (values.verify !== undefined) {
    const slot = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    const report = await verifyOffline(config, Number(values.verify), slot(values["from-slot"]), slot(values["to-slot"]), log, values.disk);
    log({ event: "verify_done", ...report });
    process.exit(report.failures.length === 0 ? 0 : 1);
  }
  const readers = config.metricsPort === 0 ? [] : [new PrometheusExporter({ port: config.metricsPort, host: config.adminHost })];
  const provider = new MeterProvider({ readers });
  const agent = await Agent.start(config, { log, meter: provider.getMeter("arkube-node-agent") });
  // With a kubernetes section the Partitions of this node are the partition list (config.modules is empty).
  // Imported only then: @kubernetes/client-node costs a file-only agent (the devnet) ~0.6 s and memory.
  const kube = config.kubernetes === undefined ? undefined : await (await import("./kube/index.ts")).startKubernetes(agent, config, config.kubernetes, log);
  log({ event: "agent_ready", adminPort: agent.adminPort, kubernetesNamespace: kube?.namespace });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log({ event: "agent_signal", signal });
    // Status writes stop first, so a restarting agent leaves the last phase in place rather than Pending.
    Promise.resolve(kube?.stop())
      .then(() => agent.stop())
      .then(() => provider.shutdown())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log({ event: "agent_stop_failed", error: err });
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  jsonLogger()({ event: "agent_start_failed", error: err });
  process.exit(1);
});
