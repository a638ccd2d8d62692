// Which reported disks a Replica may use: node selection (explicit nodes, or a label selector),
// taints against tolerations (a cordoned node counts as tainted NoSchedule), then disk selection
// (explicit paths per node, or a path filter). Pure.
import type { ReplicaSpec } from "../../protocol/crds/index.ts";
import type { NodeInventory } from "./inventory.ts";
import type { Disk } from "./placement.ts";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
}

type Storage = NonNullable<ReplicaSpec["storage"]>;
type Toleration = NonNullable<Storage["tolerations"]>[number];

// Taints the node lifecycle controller sets while a node is down. They describe a passing condition,
// not an admin's intent: honouring them would move unpacked partitions off a node during a reboot.
const transientTaints = new Set(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);
const cordonTaint: Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export function eligibleDisks(storage: Storage | undefined, nodes: readonly NodeInfo[], inventories: readonly NodeInventory[]): Disk[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const explicit = new Map((storage?.nodes ?? []).map((n) => [n.name, n.diskPaths]));
  const filter = storage?.diskPathFilter !== undefined ? new RegExp(storage.diskPathFilter) : undefined;
  const out: Disk[] = [];
  for (const inv of inventories) {
    const node = byName.get(inv.node);
    if (node === undefined || !nodeSelected(node, storage, explicit) || !tolerated(node, storage?.tolerations ?? [])) continue;
    const paths = explicit.get(node.name);
    for (const disk of inv.disks) {
      if (paths !== undefined && paths.length > 0 && !paths.includes(disk.path)) continue;
      if (filter !== undefined && !filter.test(disk.path)) continue;
      out.push({ node: node.name, path: disk.path, capacityBytes: disk.capacityBytes });
    }
  }
  return out.sort((a, b) => (a.node === b.node ? (a.path < b.path ? -1 : 1) : a.node < b.node ? -1 : 1));
}

function nodeSelected(node: NodeInfo, storage: Storage | undefined, explicit: Map<string, unknown>): boolean {
  if (explicit.size > 0) return explicit.has(node.name);
  for (const [k, v] of Object.entries(storage?.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  return true;
}

function tolerated(node: NodeInfo, tolerations: Toleration[]): boolean {
  const taints = node.unschedulable ? [...node.taints, cordonTaint] : node.taints;
  // PreferNoSchedule is a preference, not a bar, as for the scheduler.
  return taints.filter((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !transientTaints.has(t.key))
    .every((t) => tolerations.some((tol) => tolerates(tol, t)));
}

function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect !== undefined && tol.effect !== "" && tol.effect !== taint.effect) return false;
  if ((tol.operator ?? "Equal") === "Exists") return tol.key === undefined || tol.key === "" || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? "") === (taint.value ?? "");
}

export interface DiskUsage {
  node: string;
  path: string;
  bytes: number;
}

/** Disks as one Replica sees them: capacity minus what other Replicas' partitions already take. */
export function withoutUsage(disks: readonly Disk[], usage: readonly DiskUsage[]): Disk[] {
  const used = new Map<string, number>();
  for (const u of usage) used.set(`${u.node}\u0000${u.path}`, (used.get(`${u.node}\u0000${u.path}`) ?? 0) + u.bytes);
  return disks.map((d) => ({ ...d, capacityBytes: Math.max(0, d.capacityBytes - (used.get(`${d.node}\u0000${d.path}`) ?? 0)) }));
}
