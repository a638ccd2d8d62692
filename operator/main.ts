// The operator process: flags -> kubeconfig -> leader election -> controllers. Wiring only.
// Losing the lease exits the process (the Deployment restarts it as a standby): a leader that
// cannot prove it still leads must not keep writing.
import { KubeConfig } from "@kubernetes/client-node";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { startAOProcessController } from "./aoprocess/controller.ts";
import type { OperatorContext } from "./context.ts";
import { FlagError } from "./errors.ts";
import { parseFlags } from "./flags.ts";
import { startHashChainController } from "./hashchain/controller.ts";
import { createKubeClient } from "./kube/client.ts";
import { LeaderElector } from "./leader/election.ts";
import { jsonLogger } from "./log.ts";
import { otelMetrics } from "./metrics.ts";
import { startStorageControllers } from "./operator.ts";
import { requeueDelaysDefault } from "./reconcile/requeue.ts";

const workers = { replicaWorkers: 2, partitionWorkers: 8, aoProcessWorkers: 8, hashChainWorkers: 1 };
const writeConcurrencyMax = 16;

async function main(): Promise<void> {
  const log = jsonLogger();
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof FlagError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const kc = new KubeConfig();
  if (flags.kubeconfig !== undefined) kc.loadFromFile(flags.kubeconfig);
  else kc.loadFromDefault();
  const api = await createKubeClient(kc);
  const meterProvider = new MeterProvider({ readers: flags.metricsPort === 0 ? [] : [new PrometheusExporter({ port: flags.metricsPort })] });
  let elector: LeaderElector | undefined;
  const metrics = otelMetrics(meterProvider.getMeter("arkube-operator"), () => elector?.isLeader ?? !flags.leaderElect);
  const ctx: OperatorContext = { api, namespace: flags.namespace, log, delays: requeueDelaysDefault, now: () => new Date(), writeConcurrencyMax, metrics };
  const stops: (() => Promise<void>)[] = [];

  const run = async () => {
    const storage = await startStorageControllers(ctx, workers);
    stops.push(() => storage.stop());
    const ao = await startAOProcessController(ctx, { cuPodSelector: flags.cuPodSelector, workers: workers.aoProcessWorkers });
    stops.push(() => ao.stop());
    const hc = await startHashChainController(ctx, workers.hashChainWorkers);
    stops.push(() => hc.stop());
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
