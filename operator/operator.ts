// Wires informers to controllers for the storage side (Replica, Partition): which events wake which
// keys, a periodic resync, and an orderly stop. main.ts, the integration tests and the bench all start
// the operator through here, so they run the same code.
import type { Partition, Replica } from "../protocol/crds/index.ts";
import { replicaLabel } from "./constants.ts";
import type { Caches, ConfigMapObject, NodeObject, OperatorContext } from "./context.ts";
import { createInformer, type Informer } from "./kube/informer.ts";
import { resources } from "./kube/resources.ts";
import { reconcilePartition } from "./partition/reconcile.ts";
import { inventoryLabel } from "./placement/inventory.ts";
import { Controller } from "./reconcile/controller.ts";
import { reconcileReplica } from "./replica/reconcile.ts";

export interface StorageWorkers {
  replicaWorkers: number;
  partitionWorkers: number;
}

export const storageWorkersDefault: StorageWorkers = { replicaWorkers: 2, partitionWorkers: 8 };

export interface StorageControllers {
  caches: Caches;
  replicas: Controller;
  partitions: Controller;
  stop(): Promise<void>;
}

export async function startStorageControllers(ctx: OperatorContext, workers: StorageWorkers = storageWorkersDefault): Promise<StorageControllers> {
  const { api, log, namespace } = ctx;
  // The closures below run only after start(), when every const here is initialised.
  const replicas = new Controller({ kind: "Replica", log, metrics: ctx.metrics, workers: workers.replicaWorkers, reconcile: (k) => reconcileReplica(ctx, caches, k) });
  const parts = new Controller({ kind: "Partition", log, metrics: ctx.metrics, workers: workers.partitionWorkers, reconcile: (k) => reconcilePartition(ctx, caches, k) });
  const onNodeChange = (nodeName: string | undefined) => {
    for (const r of replicasInf.list()) replicas.enqueue(r.metadata.namespace, r.metadata.name);
    for (const p of partitions.list()) if (p.spec.nodeName === nodeName) parts.enqueue(p.metadata.namespace, p.metadata.name);
  };
  const replicasInf: Informer<Replica> = createInformer<Replica>({
    api, log, ref: resources.replica, namespace,
    onEvent: (_t, r) => {
      replicas.enqueue(r.metadata.namespace, r.metadata.name);
      // A Partition waiting for its Replica wakes when the Replica appears.
      for (const p of partitions.list()) if (p.spec.replicaName === r.metadata.name) parts.enqueue(p.metadata.namespace, p.metadata.name);
    },
  });
  const partitions: Informer<Partition> = createInformer<Partition>({
    api, log, ref: resources.partition, namespace,
    onEvent: (_t, p) => {
      parts.enqueue(p.metadata.namespace, p.metadata.name);
      replicas.enqueue(p.metadata.namespace, p.metadata.labels?.[replicaLabel]);
    },
  });
  const nodes = createInformer<NodeObject>({ api, log, ref: resources.node, onEvent: (_t, n) => onNodeChange(n.metadata.name) });
  const inventories = createInformer<ConfigMapObject>({
    api, log, ref: resources.configMap, namespace, labelSelector: `${inventoryLabel}=true`,
    onEvent: (_t, cm) => onNodeChange(cm.data?.["node"]),
  });
  const caches: Caches = { replicas: replicasInf, partitions, nodes, inventories };

  const informers = [nodes, inventories, replicasInf, partitions];
  try {
    for (const inf of informers) await inf.start();
  } catch (err) {
    for (const inf of informers) inf.stop();
    throw err;
  }
  replicas.start();
  parts.start();
  const resync = setInterval(() => {
    for (const r of replicasInf.list()) replicas.enqueue(r.metadata.namespace, r.metadata.name);
    for (const p of partitions.list()) parts.enqueue(p.metadata.namespace, p.metadata.name);
  }, ctx.delays.resyncMs);
  log({ event: "storage_controllers_started", namespace, replicas: replicasInf.list().length, partitions: partitions.list().length });
  return {
    caches, replicas, partitions: parts,
    async stop() {
      clearInterval(resync);
      for (const inf of informers) inf.stop();
      await Promise.all([replicas.stop(), parts.stop()]);
    },
  };
}
