// The assignment log on JetStream: one stream, one subject per process (arkube.ao.assign.<pid>),
// nonce n = the (n+1)th message on that subject. Exactly-once nonces come from the server: every
// append publishes with Nats-Expected-Last-Subject-Sequence = the sequence of the head it chained
// from, so of two concurrent appends on the same head exactly one is stored; the other re-reads the
// head and retries. Nats-Msg-Id = message id drops resubmissions inside the duplicate window, and a
// KV index (message id -> process/nonce) answers them after it. Reading from nonce n starts at n's
// stream sequence, found by a binary search over the subject (seq-search.ts), not by a scan from 0.
import type { JetStreamClient, JetStreamManager, MsgRequest } from "@nats-io/jetstream";
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { DataItem, DataItemSigner } from "../../protocol/ao/index.ts";
import type { AssignmentLog, ScheduledEntry } from "../compute/stores.ts";
import { CorruptLogError, NonceConflictError } from "../errors.ts";
import { ensureStream } from "../nats/ensure.ts";
import { nextAssignment, signAssignment, type AssignmentClock, type ChainHead } from "./assign.ts";
import { decodeEntry, encodeEntry } from "./codec.ts";
import { seqOfNonce, type Probed } from "./seq-search.ts";

export const assignmentStream = "ARKUBE_AO_ASSIGNMENTS";
export const assignmentSubjectPrefix = "arkube.ao.assign";
export const messageIndexBucket = "arkube-ao-message-index";
const duplicateWindowNs = 120 * 1e9;
/** Concurrent appends to one process each lose at most once per winner; this bounds the retries. */
export const appendAttemptsMax = 64;
const indexLookupAttemptsMax = 20;
const indexLookupPollMs = 25;

export function assignmentSubject(processId: string): string {
  return `${assignmentSubjectPrefix}.${processId}`;
}

export interface Appended {
  readonly entry: ScheduledEntry;
  /** True when this message had already been assigned (the earlier assignment is returned). */
  readonly duplicate: boolean;
}

interface IndexValue {
  readonly processId: string;
  readonly nonce: number;
}

