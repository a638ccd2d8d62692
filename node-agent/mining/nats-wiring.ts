// The NATS edges of mining: verified VDF steps in (vdf consumer + verifier), solutions out (a
// JetStream stream), and coordinated-mining H2 requests both ways (request/reply, queue group).
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamClient } from "@nats-io/jetstream";
import type { VdfStepMessage } from "../../protocol/vdf/index.ts";
import { consumeSteps, StepStore, StepVerifier } from "../../vdf/index.ts";
import type { Logger } from "../log.ts";
import type { RemoteH2 } from "./coordinator.ts";
import { decodeH2Reply, decodeH2Request, encodeH2Reply, encodeH2Request, h2QueueGroup, h2Subject, type H2Reply, type H2Request } from "./h2-protocol.ts";
import { encodeSolution, type Solution } from "./solution.ts";

export const solutionStreamName = "ARKUBE_MINING_SOLUTIONS";

export function solutionSubject(chain: string): string {
  return `arkube.mining.solutions.${chain}`;
}

/** Creates the solutions stream if missing (one stream for every chain; subjects by chain). */
export async function ensureSolutionStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(solutionStreamName);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add({ name: solutionStreamName, subjects: ["arkube.mining.solutions.>"], storage: StorageType.File, max_msgs: 100_000 });
  }
}

/** Publishes a solution once (msgID dedupes a re-publish of the same step, partition, nonce and kind). */
export function solutionPublisher(js: JetStreamClient, publishTimeoutMs: number): (s: Solution) => Promise<void> {
  return async (s) => {
    const id = `${s.chain}:${s.step}:${s.partition}:${s.nonce}:${s.kind}`;
    await js.publish(solutionSubject(s.chain), encodeSolution(s), { msgID: id, timeout: publishTimeoutMs });
  };
}

export interface StepSourceOptions {
  nc: NatsConnection;
  chain: string;
  iterations: number;
  genesisOutput: Uint8Array;
  verifyThreads: number;
  catchUpStepsMax: number;
  log: Logger;
  signal: AbortSignal;
}

/** Verified steps of the chain, in order; rejections are logged (the verifier counts them). */
export async function* verifiedSteps(opts: StepSourceOptions): AsyncGenerator<VdfStepMessage> {
  const store = new StepStore(await jetstreamManager(opts.nc), jetstream(opts.nc), opts.chain);
  const verifier = new StepVerifier({ chain: opts.chain, iterations: opts.iterations, threads: opts.verifyThreads, metrics: undefined }, { step: 0, output: opts.genesisOutput });
  for await (const ev of consumeSteps({ nc: opts.nc, store, verifier, catchUpStepsMax: opts.catchUpStepsMax, signal: opts.signal })) {
    if (ev.type === "step") yield ev.step;
    else if (ev.type === "rejected") opts.log({ event: "vdf_step_rejected", reason: ev.reason, detail: ev.detail, step: ev.step });
  }
}

export function remoteH2Client(nc: NatsConnection, replica: string, timeoutMs: number, log: Logger): RemoteH2 {
  return async (request) => {
    try {
      const msg = await nc.request(h2Subject(replica, request.partition2), encodeH2Request(request), { timeout: timeoutMs });
      return decodeH2Reply(msg.data);
    } catch (err) {
      // No responder (nobody holds the partition) or a timeout: the H2s of this range are lost.
      log({ event: "mining_remote_h2_failed", partition2: request.partition2, step: request.step, error: err });
      return undefined;
    }
  };
}

/** Answers H2 requests for the given partitions until the subscriptions are drained. */
export function serveH2Requests(nc: NatsConnection, replica: string, partitions: readonly number[], serve: (r: H2Request) => Promise<H2Reply>, log: Logger): Subscription[] {
  return partitions.map((partition) =>
    nc.subscribe(h2Subject(replica, partition), {
      queue: h2QueueGroup,
      callback: (err, msg) => {
        if (err !== null) return log({ event: "mining_h2_subscription_error", error: err });
        void (async () => {
          try {
            msg.respond(encodeH2Reply(await serve(decodeH2Request(msg.data))));
          } catch (e) {
            log({ event: "mining_h2_request_failed", partition, error: e });
          }
        })();
      },
    }),
  );
}
