// The agent's Kubernetes side: watches the Partitions of its namespace (list + watch with 410
// recovery, the operator's informer), hands the ones placed on this node to the agent as its
// partition list, erases the data of Partitions deleted with deletionPolicy Delete, applies each
// Partition's status (bounded rate) and publishes the node's disk inventory.
import type { Partition, Replica } from "../../protocol/crds/index.ts";
import type { KubeApi } from "../../operator/kube/client.ts";
import { createInformer, type Informer } from "../../operator/kube/informer.ts";
import { resources } from "../../operator/kube/resources.ts";
import { KubeApiError } from "../../operator/errors.ts";
import type { PartitionTarget } from "../agent.ts";
import type { DiskInfo } from "../inventory.ts";
import type { Logger } from "../log.ts";
import { wakeableSleep } from "../timers.ts";
import { InventoryPublisher } from "./inventory-publisher.ts";
import { agentFieldManager } from "./names.ts";
import { applyDue, partitionStatus, type AgentStatusInput, type AppliedStatus } from "./partition-status.ts";
import { isUnder, nodePartitions, sharedWithLive, type AgentLimits, type NodePartitions } from "./partitions.ts";

/** How often the statuses are recomputed (applies are bounded by statusIntervalMs, or happen on a phase change). */
export const statusTickMs = 1_000;
/** The partition list is re-derived this often even without watch events (retries a failed erase). */
export const partitionResyncMs = 30_000;

export interface NodeControllerOptions {
  api: KubeApi;
  namespace: string;
  node: string;
  limits: AgentLimits;
  target: PartitionTarget;
  statusIntervalMs: number;
  inventoryIntervalMs: number;
  disks: () => Promise<DiskInfo[]>;
  log: Logger;
  now?: () => Date;
}

export class NodeController {
  private readonly informer: Informer<Partition>;
  private readonly replicas: Informer<Replica>;
  private readonly inventory: InventoryPublisher;
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private current: NodePartitions = { assignments: [], rejected: new Map(), toErase: [] };
  /** uids whose data this process erased (status.dataErased goes out with the next status tick). */
  private readonly erased = new Set<string>();
  private readonly applied = new Map<string, AppliedStatus>();
  private dirty = true;
  private wakeSync: () => void = () => undefined;

  constructor(private readonly opts: NodeControllerOptions) {
    this.informer = createInformer<Partition>({
      api: opts.api,
      ref: resources.partition,
      namespace: opts.namespace,
      log: opts.log,
      onEvent: (_type, p) => {
        if (p.spec?.nodeName !== opts.node) return;
        this.dirty = true;
        this.wakeSync();
      },
    });
    // Replicas only for their mining address: a change re-derives the list.
    this.replicas = createInformer<Replica>({
      api: opts.api,
      ref: resources.replica,
      namespace: opts.namespace,
      log: opts.log,
      onEvent: () => {
        this.dirty = true;
        this.wakeSync();
      },
    });
    this.inventory = new InventoryPublisher({ api: opts.api, namespace: opts.namespace, node: opts.node, intervalMs: opts.inventoryIntervalMs, disks: opts.disks, failedRoots: () => opts.target.failedDiskRoots(), log: opts.log });
  }

  /** Publishes the inventory, lists the Partitions and applies this node's list once before resolving. */
  async start(): Promise<void> {
    await this.inventory.publishOnce();
    await this.replicas.start();
    await this.informer.start();
    await this.syncOnce();
    const signal = this.stopping.signal;
    this.loops.push(this.syncLoop(signal), this.statusLoop(signal), this.inventory.run(signal));
    this.opts.log({ event: "kube_node_controller_started", node: this.opts.node, namespace: this.opts.namespace, partitions: this.current.assignments.length });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.informer.stop();
    this.replicas.stop();
    this.wakeSync();
    await Promise.allSettled(this.loops);
  }

  private mine(): Partition[] {
    return this.informer.list().filter((p) => p.spec?.nodeName === this.opts.node);
  }

