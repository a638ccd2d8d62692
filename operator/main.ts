// The operator process: flags -> kubeconfig -> metrics/health endpoints -> leader election -> (the
// default HashChain) -> controllers. Wiring only. Losing the lease exits the process (the Deployment
// restarts it as a standby): a leader that cannot prove it still leads must not keep writing.
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { startAOProcessController } from "./aoprocess/controller.ts";
import type { OperatorContext } from "./context.ts";
import { DefaultHashChainError, FlagError } from "./errors.ts";
import { parseFlags, type OperatorFlags } from "./flags.ts";
import { startHashChainController } from "./hashchain/controller.ts";
import { applyDefaultHashChain, parseDefaultHashChain } from "./hashchain/default.ts";
import { startHttpEndpoints } from "../protocol/http/endpoints.ts";
import { createKubeClient } from "./kube/client.ts";
import { LeaderElector } from "./leader/election.ts";
import { jsonLogger } from "./log.ts";
import { otelMetrics } from "./metrics.ts";
import { startStorageControllers } from "./operator.ts";
import { requeueDelaysDefault } from "./reconcile/requeue.ts";

const workers = { replicaWorkers: 2, partitionWorkers: 8, aoProcessWorkers: 8, hashChainWorkers: 1 };
const writeConcurrencyMax = 16;

/** Flags and the default HashChain file, checked before anything starts: a bad one exits with 2. */
function configure(): { flags: OperatorFlags; defaultHashChain: string | undefined } {
  try {
    const flags = parseFlags(process.argv.slice(2), process.env);
    if (flags.defaultHashChain === undefined) return { flags, defaultHashChain: undefined };
    let text: string;
    try {
      text = readFileSync(flags.defaultHashChain, "utf8");
    } catch (err) {
      throw new DefaultHashChainError(`cannot read --default-hashchain ${flags.defaultHashChain}: ${(err as Error).message}`);
    }
    parseDefaultHashChain(text, flags.namespace);
    return { flags, defaultHashChain: text };
  } catch (err) {
    if (err instanceof FlagError || err instanceof DefaultHashChainError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const log = jsonLogger();
  const { flags, defaultHashChain } = configure();
  const kc = new KubeConfig();
  if (flags.kubeconfig !== undefined) kc.loadFromFile(flags.kubeconfig);
  else kc.loadFromDefault();
  const api = await createKubeClient(kc);
  const exporter = flags.metricsPort === 0 ? undefined : new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: exporter === undefined ? [] : [exporter] });
  // A standby waiting for the lease is ready (it can take over); a new leader is not until its
  // controllers have listed everything.
  let state: "standby" | "starting" | "running" = flags.leaderElect ? "standby" : "starting";
  // Ready: a standby waiting for the lease, or a leader whose controllers have synced their caches (not
  // while a new leader is still listing).
  const http = exporter === undefined ? undefined : await startHttpEndpoints({ port: flags.metricsPort, host: "0.0.0.0", metrics: (req, res) => exporter.getMetricsRequestHandler(req, res), ready: () => state !== "starting" });
  let elector: LeaderElector | undefined;
  const metrics = otelMetrics(meterProvider.getMeter("arkube-operator"), () => elector?.isLeader ?? !flags.leaderElect);
  const ctx: OperatorContext = { api, namespace: flags.namespace, log, delays: requeueDelaysDefault, now: () => new Date(), writeConcurrencyMax, metrics };
  const stops: (() => Promise<void>)[] = [];

  const run = async () => {
    state = "starting";
    if (defaultHashChain !== undefined) await applyDefaultHashChain(api, defaultHashChain, flags.namespace, log);
    const storage = await startStorageControllers(ctx, workers);
    stops.push(() => storage.stop());
    const ao = await startAOProcessController(ctx, { cuPodSelector: flags.cuPodSelector, workers: workers.aoProcessWorkers });
    stops.push(() => ao.stop());
    const hc = await startHashChainController(ctx, { workers: workers.hashChainWorkers, natsUrl: flags.natsUrl });
    stops.push(() => hc.stop());
    state = "running";
    log({ event: "operator_running", namespace: flags.namespace, identity: flags.identity });
  };
  const fail = (err: unknown) => {
    log({ event: "operator_failed", error: (err as Error).message });
    process.exit(1);
  };

  if (flags.leaderElect) {
    elector = new LeaderElector({
      api, namespace: flags.namespace, name: flags.leaseName, identity: flags.identity, log, now: () => new Date(),
      onStartedLeading: () => void run().catch(fail),
      onStoppedLeading: () => fail(new Error("lost the leader lease")),
    });
    elector.start();
  } else {
    await run();
  }

  const shutdown = async (signal: string) => {
    log({ event: "operator_stopping", signal });
    for (const stop of stops.reverse()) await stop();
    await elector?.stop({ release: true });
    await http?.close();
    await meterProvider.shutdown().catch(() => undefined);
    api.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ event: "operator_crashed", error: (err as Error).stack ?? String(err) }));
  process.exit(1);
});
