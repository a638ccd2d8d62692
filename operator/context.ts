// What every controller's reconcile gets: the API, the caches (informers), the namespace, a logger,
// the requeue delays and a clock. Built by main.ts (or a test) and passed in; nothing global.
import type { V1Node } from "@kubernetes/client-node";
import type { Partition, Replica } from "../protocol/crds/index.ts";
import type { KubeApi, KubeObject } from "./kube/client.ts";
import type { Informer } from "./kube/informer.ts";
import type { Logger } from "./log.ts";
import type { ControllerMetrics } from "./metrics.ts";
import type { RequeueDelays } from "./reconcile/requeue.ts";

export type NodeObject = KubeObject & Pick<V1Node, "spec">;
export type ConfigMapObject = KubeObject & { data?: Record<string, string> };

export interface Caches {
  replicas: Informer<Replica>;
  partitions: Informer<Partition>;
  nodes: Informer<NodeObject>;
  inventories: Informer<ConfigMapObject>;
}

export interface OperatorContext {
  api: KubeApi;
  namespace: string;
  log: Logger;
  delays: RequeueDelays;
  now: () => Date;
  /** Concurrent writes one reconcile may have in flight (e.g. applying a Replica's Partitions). */
  writeConcurrencyMax: number;
  /** Defaults to no metrics. */
  metrics?: ControllerMetrics;
}

/** Runs fn over items with at most `limit` in flight; rejects with the first error after all settle. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError !== undefined) throw firstError;
}
