// The durable outbox: every Message and Spawn a result produces is published to JetStream (stream
// ARKUBE_AO_OUTBOX) BEFORE the result is stored, so a stored result always has its outbox behind
// it; a crash in between re-evaluates the nonce and republishes the same items (same ids), which
// Nats-Msg-Id and then the assignment log's message index drop. Subjects are
// arkube.ao.outbox.<partition>.<source pid>: one partition per source process keeps its outbox in order.
import { createHash } from "node:crypto";
import { jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { DataItemSigner } from "../../protocol/ao/index.ts";
import { positionLabel, type FoldPosition, type Outbox } from "../compute/stores.ts";
import type { EvalResult } from "../evaluator/types.ts";
import type { Logger } from "../log.ts";
import { ensureStream } from "../nats/ensure.ts";
import { outboxItems } from "./compose.ts";

export const outboxStream = "ARKUBE_AO_OUTBOX";
export const outboxSubjectPrefix = "arkube.ao.outbox";
/** Delivery runs one in-order lane per partition; more partitions, more parallel lanes. */
export const outboxPartitions = 8;
/** Republished items inside this window are dropped by the server; later ones by the message index. */
const outboxDuplicateWindowNs = 300 * 1e9;

export function outboxPartition(processId: string): number {
  return (createHash("sha256").update(processId).digest()[0] ?? 0) % outboxPartitions;
}

export function outboxSubject(processId: string): string {
  return `${outboxSubjectPrefix}.${outboxPartition(processId)}.${processId}`;
}

export async function ensureOutboxStream(nc: NatsConnection, replicas: number): Promise<void> {
  await ensureStream(await jetstreamManager(nc), {
    name: outboxStream,
    subjects: [`${outboxSubjectPrefix}.>`],
    retention: RetentionPolicy.Workqueue,
    duplicate_window: outboxDuplicateWindowNs,
    num_replicas: replicas,
  });
}

export class JetStreamOutbox implements Outbox {
  private readonly js: JetStreamClient;
  private publishedTotal = 0;
  private rejectedTotal = 0;

  private constructor(
    nc: NatsConnection,
    private readonly signer: DataItemSigner,
    private readonly logger: Logger,
  ) {
    this.js = jetstream(nc);
  }

  static async open(nc: NatsConnection, signer: DataItemSigner, logger: Logger, replicas = 1): Promise<JetStreamOutbox> {
    await ensureOutboxStream(nc, replicas);
    return new JetStreamOutbox(nc, signer, logger);
  }

  async publish(processId: string, position: FoldPosition, result: EvalResult): Promise<void> {
    if (result.Messages.length === 0 && result.Spawns.length === 0) return;
    const label = positionLabel(position);
    const { items, rejected } = outboxItems(processId, label, result, this.signer);
    for (const r of rejected) {
      this.rejectedTotal++;
      this.logger.warn({ event: "cu.outbox.rejected", processId, position: label, kind: r.kind, index: r.index, reason: r.reason });
    }
    // One at a time: the stream's order is the delivery order within the partition.
    for (const out of items) {
      await this.js.publish(outboxSubject(processId), out.item.bytes, { msgID: out.item.id });
      this.publishedTotal++;
    }
  }

  metricsText(): string {
    return [
      "# TYPE arkube_cu_outbox_published_total counter",
      `arkube_cu_outbox_published_total ${this.publishedTotal}`,
      "# TYPE arkube_cu_outbox_rejected_total counter",
      `arkube_cu_outbox_rejected_total ${this.rejectedTotal}`,
      "",
    ].join("\n");
  }
}
