// In-memory implementations of the compute stores, for unit tests of the runner and for the bench's
// reference runs. Production wiring uses the NATS stores.
import type { EvalResult } from "../evaluator/types.ts";
import {
  positionLabel,
  type AssignmentLog,
  type Checkpoint,
  type CheckpointStore,
  type FoldPosition,
  type Outbox,
  type ResultStore,
  type ScheduledEntry,
  type StoredCronResult,
  type StoredResult,
} from "./stores.ts";

export class MemoryAssignmentLog implements AssignmentLog {
  private readonly entries = new Map<string, ScheduledEntry[]>();

  append(entry: ScheduledEntry): void {
    const list = this.entries.get(entry.assignment.process) ?? [];
    if (entry.assignment.nonce !== list.length) throw new Error(`nonce ${entry.assignment.nonce} != ${list.length}`);
    list.push(entry);
    this.entries.set(entry.assignment.process, list);
  }

  async *read(processId: string, fromNonce: number, toNonce?: number): AsyncIterable<ScheduledEntry> {
    const list = this.entries.get(processId) ?? [];
    for (const entry of list.slice(fromNonce, toNonce === undefined ? undefined : toNonce + 1)) yield entry;
  }

  async lastNonce(processId: string): Promise<number | undefined> {
    const list = this.entries.get(processId);
    return list === undefined ? undefined : list.length - 1;
  }

  async nonceOf(processId: string, messageId: string): Promise<number | undefined> {
    return this.entries.get(processId)?.find((entry) => entry.message.id === messageId)?.assignment.nonce;
  }
}

export class MemoryResultStore implements ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private readonly cronResults = new Map<string, StoredCronResult>();

  async put(result: StoredResult): Promise<void> {
    this.results.set(`${result.processId}/${result.nonce}`, result);
  }

  async get(processId: string, nonce: number): Promise<StoredResult | undefined> {
    return this.results.get(`${processId}/${nonce}`);
  }

  async putCron(result: StoredCronResult): Promise<void> {
    this.cronResults.set(`${result.processId}/${result.nonce}/${result.tick}`, result);
  }

  async getCron(processId: string, nonce: number, tick: number): Promise<StoredCronResult | undefined> {
    return this.cronResults.get(`${processId}/${nonce}/${tick}`);
  }
}

export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, Checkpoint[]>();

  async put(checkpoint: Checkpoint): Promise<void> {
    const list = this.checkpoints.get(checkpoint.processId) ?? [];
    list.push(checkpoint);
    list.sort((a, b) => a.nonce - b.nonce || (a.cron?.ticks ?? 0) - (b.cron?.ticks ?? 0));
    this.checkpoints.set(checkpoint.processId, list);
  }

  async latest(processId: string, atMostNonce?: number): Promise<Checkpoint | undefined> {
    const list = this.checkpoints.get(processId) ?? [];
    return list.filter((c) => atMostNonce === undefined || c.nonce <= atMostNonce).at(-1);
  }
}

/** Keeps what was published, keyed by process/position (a republished position replaces its entry). */
export class MemoryOutbox implements Outbox {
  readonly published = new Map<string, EvalResult>();

  async publish(processId: string, position: FoldPosition, result: EvalResult): Promise<void> {
    if (result.Messages.length > 0 || result.Spawns.length > 0) this.published.set(`${processId}/${positionLabel(position)}`, result);
  }
}
