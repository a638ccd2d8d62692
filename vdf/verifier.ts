// The consumer-side check of published steps (node agents and the standby use it). A pure classifier
// decides what a message is relative to the verified head; only a candidate for head + 1 costs a native
// verification, which recomputes the 25 checkpoints in parallel. Every rejection is counted by reason.
import { vdfVerifyStep } from "../native/index.ts";
import {
  bytesEqual,
  decodeStepMessage,
  isResetStep,
  VdfProtocolError,
  type VdfSession,
  type VdfStepMessage,
} from "../protocol/vdf/index.ts";
import type { RejectReason, VdfMetrics } from "./metrics.ts";
import type { ChainParams, ChainPoint } from "./producer.ts";

/** Accepted steps remembered to tell a harmless duplicate from a conflicting one. */
export const recentStepsMax = 256;

export interface VerifiedHead extends ChainPoint {
  /** Highest leader term accepted so far (0 before any step). */
  term: number;
  session: VdfSession | undefined;
}

export type VerifyOutcome =
  | { type: "accepted"; step: VdfStepMessage; verifyMs: number }
  | { type: "duplicate"; step: VdfStepMessage }
  | { type: "gap"; from: number; to: number; step: VdfStepMessage }
  | { type: "rejected"; reason: RejectReason; detail: string; step: number | undefined };

export type Classification =
  | { type: "verify" }
  | { type: "duplicate" }
  | { type: "gap"; from: number; to: number }
  | { type: "rejected"; reason: RejectReason; detail: string };

export interface VerifierOptions extends ChainParams {
  /** Threads recomputing checkpoints (each checkpoint is independent). */
  threads: number;
  metrics: VdfMetrics | undefined;
}

/** What a message is relative to the head; no I/O, no hashing. */
export function classify(
  head: VerifiedHead,
  recent: ReadonlyMap<number, Uint8Array>,
  params: ChainParams,
  m: VdfStepMessage,
): Classification {
  if (m.chain !== params.chain) return reject("wrong-chain", `chain ${m.chain}, expected ${params.chain}`);
  if (m.difficulty !== params.iterations) return reject("difficulty", `difficulty ${m.difficulty}, expected ${params.iterations}`);
  if (m.term < head.term) return reject("stale-term", `term ${m.term} is older than ${head.term}`);
  if (m.step <= head.step) return classifyOld(head, recent, m);
  if (m.step > head.step + 1) return { type: "gap", from: head.step + 1, to: m.step - 1 };
  // The seed may change only where an entropy reset opens a new interval.
  if (!isResetStep(m.step) && head.session !== undefined && !sameSession(head.session, m.session)) {
    return reject("session", `step ${m.step} names a different session than step ${head.step}`);
  }
  return { type: "verify" };
}

function classifyOld(head: VerifiedHead, recent: ReadonlyMap<number, Uint8Array>, m: VdfStepMessage): Classification {
  const known = m.step === head.step ? head.output : recent.get(m.step);
  if (known === undefined) return reject("out-of-order", `step ${m.step} is older than the remembered window before ${head.step}`);
  if (!bytesEqual(known, m.output)) return reject("conflict", `step ${m.step} differs from the accepted one`);
  return { type: "duplicate" };
}

function sameSession(a: VdfSession, b: VdfSession): boolean {
  return a.interval === b.interval && bytesEqual(a.seed, b.seed);
}

function reject(reason: RejectReason, detail: string): Classification {
  return { type: "rejected", reason, detail };
}

export class StepVerifier {
  private current: VerifiedHead;
  private readonly recent = new Map<number, Uint8Array>();

  constructor(
    private readonly opts: VerifierOptions,
    anchor: ChainPoint & { term?: number; session?: VdfSession },
  ) {
    this.current = { step: anchor.step, output: anchor.output, term: anchor.term ?? 0, session: anchor.session };
  }

  get head(): Readonly<VerifiedHead> {
    return this.current;
  }

  /** Decodes then checks; a malformed payload is a counted rejection, not an exception. */
  async checkBytes(data: Uint8Array): Promise<VerifyOutcome> {
    let m: VdfStepMessage;
    try {
      m = decodeStepMessage(data);
    } catch (err) {
      if (!(err instanceof VdfProtocolError)) throw err;
      return this.rejected("malformed", `${err.code}: ${err.message}`, undefined);
    }
    return this.check(m);
  }

  async check(m: VdfStepMessage): Promise<VerifyOutcome> {
    const c = classify(this.current, this.recent, this.opts, m);
    switch (c.type) {
      case "rejected":
        return this.rejected(c.reason, c.detail, m.step);
      case "duplicate":
        this.raiseTerm(m.term);
        return { type: "duplicate", step: m };
      case "gap":
        return { type: "gap", from: c.from, to: c.to, step: m };
      case "verify":
        return this.verifyNext(m);
    }
  }

  /**
   * Makes a step this process computed itself the head, without recomputing it (the leader's own
   * output). Asserts it extends the head: anything else is a bug that would fork the chain.
   */
  adoptOwn(m: VdfStepMessage): void {
    if (m.step !== this.current.step + 1 || m.term < this.current.term) {
      throw new Error(`adoptOwn: step ${m.step} term ${m.term} does not extend head ${this.current.step} term ${this.current.term}`);
    }
    this.advance(m);
  }

  private async verifyNext(m: VdfStepMessage): Promise<VerifyOutcome> {
    const started = performance.now();
    const result = await vdfVerifyStep(
      {
        step: m.step,
        prev: this.current.output,
        iterations: this.opts.iterations,
        resetSeed: isResetStep(m.step) ? m.session.seed : undefined,
        checkpoints: m.checkpoints,
      },
      { threads: this.opts.threads },
    );
    const verifyMs = performance.now() - started;
    this.opts.metrics?.verified(this.opts.chain, verifyMs);
    if (!result.valid) return this.rejected("forged", `step ${m.step}: checkpoint ${result.failedCheckpoint} does not verify`, m.step);
    this.advance(m);
    return { type: "accepted", step: m, verifyMs };
  }

  private advance(m: VdfStepMessage): void {
    this.recent.set(this.current.step, this.current.output);
    if (this.recent.size > recentStepsMax) this.recent.delete(this.recent.keys().next().value!);
    this.current = { step: m.step, output: m.output, term: Math.max(this.current.term, m.term), session: m.session };
  }

  private raiseTerm(term: number): void {
    if (term > this.current.term) this.current = { ...this.current, term };
  }

  private rejected(reason: RejectReason, detail: string, step: number | undefined): VerifyOutcome {
    this.opts.metrics?.rejectedStep(this.opts.chain, reason);
    return { type: "rejected", reason, detail, step };
  }
}