  private async syncOnce(): Promise<void> {
    this.dirty = false;
    const addressOf = (name: string) => this.replicas.get(name, this.opts.namespace)?.spec.miningAddress.address;
    const next = nodePartitions(this.opts.node, this.informer.list(), this.opts.limits, addressOf);
    this.current = next;
    await this.opts.target.setPartitions(next.assignments);
    for (const p of next.toErase) await this.erase(p, next);
  }

  private async erase(p: Partition, next: NodePartitions): Promise<void> {
    const uid = p.metadata.uid ?? "";
    if (this.erased.has(uid)) return;
    if (sharedWithLive(p, next.assignments)) {
      // Another live Partition of this node holds the same index on the same disk: the bytes are its now.
      this.opts.log({ event: "partition_erase_skipped", partition: p.metadata.name, index: p.spec.index, why: "held by another Partition" });
    } else if (!this.opts.limits.dataRoots.some((r) => isUnder(p.spec.diskPath, r))) {
      // Never held here (refused): nothing of this agent's lives there.
      this.opts.log({ event: "partition_erase_skipped", partition: p.metadata.name, index: p.spec.index, why: "disk outside dataRoots" });
    } else {
      await this.opts.target.erase(p.spec.index, p.spec.diskPath);
    }
    this.erased.add(uid);
  }

  private async syncLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!this.dirty) {
        const pause = wakeableSleep(partitionResyncMs, signal);
        this.wakeSync = pause.wake;
        await pause.done;
        this.wakeSync = () => undefined;
        if (signal.aborted) return;
      }
      try {
        await this.syncOnce();
      } catch (err) {
        this.dirty = true;
        this.opts.log({ event: "kube_partitions_sync_failed", error: err });
        await wakeableSleep(statusTickMs, signal).done;
      }
    }
  }

  private inputOf(p: Partition): AgentStatusInput | undefined {
    const uid = p.metadata.uid ?? "";
    if (p.metadata.deletionTimestamp !== undefined) return this.erased.has(uid) ? { type: "erased" } : undefined;
    const rejected = this.current.rejected.get(uid);
    if (rejected !== undefined) return { type: "rejected", reason: rejected };
    const assigned = this.current.assignments.find((a) => a.partition === p.spec.index && a.root === p.spec.diskPath);
    const report = assigned === undefined ? undefined : this.opts.target.report(p.spec.index);
    return report === undefined || report.root !== p.spec.diskPath ? { type: "pending" } : { type: "held", report };
  }

  private async statusLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await wakeableSleep(statusTickMs, signal).done;
      const live = new Set<string>();
      for (const p of this.mine()) {
        if (signal.aborted) return;
        live.add(p.metadata.uid ?? "");
        await this.reportOne(p);
      }
      // Forget Partitions that are gone (bounded memory over a long life).
      for (const uid of this.applied.keys()) if (!live.has(uid)) this.applied.delete(uid);
      for (const uid of this.erased) if (!live.has(uid)) this.erased.delete(uid);
    }
  }

  private async reportOne(p: Partition): Promise<void> {
    const input = this.inputOf(p);
    if (input === undefined) return;
    const uid = p.metadata.uid ?? "";
    const now = (this.opts.now ?? (() => new Date()))();
    const status = partitionStatus(input, p.metadata.generation ?? 0, p.status?.conditions, now);
    const before = this.applied.get(uid);
    if (!applyDue(before, status, now.getTime(), this.opts.statusIntervalMs)) return;
    try {
      await this.opts.api.apply(
        resources.partition,
        { metadata: { name: p.metadata.name, namespace: p.metadata.namespace }, status } as never,
        { fieldManager: agentFieldManager, subresource: "status" },
      );
      this.applied.set(uid, { status, atMs: now.getTime() });
      if (status.phase !== before?.status.phase || status.lastError !== before?.status.lastError || status.dataErased === true) {
        this.opts.log({ event: "partition_status_applied", partition: p.metadata.name, phase: status.phase, dataErased: status.dataErased, lastError: status.lastError });
      }
    } catch (err) {
      // Gone meanwhile (404): nothing to report. Anything else is retried on the next tick.
      if (!(err instanceof KubeApiError && err.status === 404)) this.opts.log({ event: "partition_status_apply_failed", partition: p.metadata.name, error: err });
    }
  }
}
