// Which partitions this agent holds, and where: the desired list comes from a PartitionSource (the
// config file's `modules`, or the Partition objects placed on this node), and the pure planner below
// turns "held" + "desired" into the modules to close and to open. Both sources go through the same
// planner and the same ModuleSet, so the config-file agent and the Kubernetes agent share one path.

export interface PartitionAssignment {
  partition: number;
  /** Data root (a disk's mount point) the module directory goes under. */
  root: string;
  /**
   * Changes when the source changes the assignment (a Partition's metadata.generation; "config" for
   * the file). A Failed module is opened again only on a new revision: a broken disk is not retried
   * in a loop, but an operator (or a re-placement) can ask for another attempt.
   */
  revision: string;
}

/** Why a held partition stopped: the Partition status's lastError reason. */
export type FailureReason = "OpenFailed" | "WriteError" | "ReadError" | "CorruptData";

/** Failures that condemn the disk itself (OpenFailed is usually a refused assignment, not the disk). */
export const diskFailureReasons: ReadonlySet<FailureReason> = new Set(["WriteError", "ReadError", "CorruptData"]);

export interface ModuleFailure {
  reason: FailureReason;
  message: string;
  /** Wall-clock ms (Date.now()) of the failure. */
  atMs: number;
}

export interface HeldPartition {
  assignment: PartitionAssignment;
  failed: boolean;
}

export interface ModuleChanges {
  /** Partitions whose module must be closed (gone from the list, moved to another root, or retried). */
  close: number[];
  /** Assignments to open (new, moved, or a failed one with a new revision). */
  open: PartitionAssignment[];
  /** Held and unchanged but for the revision: keep the module, remember the new revision. */
  update: PartitionAssignment[];
}

/**
 * Pure: what to close and open so the held set matches `desired`. A partition listed twice keeps its
 * first entry (sources resolve duplicates before, this only keeps the planner total).
 */
export function planChanges(held: ReadonlyMap<number, HeldPartition>, desired: readonly PartitionAssignment[]): ModuleChanges {
  const want = new Map<number, PartitionAssignment>();
  for (const a of desired) if (!want.has(a.partition)) want.set(a.partition, a);
  const changes: ModuleChanges = { close: [], open: [], update: [] };
  for (const [partition, h] of held) {
    const w = want.get(partition);
    if (w === undefined || w.root !== h.assignment.root || (h.failed && w.revision !== h.assignment.revision)) changes.close.push(partition);
    else if (w.revision !== h.assignment.revision) changes.update.push(w);
  }
  for (const [partition, w] of want) {
    if (!held.has(partition) || changes.close.includes(partition)) changes.open.push(w);
  }
  changes.close.sort((a, b) => a - b);
  changes.open.sort((a, b) => a.partition - b.partition);
  return changes;
}

/** The config file's modules as assignments (one fixed revision: a restart is the only retry). */
export function staticAssignments(modules: readonly { partition: number; root: string }[]): PartitionAssignment[] {
  return modules.map((m) => ({ partition: m.partition, root: m.root, revision: "config" }));
}

/** Pure: the failure reason of an error raised by a module operation of the given kind. */
export function failureOf(kind: "open" | "write" | "read", err: unknown, atMs: number): ModuleFailure {
  const reason: FailureReason = kind === "open" ? "OpenFailed" : kind === "write" ? "WriteError" : "ReadError";
  return { reason, message: String((err as Error | undefined)?.message ?? err), atMs };
}
