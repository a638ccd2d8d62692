// The chain's JetStream stream: bounded retention of recent steps, one subject per step number so any
// stored step is one lookup away. Publishing through JetStream also delivers to core subscribers of the
// subject, so one publish is both the live fan-out and the durable copy.
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import {
  stepMessageId,
  stepStreamName,
  stepSubject,
  stepSubjectWildcard,
} from "../protocol/vdf/index.ts";

export interface StepStreamLimits {
  /** Steps kept; at mainnet pace (~1 step/s) 3600 is one hour of catch-up. */
  streamMaxMsgs: number;
  streamMaxAgeMs: number;
  /** Window in which a re-published step (same chain:step id) is stored once. */
  duplicateWindowMs: number;
  storage: "file" | "memory";
}

export const stepStreamLimitsDefault: StepStreamLimits = {
  streamMaxMsgs: 3600,
  streamMaxAgeMs: 2 * 3600_000,
  duplicateWindowMs: 120_000,
  storage: "file",
};

/** JetStream's "no message found" API error code (not in JetStreamApiCodes). */
const errNoMessageFound = 10037;

/** Creates the chain's stream, or updates its limits if it exists. Only the service does this. */
export async function ensureStepStream(jsm: JetStreamManager, chain: string, limits: StepStreamLimits): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: stepStreamName(chain),
    subjects: [stepSubjectWildcard(chain)],
    max_msgs: limits.streamMaxMsgs,
    max_age: nanos(limits.streamMaxAgeMs),
    duplicate_window: nanos(limits.duplicateWindowMs),
    // One message per step subject: a step number maps to at most one stored message.
    max_msgs_per_subject: 1,
    storage: limits.storage === "file" ? StorageType.File : StorageType.Memory,
    discard: DiscardPolicy.Old,
  };
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    await jsm.streams.add(config);
    return;
  }
  await jsm.streams.update(config.name, config);
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

/** Reads (consumers) and writes (leader) of one chain's stored steps. */
export class StepStore {
  readonly stream: string;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    readonly chain: string,
  ) {
    this.stream = stepStreamName(chain);
  }

  /** Publishes (live fan-out and storage) and waits for the stream's acknowledgement. */
  async publish(step: number, data: Uint8Array, timeoutMs: number): Promise<void> {
    await this.js.publish(stepSubject(this.chain, step), data, { msgID: stepMessageId(this.chain, step), timeout: timeoutMs });
  }

  /** The stored payload of one step, or undefined if it is not (or no longer) stored. */
  async get(step: number): Promise<Uint8Array | undefined> {
    return this.fetch({ last_by_subj: stepSubject(this.chain, step) });
  }

  /** The most recently stored payload, or undefined for an empty stream. */
  async latest(): Promise<Uint8Array | undefined> {
    const info = await this.jsm.streams.info(this.stream);
    if (info.state.messages === 0) return undefined;
    return this.fetch({ seq: info.state.last_seq });
  }

  private async fetch(query: { seq: number } | { last_by_subj: string }): Promise<Uint8Array | undefined> {
    try {
      const msg = await this.jsm.streams.getMessage(this.stream, query);
      return msg?.data ?? undefined;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === errNoMessageFound) return undefined;
      throw err;
    }
  }
}
