// Pure: the part of a Partition's status the agent owns (operator/README.md: phase, packedBytes,
// progressPercent, the rates, hashrate, lastError, dataErased, its own conditions and
// observedGeneration), computed from what the agent knows of the partition, and when to apply it:
// at once when the phase, the error or a condition changes, otherwise at most every interval.
import type { Condition, PartitionStatus } from "../../protocol/crds/index.ts";
import { setConditions, type ConditionInput } from "../../operator/reconcile/conditions.ts";
import type { PartitionReport } from "../agent.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import { agentConditionTypes } from "./names.ts";

export type Phase = NonNullable<PartitionStatus["phase"]>;

/** The CRD caps status.lastError at 4096 characters. */
export const lastErrorCharsMax = 4096;

export type AgentStatusInput =
  | { type: "held"; report: PartitionReport }
  /** Listed for this node but not held yet (the agent is opening the set). */
  | { type: "pending" }
  | { type: "rejected"; reason: string }
  | { type: "erased" };

/** Pure: the phase of a held partition. */
export function phaseOf(r: PartitionReport): Phase {
  if (r.state === "failed") return "Failed";
  if (r.state !== "open") return "Pending";
  const stored = r.storedChunks > 0;
  if (r.sync === "caughtUp") return stored ? (r.mining ? "Mining" : "Packing") : "Pending";
  if (r.sync === "running") return stored ? "Packing" : "Syncing";
  return stored ? "Packing" : "Pending";
}

function conditionsOf(input: AgentStatusInput): ConditionInput[] {
  if (input.type === "rejected") {
    return [
      { type: "DiskHealthy", status: "Unknown", reason: "UnsupportedSpec", message: input.reason },
      { type: "Synced", status: "False", reason: "UnsupportedSpec", message: "not held by this node's agent" },
      { type: "Mining", status: "False", reason: "UnsupportedSpec", message: "not held by this node's agent" },
    ];
  }
  if (input.type !== "held") {
    return [
      { type: "DiskHealthy", status: "Unknown", reason: "NotOpen", message: "the storage module is not open" },
      { type: "Synced", status: "False", reason: "NotOpen", message: "the storage module is not open" },
      { type: "Mining", status: "False", reason: "NotOpen", message: "the storage module is not open" },
    ];
  }
  const r = input.report;
  if (r.state === "failed") {
    const f = r.failure!;
    return [
      { type: "DiskHealthy", status: "False", reason: f.reason, message: f.message.slice(0, lastErrorCharsMax) },
      { type: "Synced", status: "False", reason: "DiskFailed", message: "stopped: the disk failed" },
      { type: "Mining", status: "False", reason: "DiskFailed", message: "stopped: the disk failed" },
    ];
  }
  const synced: ConditionInput =
    r.sync === "caughtUp"
      ? { type: "Synced", status: "True", reason: "CaughtUp", message: "every slot the weave reaches was fetched and packed" }
      : r.targetChunks === undefined
        ? { type: "Synced", status: "False", reason: "WaitingForBlockIndex", message: "no peer's block index yet" }
        : { type: "Synced", status: "False", reason: "Syncing", message: "fetching and packing chunks" };
  const mining: ConditionInput = !r.mining
    ? { type: "Mining", status: "False", reason: "MiningDisabled", message: "mining.enabled is false on this node" }
    : phaseOf(r) === "Mining"
      ? { type: "Mining", status: "True", reason: "Hashing", message: "mined on every VDF step" }
      : { type: "Mining", status: "False", reason: "NotSynced", message: "mining starts once the partition is caught up" };
  return [{ type: "DiskHealthy", status: "True", reason: "NoErrors", message: "reads, writes and sampled verification succeed" }, synced, mining];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Pure: the status fields to apply. `previous` is the object's current conditions (only ours are
 * used) so lastTransitionTime moves only when a condition's status flips.
 */
export function partitionStatus(input: AgentStatusInput, generation: number, previous: readonly Condition[] | undefined, now: Date): PartitionStatus {
  const mine = (previous ?? []).filter((c) => (agentConditionTypes as readonly string[]).includes(c.type));
  if (input.type === "erased") return { observedGeneration: generation, dataErased: true };
  const conditions = setConditions(mine, conditionsOf(input), generation, now);
  if (input.type === "pending") return { observedGeneration: generation, phase: "Pending", packedBytes: 0, progressPercent: 0, conditions };
  if (input.type === "rejected") return { observedGeneration: generation, phase: "Failed", lastError: input.reason.slice(0, lastErrorCharsMax), conditions };
  const r = input.report;
  const status: PartitionStatus = {
    observedGeneration: generation,
    phase: phaseOf(r),
    packedBytes: r.storedChunks * CHUNK_BYTES,
    progressPercent: r.targetChunks === undefined || r.targetChunks === 0 ? 0 : round2(Math.min(100, (100 * r.storedChunks) / r.targetChunks)),
    syncBytesPerSecond: Math.round(r.rates.syncBytesPerSecond),
    packingBytesPerSecond: Math.round(r.rates.packingBytesPerSecond),
    hashrate: round2(r.rates.hashesPerSecond),
    conditions,
  };
  if (r.failure !== undefined) status.lastError = `${r.failure.reason}: ${r.failure.message}`.slice(0, lastErrorCharsMax);
  return status;
}

/** The facts whose change is applied at once (a phase change, a new error, a condition flip). */
function urgentKey(s: PartitionStatus): string {
  const conditions = (s.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.observedGeneration]);
  return JSON.stringify([s.observedGeneration, s.phase, s.lastError, s.dataErased, conditions]);
}

/** Everything but condition times (which setConditions keeps stable anyway). */
function fullKey(s: PartitionStatus): string {
  return JSON.stringify({ ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastTransitionTime: undefined })) });
}

export interface AppliedStatus {
  status: PartitionStatus;
  atMs: number;
}

/** Pure: whether to apply `next` now, given what was applied last (rate bound: intervalMs). */
export function applyDue(last: AppliedStatus | undefined, next: PartitionStatus, nowMs: number, intervalMs: number): boolean {
  if (last === undefined) return true;
  if (urgentKey(last.status) !== urgentKey(next)) return true;
  return fullKey(last.status) !== fullKey(next) && nowMs - last.atMs >= intervalMs;
}
