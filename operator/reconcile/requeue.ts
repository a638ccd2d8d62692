// Named requeue delays. Watches drive almost everything; these cover waiting on things we cannot
// watch cheaply or that another party must finish.
export interface RequeueDelays {
  /** A Partition waits for its Replica to appear in the cache. */
  waitForParentMs: number;
  /** A deleting Replica waits for its Partitions' finalizers. */
  waitForDependentsMs: number;
  /** A deleting Partition (policy Delete) waits for the node agent to erase the data. */
  waitForDataEraseMs: number;
  /** Partitions that found no disk: retry in case capacity appeared without an event. */
  noCapacityMs: number;
  /** Every cached object is reconciled again this often (recovers dropped queue adds). */
  resyncMs: number;
}

export const requeueDelaysDefault: RequeueDelays = {
  waitForParentMs: 2_000,
  waitForDependentsMs: 1_000,
  waitForDataEraseMs: 5_000,
  noCapacityMs: 30_000,
  resyncMs: 600_000,
};

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export const done: ReconcileResult = {};