export class JetStreamAssignmentLog implements AssignmentLog {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly index: KV,
  ) {}

  static async open(nc: NatsConnection, replicas = 1): Promise<JetStreamAssignmentLog> {
    const jsm = await jetstreamManager(nc);
    // Pods open the log at the same time: ensureStream tolerates losing the creation race.
    await ensureStream(jsm, { name: assignmentStream, subjects: [`${assignmentSubjectPrefix}.>`], duplicate_window: duplicateWindowNs, num_replicas: replicas });
    const index = await new Kvm(nc).create(messageIndexBucket, { replicas });
    return new JetStreamAssignmentLog(jetstream(nc), jsm, index);
  }

  /** Assigns the next nonce of `processId` to `message` (nonce 0 when it is the process's own item). */
  async append(processId: string, message: DataItem, signer: DataItemSigner, clock: () => AssignmentClock): Promise<Appended> {
    const known = await this.lookup(message.id);
    if (known !== undefined) return { entry: await this.entryAt(known.processId, known.nonce), duplicate: true };
    for (let attempt = 1; attempt <= appendAttemptsMax; attempt++) {
      const head = await this.head(processId);
      const messageId = head === undefined ? undefined : message.id;
      const fields = nextAssignment(processId, head?.chain, messageId, clock());
      const assignment = signAssignment(fields, signer);
      try {
        const ack = await this.js.publish(assignmentSubject(processId), encodeEntry(assignment, message), {
          msgID: message.id,
          expect: { lastSubjectSequence: head?.seq ?? 0 },
        });
        if (ack.duplicate) return { entry: await this.entryOfDuplicate(processId, message.id), duplicate: true };
        await this.index.put(indexKey(message.id), JSON.stringify({ processId, nonce: fields.nonce } satisfies IndexValue));
        return { entry: { assignmentId: assignment.id, assignment: fields, message }, duplicate: false };
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new NonceConflictError(processId, appendAttemptsMax);
  }

  async lastNonce(processId: string): Promise<number | undefined> {
    return (await this.head(processId))?.chain.nonce;
  }

  async nonceOf(processId: string, messageId: string): Promise<number | undefined> {
    if (messageId === processId) return (await this.lastNonce(processId)) === undefined ? undefined : 0;
    const known = await this.lookup(messageId);
    return known?.processId === processId ? known.nonce : undefined;
  }

  async *read(processId: string, fromNonce: number, toNonce?: number): AsyncIterable<ScheduledEntry> {
    const head = await this.head(processId);
    if (head === undefined) return;
    const end = Math.min(head.chain.nonce, toNonce ?? head.chain.nonce);
    if (fromNonce > end) return;
    const startSeq = fromNonce === 0 ? undefined : await this.seqOf(processId, fromNonce, head);
    const consumer = await this.js.consumers.get(assignmentStream, {
      filter_subjects: assignmentSubject(processId),
      ...(startSeq === undefined ? {} : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
    });
    const messages = await consumer.consume();
    let nonce = fromNonce - 1;
    try {
      for await (const msg of messages) {
        nonce++;
        const entry = decodeEntry(msg.data);
        if (entry.assignment.nonce !== nonce) throw new CorruptLogError(`${processId}: entry ${nonce} says nonce ${entry.assignment.nonce}`);
        yield entry;
        if (nonce >= end) break;
      }
    } finally {
      await messages.close();
      await consumer.delete().catch(() => undefined);
    }
  }

  /** The entry at one nonce: a binary search for its sequence and one direct read, no consumer. */
  async entryAt(processId: string, nonce: number): Promise<ScheduledEntry> {
    const head = await this.head(processId);
    if (head === undefined || nonce > head.chain.nonce) throw new CorruptLogError(`${processId} has no nonce ${nonce}`);
    const stored = await this.jsm.streams.getMessage(assignmentStream, { seq: await this.seqOf(processId, nonce, head) });
    const entry = stored === null ? undefined : decodeEntry(stored.data);
    if (entry?.assignment.nonce !== nonce) throw new CorruptLogError(`${processId}: the entry found for nonce ${nonce} says ${entry?.assignment.nonce}`);
    return entry;
  }

  async streamInfo(): Promise<{ messages: number }> {
    const info = await this.jsm.streams.info(assignmentStream);
    return { messages: info.state.messages };
  }

  private async head(processId: string): Promise<{ chain: ChainHead; seq: number } | undefined> {
    const stored = await this.jsm.streams.getMessage(assignmentStream, { last_by_subj: assignmentSubject(processId) }).catch((err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.NoMessageFound) return null;
      throw err;
    });
    if (stored === null) return undefined;
    const entry = decodeEntry(stored.data);
    const { nonce, hashChain, timestamp, blockHeight } = entry.assignment;
    return { chain: { nonce, assignmentId: entry.assignmentId, hashChain, timestamp, blockHeight }, seq: stored.seq };
  }

  private seqOf(processId: string, nonce: number, head: { chain: ChainHead; seq: number }): Promise<number> {
    const subject = assignmentSubject(processId);
    return seqOfNonce(nonce, { seq: head.seq, nonce: head.chain.nonce }, async (seq): Promise<Probed | undefined> => {
      // STREAM.MSG.GET's next_by_subj (nats-server 2.9+): the first message of the subject at or after seq.
      const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const stored = await this.jsm.streams.getMessage(assignmentStream, query);
      return stored === null ? undefined : { seq: stored.seq, nonce: decodeEntry(stored.data).assignment.nonce };
    });
  }

  private async lookup(messageId: string): Promise<IndexValue | undefined> {
    const found = await this.index.get(indexKey(messageId));
    if (found === null || found.operation !== "PUT") return undefined;
    return found.json<IndexValue>();
  }

  /**
   * A duplicate's winner writes the index right after its publish: wait for it, bounded. A winner
   * that crashed in between never writes it; then the entry is found by scanning the process's log
   * and the index is repaired, so the resubmission succeeds instead of failing forever.
   */
  private async entryOfDuplicate(processId: string, messageId: string): Promise<ScheduledEntry> {
    for (let attempt = 0; attempt < indexLookupAttemptsMax; attempt++) {
      const known = await this.lookup(messageId);
      if (known !== undefined) return this.entryAt(known.processId, known.nonce);
      await new Promise((resolve) => setTimeout(resolve, indexLookupPollMs));
    }
    for await (const entry of this.read(processId, 0)) {
      if (entry.message.id !== messageId) continue;
      await this.index.put(indexKey(messageId), JSON.stringify({ processId, nonce: entry.assignment.nonce } satisfies IndexValue));
      return entry;
    }
    throw new CorruptLogError(`message ${messageId} is a duplicate but is not in ${processId}'s log`);
  }
}

function indexKey(messageId: string): string {
  return `msg.${messageId}`;
}

function isWrongLastSequence(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}
