// Publishes this node's data disks as the ConfigMap arkube-inventory-<node> in the operator's format
// (operator/placement/inventory.ts, operator/README.md): server-side apply with the field manager
// arkube-node-agent. The disks are re-read every interval; the ConfigMap is applied when they change,
// and again now and then so a deleted ConfigMap comes back without a restart.
import { basename } from "node:path";
import type { KubeApi } from "../../operator/kube/client.ts";
import { resources } from "../../operator/kube/resources.ts";
import { inventoryConfigMap, inventoryDisksMax, type InventoryDisk, type NodeInventory } from "../../operator/placement/inventory.ts";
import type { DiskInfo } from "../inventory.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../timers.ts";
import { agentFieldManager } from "./names.ts";

/** An unchanged inventory is applied again after this long (heals a deleted or edited ConfigMap). */
export const inventoryReapplyMs = 600_000;

/**
 * Pure: the operator's inventory of a node from the disks found under the data roots. A disk in
 * `failedRoots` (a module on it failed with a write, read or corruption error) is left out: the operator
 * then sees its Partitions on an ineligible disk and places them elsewhere, and puts nothing new there
 * until the failure is retried (arkube.dev/retry) or the agent restarts.
 */
export function nodeInventoryOf(node: string, disks: readonly DiskInfo[], failedRoots: ReadonlySet<string> = new Set()): NodeInventory {
  const sorted = [...disks].filter((d) => !failedRoots.has(d.mountPoint)).sort((a, b) => a.mountPoint.localeCompare(b.mountPoint)).slice(0, inventoryDisksMax);
  return {
    node,
    disks: sorted.map((d) => {
      const disk: InventoryDisk = { path: d.mountPoint, capacityBytes: d.usableBytes };
      // mountinfo names the block device (/dev/sdb1); overlay, tmpfs and bind mounts have none.
      if (d.source.startsWith("/dev/")) disk.device = basename(d.source);
      if (d.rotational !== undefined) disk.rotational = d.rotational;
      return disk;
    }),
  };
}

export interface InventoryPublisherOptions {
  api: KubeApi;
  namespace: string;
  node: string;
  intervalMs: number;
  /** The disks now (node-agent/inventory.ts over the config's dataRoots). */
  disks: () => Promise<DiskInfo[]>;
  /** Data roots whose disk failed under a held module. */
  failedRoots: () => ReadonlySet<string>;
  log: Logger;
}

export class InventoryPublisher {
  private lastJson: string | undefined;
  private lastAppliedAtMs = -Infinity;
  /** Times the ConfigMap was applied (tests and logs). */
  applied = 0;

  constructor(private readonly opts: InventoryPublisherOptions) {}

  /** Reads the disks and applies the ConfigMap if due; errors are logged and retried next round. */
  async publishOnce(): Promise<void> {
    const { opts } = this;
    let inv: NodeInventory;
    try {
      inv = nodeInventoryOf(opts.node, await opts.disks(), opts.failedRoots());
    } catch (err) {
      opts.log({ event: "inventory_read_failed", error: err });
      return;
    }
    const json = JSON.stringify(inv);
    if (json === this.lastJson && performance.now() - this.lastAppliedAtMs < inventoryReapplyMs) return;
    try {
      await opts.api.apply(resources.configMap, inventoryConfigMap(opts.namespace, inv), { fieldManager: agentFieldManager });
    } catch (err) {
      opts.log({ event: "inventory_apply_failed", error: err });
      return;
    }
    if (json !== this.lastJson) opts.log({ event: "inventory_published", node: opts.node, disks: inv.disks.length });
    this.lastJson = json;
    this.lastAppliedAtMs = performance.now();
    this.applied += 1;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.publishOnce();
      await sleep(this.opts.intervalMs, signal);
    }
  }
}
