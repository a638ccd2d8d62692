// Consuming a chain: live steps from the core subject, missed steps from the JetStream stream. One rule
// covers start-up, reconnects and lost messages: whenever a step arrives beyond head + 1, the missing
// range is fetched from the stream first, so the verified chain never has a hole.
import type { NatsConnection } from "@nats-io/transport-node";
import { stepSubjectWildcard, type VdfStepMessage } from "../protocol/vdf/index.ts";
import type { RejectReason } from "./metrics.ts";
import type { StepStore } from "./step-store.ts";
import type { StepVerifier, VerifyOutcome } from "./verifier.ts";

export type ConsumerEvent =
  | { type: "step"; step: VdfStepMessage; source: "live" | "stream"; verifyMs: number }
  | { type: "rejected"; reason: RejectReason; detail: string; step: number | undefined }
  | { type: "caught-up"; from: number; to: number };

export interface ConsumeOptions {
  nc: NatsConnection;
  store: StepStore;
  verifier: StepVerifier;
  /** Refuse to fetch more than this many missed steps at once (the caller must re-anchor). */
  catchUpStepsMax: number;
  signal?: AbortSignal;
}

export class CatchUpError extends Error {
  readonly code: "ERR_VDF_STEP_UNAVAILABLE" | "ERR_VDF_GAP_TOO_LARGE" | "ERR_VDF_STORED_STEP_INVALID";
  constructor(code: CatchUpError["code"], message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Verified steps in order, each number once, plus rejections. Ends when `signal` aborts. */
export async function* consumeSteps(opts: ConsumeOptions): AsyncGenerator<ConsumerEvent> {
  // Subscribe before reading the stream, so nothing published in between is lost.
  const sub = opts.nc.subscribe(stepSubjectWildcard(opts.store.chain));
  const onAbort = (): void => sub.unsubscribe();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (opts.signal?.aborted) return;
    yield* catchUpToLatest(opts);
    for await (const msg of sub) {
      if (opts.signal?.aborted) return;
      yield* handleLive(opts, await opts.verifier.checkBytes(msg.data));
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    sub.unsubscribe();
  }
}

/** Brings the verifier up to the newest stored step (start-up and takeover). */
export async function* catchUpToLatest(opts: Pick<ConsumeOptions, "store" | "verifier" | "catchUpStepsMax">): AsyncGenerator<ConsumerEvent> {
  const latest = await opts.store.latest();
  if (latest === undefined) return;
  const outcome = await opts.verifier.checkBytes(latest);
  if (outcome.type === "gap") {
    yield* fillGap(opts, outcome.from, outcome.to);
    yield* storedOutcome(await opts.verifier.check(outcome.step));
  } else {
    yield* storedOutcome(outcome);
  }
}

async function* handleLive(opts: ConsumeOptions, outcome: VerifyOutcome): AsyncGenerator<ConsumerEvent> {
  if (outcome.type !== "gap") {
    yield* outcomeEvents(outcome, "live");
    return;
  }
  yield* fillGap(opts, outcome.from, outcome.to);
  yield* outcomeEvents(await opts.verifier.check(outcome.step), "live");
}

async function* fillGap(
  opts: Pick<ConsumeOptions, "store" | "verifier" | "catchUpStepsMax">,
  from: number,
  to: number,
): AsyncGenerator<ConsumerEvent> {
  const count = to - from + 1;
  if (count > opts.catchUpStepsMax) {
    throw new CatchUpError("ERR_VDF_GAP_TOO_LARGE", `missed ${count} steps (${from}..${to}), bound is ${opts.catchUpStepsMax}`);
  }
  for (let n = from; n <= to; n++) {
    const data = await opts.store.get(n);
    if (data === undefined) throw new CatchUpError("ERR_VDF_STEP_UNAVAILABLE", `step ${n} is not in the stream ${opts.store.stream}`);
    yield* storedOutcome(await opts.verifier.checkBytes(data));
  }
  yield { type: "caught-up", from, to };
}

/** A stored step that does not extend the chain means the stream itself is corrupt: stop, don't limp on. */
function* storedOutcome(outcome: VerifyOutcome): Generator<ConsumerEvent> {
  if (outcome.type === "gap") {
    throw new CatchUpError("ERR_VDF_STORED_STEP_INVALID", `stored step ${outcome.step.step} does not follow ${outcome.from - 1}`);
  }
  if (outcome.type === "rejected" && outcome.reason !== "stale-term") {
    throw new CatchUpError("ERR_VDF_STORED_STEP_INVALID", `stored step ${outcome.step} rejected: ${outcome.reason}: ${outcome.detail}`);
  }
  yield* outcomeEvents(outcome, "stream");
}

function* outcomeEvents(outcome: VerifyOutcome, source: "live" | "stream"): Generator<ConsumerEvent> {
  if (outcome.type === "accepted") yield { type: "step", step: outcome.step, source, verifyMs: outcome.verifyMs };
  else if (outcome.type === "rejected") yield { type: "rejected", reason: outcome.reason, detail: outcome.detail, step: outcome.step };
}
