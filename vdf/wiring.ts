// Builds the service's dependencies from a parsed configuration. Shared by main.ts (the process) and
// in-process integration tests, so both run the same wiring.
import { hostname } from "node:os";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { CoordinationV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Meter } from "@opentelemetry/api";
import type { VdfConfig } from "./config.ts";
import { Elector } from "./leadership/elector.ts";
import { KubeLeaseStore } from "./leadership/kube-lease.ts";
import { NatsKvLeaseStore } from "./leadership/nats-kv.ts";
import type { LeaseStore } from "./leadership/types.ts";
import type { Logger } from "./log.ts";
import { VdfMetrics } from "./metrics.ts";
import { DerivedSeedSource, ListSeedSource, type SeedSource } from "./seeds.ts";
import { VdfService } from "./service.ts";
import { ensureStepStream, StepStore } from "./step-store.ts";

export interface Wiring {
  service: VdfService;
  elector: Elector;
  store: StepStore;
}

export function identityOf(config: VdfConfig): string {
  return config.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
}

export function seedSourceOf(config: VdfConfig): SeedSource {
  const seeds = config.chain.seeds;
  if (seeds.type === "derived") return new DerivedSeedSource(seeds.domain);
  return new ListSeedSource(seeds.seedsHex.map((h) => Buffer.from(h, "hex")), seeds.firstInterval);
}

async function leaseStoreOf(config: VdfConfig, nc: NatsConnection, kubeConfig: () => KubeConfig): Promise<LeaseStore> {
  const l = config.leadership;
  if (l.type === "nats-kv") return NatsKvLeaseStore.open(nc, config.chain.name, l.bucket);
  return new KubeLeaseStore(kubeConfig().makeApiClient(CoordinationV1Api), l.namespace, l.leaseName);
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export async function wire(
  config: VdfConfig,
  deps: { nc: NatsConnection; meter: Meter; log: Logger; kubeConfig?: () => KubeConfig },
): Promise<Wiring> {
  const jsm = await jetstreamManager(deps.nc);
  await ensureStepStream(jsm, config.chain.name, config.stream);
  const store = new StepStore(jsm, jetstream(deps.nc), config.chain.name);
  const identity = identityOf(config);
  const leaseStore = await leaseStoreOf(config, deps.nc, deps.kubeConfig ?? defaultKubeConfig);
  const elector = new Elector({ ...config.leadership, store: leaseStore, identity, log: deps.log });
  const service = new VdfService(
    {
      chain: config.chain.name,
      iterations: config.chain.iterationsPerCheckpoint,
      identity,
      genesis: { step: config.chain.startStep, output: Buffer.from(config.chain.genesisOutputHex, "hex") },
      verifyThreads: config.verifyThreads,
      catchUpStepsMax: config.catchUpStepsMax,
      publishTimeoutMs: config.publishTimeoutMs,
      publishRetryMs: config.publishRetryMs,
    },
    { nc: deps.nc, store, elector, seeds: seedSourceOf(config), metrics: new VdfMetrics(deps.meter), log: deps.log },
  );
  return { service, elector, store };
}
