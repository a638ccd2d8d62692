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

export interface ResultStore {
  /** Idempotent: evaluation is deterministic, so a re-evaluated nonce writes the same value. */
  put(result: StoredResult): Promise<void>;
  get(processId: string, nonce: number): Promise<StoredResult | undefined>;
}

export interface Checkpoint {
  readonly processId: string;
  /** The last nonce applied to the memory image. */
  readonly nonce: number;
  readonly memoryBytes: number;
  /** gzip of the sparse page image of linear memory (evaluator/image.ts). */
  readonly compressed: Uint8Array;
}

export interface CheckpointStore {
  put(checkpoint: Checkpoint): Promise<void>;
  /** The checkpoint with the highest nonce <= atMostNonce (any, when absent). */
  latest(processId: string, atMostNonce?: number): Promise<Checkpoint | undefined>;
}

/** Where a result's Messages and Spawns go before the result is stored (see messenger/outbox.ts). */
export interface Outbox {
  /** Idempotent per (process, nonce): publishing the same result again changes nothing downstream. */
  publish(processId: string, nonce: number, result: EvalResult): Promise<void>;
}
