// Pure placement of partition indices onto disks. Rules, in order:
//  1. Stable: a partition keeps its disk while the disk is eligible and within its slots. A packed
//     partition (hours of packing already spent) is never moved unless allowMovingPacked; it stays
//     "stranded" on an ineligible disk instead and is reported so a human can decide.
//  2. Capacity: a disk holds at most floor(capacity / partition size) partitions, and at most
//     maxPartitionsPerDisk when set.
//  3. One partition per disk first (every disk gets one before any gets two), then spread across
//     nodes (policy Spread: the node holding the fewest) or fill a node (policy Pack), then by name
//     so the result depends only on the input.
import { PlacementInputError } from "../errors.ts";

export interface Disk {
  node: string;
  path: string;
  capacityBytes: number;
}

export interface ExistingPartition {
  index: number;
  node: string;
  path: string;
  /** Holds packed data: moving it would throw that work away. */
  packed: boolean;
}

export type PlacementPolicy = "Spread" | "Pack";

export interface PlacementRequest {
  /** Desired partition indices. */
  indices: readonly number[];
  partitionSizeBytes: number;
  /** Eligible disks (node and disk selection already applied). */
  disks: readonly Disk[];
  existing: readonly ExistingPartition[];
  policy: PlacementPolicy;
  /** Undefined: capacity is the only limit. */
  maxPartitionsPerDisk?: number;
  allowMovingPacked: boolean;
}

export interface Assignment {
  index: number;
  node: string;
  path: string;
  /** Existed on another disk before this placement. */
  moved: boolean;
  /** Packed, kept on a disk that is no longer eligible or is over its slots. */
  stranded: boolean;
}

export type UnplacedReason = "NoCapacity";

export interface PlacementResult {
  /** Sorted by index. */
  assignments: Assignment[];
  unplaced: { index: number; reason: UnplacedReason }[];
  /** Existing partitions whose index is no longer desired. */
  removed: ExistingPartition[];
}

interface DiskState {
  disk: Disk;
  key: string;
  slots: number;
  used: number;
}

export function diskKey(node: string, path: string): string {
  return `${node}\u0000${path}`;
}

export function place(req: PlacementRequest): PlacementResult {
  validate(req);
  const disks = new Map<string, DiskState>();
  for (const disk of req.disks) {
    const bySize = Math.floor(disk.capacityBytes / req.partitionSizeBytes);
    const slots = Math.min(bySize, req.maxPartitionsPerDisk ?? Number.POSITIVE_INFINITY);
    disks.set(diskKey(disk.node, disk.path), { disk, key: diskKey(disk.node, disk.path), slots, used: 0 });
  }
  const nodeCounts = new Map<string, number>();
  const wanted = new Set(req.indices);
  const assignments = new Map<number, Assignment>();
  const removed = req.existing.filter((e) => !wanted.has(e.index));
  const toPlace: { index: number; from?: ExistingPartition }[] = [];

  // Packed partitions claim their slots before unpacked ones, so a shrunken disk keeps the packed.
  const kept = req.existing.filter((e) => wanted.has(e.index))
    .sort((a, b) => Number(b.packed) - Number(a.packed) || a.index - b.index);
  for (const e of kept) {
    const state = disks.get(diskKey(e.node, e.path));
    if (state !== undefined && state.used < state.slots) {
      take(state, nodeCounts);
      assignments.set(e.index, { index: e.index, node: e.node, path: e.path, moved: false, stranded: false });
    } else if (e.packed && !req.allowMovingPacked) {
      if (state !== undefined) take(state, nodeCounts);
      else nodeCounts.set(e.node, (nodeCounts.get(e.node) ?? 0) + 1);
      assignments.set(e.index, { index: e.index, node: e.node, path: e.path, moved: false, stranded: true });
    } else {
      toPlace.push({ index: e.index, from: e });
    }
  }
  const moving = new Set(toPlace.map((t) => t.index));
  for (const index of req.indices) {
    if (!assignments.has(index) && !moving.has(index)) toPlace.push({ index });
  }
  toPlace.sort((a, b) => a.index - b.index);

  const unplaced: PlacementResult["unplaced"] = [];
  const candidates = [...disks.values()];
  for (const item of toPlace) {
    const best = pickDisk(candidates, nodeCounts, req.policy);
    if (best === undefined) {
      unplaced.push({ index: item.index, reason: "NoCapacity" });
      continue;
    }
    take(best, nodeCounts);
    assignments.set(item.index, { index: item.index, node: best.disk.node, path: best.disk.path, moved: item.from !== undefined, stranded: false });
  }
  return { assignments: [...assignments.values()].sort((a, b) => a.index - b.index), unplaced, removed };
}

function take(state: DiskState, nodeCounts: Map<string, number>): void {
  state.used += 1;
  nodeCounts.set(state.disk.node, (nodeCounts.get(state.disk.node) ?? 0) + 1);
}

function pickDisk(disks: DiskState[], nodeCounts: Map<string, number>, policy: PlacementPolicy): DiskState | undefined {
  let best: DiskState | undefined;
  for (const d of disks) {
    if (d.used >= d.slots) continue;
    if (best === undefined || better(d, best, nodeCounts, policy)) best = d;
  }
  return best;
}

function better(a: DiskState, b: DiskState, nodeCounts: Map<string, number>, policy: PlacementPolicy): boolean {
  if (a.used !== b.used) return a.used < b.used;
  const na = nodeCounts.get(a.disk.node) ?? 0;
  const nb = nodeCounts.get(b.disk.node) ?? 0;
  if (na !== nb) return policy === "Spread" ? na < nb : na > nb;
  return a.key < b.key;
}

function validate(req: PlacementRequest): void {
  if (!Number.isSafeInteger(req.partitionSizeBytes) || req.partitionSizeBytes <= 0) {
    throw new PlacementInputError(`partitionSizeBytes must be a positive integer, got ${req.partitionSizeBytes}`);
  }
  if (req.maxPartitionsPerDisk !== undefined && !(req.maxPartitionsPerDisk >= 1)) {
    throw new PlacementInputError(`maxPartitionsPerDisk must be >= 1, got ${req.maxPartitionsPerDisk}`);
  }
  const indices = new Set<number>();
  for (const i of req.indices) {
    if (!Number.isSafeInteger(i) || i < 0) throw new PlacementInputError(`bad partition index ${i}`);
    if (indices.has(i)) throw new PlacementInputError(`partition index ${i} requested twice`);
    indices.add(i);
  }
  const seenDisks = new Set<string>();
  for (const d of req.disks) {
    const key = diskKey(d.node, d.path);
    if (seenDisks.has(key)) throw new PlacementInputError(`disk ${d.node}:${d.path} listed twice`);
    seenDisks.add(key);
  }
  const seenExisting = new Set<number>();
  for (const e of req.existing) {
    if (seenExisting.has(e.index)) throw new PlacementInputError(`existing partition ${e.index} listed twice`);
    seenExisting.add(e.index);
  }
}
