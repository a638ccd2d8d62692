// Delivery of the outbox: every pod runs one pull loop per outbox partition on a shared durable
// consumer with max_ack_pending 1, so across the cluster each partition has one item in flight and a
// source process's items are assigned in the order it produced them. An item is acked only after the
// scheduler assigned it (or reported it as already assigned); a pod that dies mid-item leaves it
// unacked and JetStream redelivers it to another pod after ackWaitMs. Never twice: the assignment
// log refuses a message id it already holds.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { parseDataItem, type DataItem } from "../../protocol/ao/index.ts";
import { CuError, UnknownProcessError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { ensureConsumer } from "../nats/ensure.ts";
import type { Appended } from "../scheduler/jetstream-log.ts";
import { ensureOutboxStream, outboxPartitions, outboxStream, outboxSubjectPrefix } from "./outbox.ts";

export interface MessengerBounds {
  /** An unacked item is redelivered after this long (covers a pod killed mid-delivery). */
  readonly ackWaitMs: number;
  /** Delay before retrying an item that failed for a transient reason (NATS, nonce conflicts). */
  readonly retryDelayMs: number;
}

export const messengerBoundsDefault: MessengerBounds = Object.freeze({ ackWaitMs: 5_000, retryDelayMs: 250 });

export interface MessengerDeps {
  readonly nc: NatsConnection;
  /** Assigns a verified item (Scheduler.schedule). */
  readonly schedule: (item: DataItem) => Promise<Appended>;
  /** Told after each assignment so the target's owner evaluates it; best effort. */
  readonly delivered: (processId: string) => void;
  readonly bounds: MessengerBounds;
  readonly logger: Logger;
  readonly replicas: number;
}

export function messengerConsumer(partition: number): string {
  return `arkube-cu-messenger-${partition}`;
}

export class Messenger {
  private readonly lanes: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  private deliveredTotal = 0;
  private duplicateTotal = 0;
  private deadTotal = 0;
  private stopped = false;

  constructor(private readonly deps: MessengerDeps) {}

  async start(): Promise<void> {
    const { nc, bounds, replicas } = this.deps;
    await ensureOutboxStream(nc, replicas);
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    for (let p = 0; p < outboxPartitions; p++) {
      const durable = messengerConsumer(p);
      await ensureConsumer(jsm, outboxStream, {
        durable_name: durable,
        filter_subject: `${outboxSubjectPrefix}.${p}.>`,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: bounds.ackWaitMs * 1e6,
        max_ack_pending: 1,
        max_deliver: -1,
      });
      const consumer = await js.consumers.get(outboxStream, durable);
      const lane = await consumer.consume({ max_messages: 1 });
      this.lanes.push(lane);
      this.loops.push(this.run(lane, p));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const lane of this.lanes) await lane.close().catch(() => undefined);
    await Promise.all(this.loops);
  }

  metricsText(): string {
    return [
      "# TYPE arkube_cu_messenger_delivered_total counter",
      `arkube_cu_messenger_delivered_total ${this.deliveredTotal}`,
      "# TYPE arkube_cu_messenger_duplicates_total counter",
      `arkube_cu_messenger_duplicates_total ${this.duplicateTotal}`,
      "# TYPE arkube_cu_messenger_dead_letters_total counter",
      `arkube_cu_messenger_dead_letters_total ${this.deadTotal}`,
      "",
    ].join("\n");
  }

  private async run(lane: ConsumerMessages, partition: number): Promise<void> {
    try {
      for await (const msg of lane) {
        if (this.stopped) break;
        await this.deliver(msg, partition);
      }
    } catch (err) {
      if (!this.stopped) this.deps.logger.error({ event: "cu.messenger.lane_failed", partition, error: String(err) });
    }
  }

  private async deliver(msg: JsMsg, partition: number): Promise<void> {
    const { logger, bounds } = this.deps;
    let item: DataItem;
    try {
      item = parseDataItem(msg.data);
    } catch (err) {
      // Only this code writes the outbox; an unparsable item is corruption, not a retryable failure.
      this.deadTotal++;
      logger.error({ event: "cu.messenger.corrupt_item", partition, seq: msg.seq, error: String(err) });
      await msg.ackAck();
      return;
    }
    try {
      const appended = await this.deps.schedule(item);
      await msg.ackAck();
      if (appended.duplicate) this.duplicateTotal++;
      else this.deliveredTotal++;
      logger.info({ event: "cu.messenger.delivered", messageId: item.id, processId: appended.entry.assignment.process, nonce: appended.entry.assignment.nonce, duplicate: appended.duplicate });
      this.deps.delivered(appended.entry.assignment.process);
    } catch (err) {
      // 4xx: the item can never be assigned. The usual case is a Send to a wallet (aos answers its
      // owner): only processes have schedulers, so it ends here, as on the reference network. A
      // process learns another's id only after that one was assigned, so "not yet spawned" cannot occur.
      if (err instanceof CuError && err.httpStatus < 500) {
        this.deadTotal++;
        const event = err instanceof UnknownProcessError ? "cu.messenger.not_a_process" : "cu.messenger.dead_letter";
        logger.info({ event, messageId: item.id, code: err.code, error: err.message });
        // Acked, not termed: on the work queue an ack removes it (the log line is the dead letter).
        await msg.ackAck();
        return;
      }
      logger.warn({ event: "cu.messenger.retry", messageId: item.id, deliveries: msg.info.deliveryCount, error: String(err) });
      msg.nak(bounds.retryDelayMs);
    }
  }
}
