// The I/O a compute pod depends on, as interfaces: the assignment log (the scheduler's stream), the
// results, and checkpoints. NATS implements them in production; memory-stores.ts for unit tests.
import type { AssignmentFields, DataItem } from "../../protocol/ao/index.ts";
import type { EvalResult } from "../evaluator/types.ts";

/** One scheduled message: the assignment the scheduler signed and the message it assigned. */
export interface ScheduledEntry {
  readonly assignmentId: string;
  readonly assignment: AssignmentFields;
  /** The process's own item at nonce 0. */
  readonly message: DataItem;
}

export interface AssignmentLog {
  /** Entries with fromNonce <= nonce <= toNonce (inclusive; open-ended when absent), in nonce order. */
  read(processId: string, fromNonce: number, toNonce?: number): AsyncIterable<ScheduledEntry>;
  /** The highest assigned nonce, or undefined for an unknown process. */
  lastNonce(processId: string): Promise<number | undefined>;
  /** Nonce of a message within a process, if it was assigned to it. */
  nonceOf(processId: string, messageId: string): Promise<number | undefined>;
}

export interface StoredResult {
  readonly processId: string;
  readonly nonce: number;
  readonly messageId: string;
  readonly timestamp: number;
  readonly blockHeight: number;
  /** The instance trapped on this message: the state after it equals the state before it. */
  readonly trapped: boolean;
  readonly result: EvalResult;
}

/** The result of a generated cron message (compute/cron.ts): the `tick`th one after scheduled `nonce`. */
export interface StoredCronResult {
  readonly processId: string;
  readonly nonce: number;
  readonly tick: number;
  /** Which cron fired, e.g. "0-10-seconds". */
  readonly cron: string;
  readonly timestamp: number;
  readonly blockHeight: number;
  readonly trapped: boolean;
  readonly result: EvalResult;
}

export interface ResultStore {
  /** Idempotent: evaluation is deterministic, so a re-evaluated nonce writes the same value. */
  put(result: StoredResult): Promise<void>;
  get(processId: string, nonce: number): Promise<StoredResult | undefined>;
  putCron(result: StoredCronResult): Promise<void>;
  getCron(processId: string, nonce: number, tick: number): Promise<StoredCronResult | undefined>;
}

/** Where the fold is: after scheduled `nonce` and the first `tick` cron messages of the gap after it. */
export interface FoldPosition {
  readonly nonce: number;
  /** Absent for the scheduled message itself. */
  readonly tick?: number;
}

/**
 * Cron progress at a checkpoint: the clock the gap after its nonce starts from (highest Timestamp and
 * Block-Height scheduled so far) and how many of that gap's ticks the image already holds.
 */
export interface CronProgress {
  readonly ticks: number;
  readonly timestampMs: number;
  readonly blockHeight: number;
}

export interface Checkpoint {
  readonly processId: string;
  /** The last nonce applied to the memory image. */
  readonly nonce: number;
  /** Absent in checkpoints written before cron support: no ticks, the clock of `nonce`'s assignment. */
  readonly cron?: CronProgress;
  readonly memoryBytes: number;
  /** gzip of the sparse page image of linear memory (evaluator/image.ts). */
  readonly compressed: Uint8Array;
}

export interface CheckpointStore {
  put(checkpoint: Checkpoint): Promise<void>;
  /** The latest checkpoint with nonce <= atMostNonce (any, when absent). */
  latest(processId: string, atMostNonce?: number): Promise<Checkpoint | undefined>;
}

/** Where a result's Messages and Spawns go before the result is stored (see messenger/outbox.ts). */
export interface Outbox {
  /** Idempotent per (process, position): publishing the same result again changes nothing downstream. */
  publish(processId: string, position: FoldPosition, result: EvalResult): Promise<void>;
}

/** A position as text: the nonce, or "<nonce>+cron<tick>" (outbox anchors, logs, object names). */
export function positionLabel(position: FoldPosition): string {
  return position.tick === undefined ? String(position.nonce) : `${position.nonce}+cron${position.tick}`;
}
