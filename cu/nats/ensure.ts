// Idempotent creation of the JetStream streams and consumers every pod shares. Pods start together,
// so two may try to create the same stream at once: the loser's add fails with "name already in use"
// and it then uses the winner's stream (the configs are the same code, so either is right).
import { JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";

/** JSStreamNameExistErr: nats.js has no constant for it. */
const streamNameInUseCode = 10058;

function isCode(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    return;
  } catch (err) {
    if (!isCode(err, JetStreamApiCodes.StreamNotFound)) throw err;
  }
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (!isCode(err, streamNameInUseCode)) throw err;
    await jsm.streams.info(config.name);
  }
}

export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
    return;
  } catch (err) {
    if (!isCode(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  try {
    await jsm.consumers.add(stream, config);
  } catch (err) {
    // A concurrent add of the same durable by another pod; it exists now, whoever won.
    await jsm.consumers.info(stream, config.durable_name).catch(() => {
      throw err;
    });
  }
}
