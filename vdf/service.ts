// The VDF service: one process that follows (verifies the leader's steps, hot standby) or leads (computes
// and publishes), switching on leadership events. On takeover it first reads the stream up to the last
// published step, so the chain continues exactly there: no number skipped, none published twice.
import type { NatsConnection } from "@nats-io/transport-node";
import { decodeStepMessage, encodeStepMessage, type VdfStepMessage } from "../protocol/vdf/index.ts";
import { catchUpToLatest, consumeSteps } from "./consumer.ts";
import type { Elector } from "./leadership/elector.ts";
import type { LeadershipEvent } from "./leadership/types.ts";
import type { Logger } from "./log.ts";
import type { VdfMetrics } from "./metrics.ts";
import { StepProducer, type ChainParams, type ChainPoint } from "./producer.ts";
import type { SeedSource } from "./seeds.ts";
import type { StepStore } from "./step-store.ts";
import { StepVerifier } from "./verifier.ts";
import { sleep } from "./channel.ts";

export interface VdfServiceOptions extends ChainParams {
  identity: string;
  /** The configured start of the chain: output of step `genesis.step`. */
  genesis: ChainPoint;
  verifyThreads: number;
  catchUpStepsMax: number;
  /** Bound on one JetStream publish acknowledgement. */
  publishTimeoutMs: number;
  /** Pause after a failed publish before retrying the same step (same msg id, stored once). */
  publishRetryMs: number;
}

export interface VdfServiceDeps {
  nc: NatsConnection;
  store: StepStore;
  elector: Elector;
  seeds: SeedSource;
  metrics: VdfMetrics;
  log: Logger;
}

interface Role {
  name: "follower" | "leader";
  abort: AbortController;
  done: Promise<void>;
}

export class VdfService {
  private verifier: StepVerifier;
  private role: Role | undefined;
  /** Role switches run one after the other, never interleaved. */
  private switching: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: VdfServiceOptions,
    private readonly deps: VdfServiceDeps,
  ) {
    this.verifier = this.verifierFrom(opts.genesis);
  }

  /** Runs until `signal` aborts; a failing role (corrupt stream, seed source) ends it with that error. */
  async run(signal: AbortSignal): Promise<void> {
    const { elector, log } = this.deps;
    log({ event: "vdf_service_start", chain: this.opts.chain, identity: this.opts.identity, iterations: this.opts.iterations });
    await this.anchorAtStoredHead();
    const failed = new AbortController();
    this.queueRole("follower", failed);
    elector.start();
    const stop = (): void => void elector.stop(true);
    signal.addEventListener("abort", stop, { once: true });
    failed.signal.addEventListener("abort", stop, { once: true });
    try {
      for await (const ev of elector.events()) this.onLeadership(ev, failed);
    } finally {
      signal.removeEventListener("abort", stop);
      await this.switching;
      await this.stopRole();
    }
    if (failed.signal.aborted) throw failed.signal.reason;
    log({ event: "vdf_service_stop", chain: this.opts.chain, head: this.verifier.head.step });
  }

  get head(): Readonly<ChainPoint & { term: number }> {
    return this.verifier.head;
  }

  /** Anchored at the stream's head and running as follower or leader (the pod's readiness). */
  get ready(): boolean {
    return this.role !== undefined;
  }

  private onLeadership(ev: LeadershipEvent, failed: AbortController): void {
    if (ev.type === "observed") {
      this.deps.metrics.leaderChanged(this.opts.chain, ev.holder);
      this.deps.log({ event: "leader_observed", chain: this.opts.chain, holder: ev.holder, term: ev.term });
    } else if (ev.type === "elected") {
      this.queueRole("leader", failed, ev.term);
    } else if (ev.reason !== "stopped") {
      this.queueRole("follower", failed);
    }
  }

  private queueRole(name: Role["name"], failed: AbortController, term = 0): void {
    this.switching = this.switching.then(() => this.switchRole(name, failed, term));
  }

  /**
   * A process joining a running chain starts from the newest stored step, trusting the stream (only
   * leaders write it); everything after that is verified. An empty stream means the configured genesis.
   */
  private async anchorAtStoredHead(): Promise<void> {
    const data = await this.deps.store.latest();
    if (data === undefined) return;
    const m = decodeStepMessage(data);
    if (m.chain !== this.opts.chain || m.difficulty !== this.opts.iterations) {
      throw new Error(`stored chain ${m.chain} difficulty ${m.difficulty} does not match the configuration`);
    }
    if (m.step <= this.opts.genesis.step) return;
    this.verifier = this.verifierFrom({ step: m.step, output: m.output, term: m.term, session: m.session });
    this.deps.elector.noteProgress({ step: m.step, timeMs: m.timeMs });
    this.deps.log({ event: "vdf_anchored", chain: m.chain, step: m.step, term: m.term });
  }

  private verifierFrom(anchor: ConstructorParameters<typeof StepVerifier>[1]): StepVerifier {
    return new StepVerifier({ ...this.opts, threads: this.opts.verifyThreads, metrics: this.deps.metrics }, anchor);
  }

  private async switchRole(name: Role["name"], failed: AbortController, term = 0): Promise<void> {
    await this.stopRole();
    const abort = new AbortController();
    const body = name === "leader" ? this.lead(term, abort.signal) : this.follow(abort.signal);
    const done = body.catch((err: unknown) => {
      this.deps.log({ event: "vdf_role_failed", role: name, err });
      failed.abort(err);
    });
    this.role = { name, abort, done };
    this.deps.log({ event: "vdf_role", role: name, chain: this.opts.chain, term, head: this.verifier.head.step });
  }

  private async stopRole(): Promise<void> {
    const role = this.role;
    this.role = undefined;
    if (role === undefined) return;
    role.abort.abort();
    await role.done;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const { nc, store, log } = this.deps;
    for await (const ev of consumeSteps({ nc, store, verifier: this.verifier, catchUpStepsMax: this.opts.catchUpStepsMax, signal })) {
      // A follower's progress is written only if it takes over, and then it is exactly where it resumes.
      if (ev.type === "step") this.deps.elector.noteProgress({ step: ev.step.step, timeMs: ev.step.timeMs });
      else if (ev.type === "rejected") log({ event: "vdf_step_rejected", chain: this.opts.chain, step: ev.step, reason: ev.reason, detail: ev.detail });
      else if (ev.type === "caught-up") log({ event: "vdf_caught_up", chain: this.opts.chain, from: ev.from, to: ev.to });
    }
  }

  private async lead(term: number, signal: AbortSignal): Promise<void> {
    // Everything the previous leader got into the stream is part of the chain we continue.
    for await (const ev of catchUpToLatest({ store: this.deps.store, verifier: this.verifier, catchUpStepsMax: this.opts.catchUpStepsMax })) {
      if (ev.type === "step") this.deps.elector.noteProgress({ step: ev.step.step, timeMs: ev.step.timeMs });
      else if (ev.type === "caught-up") this.deps.log({ event: "vdf_takeover_caught_up", from: ev.from, to: ev.to });
    }
    const producer = new StepProducer(this.opts, this.deps.seeds);
    while (!signal.aborted) {
      const started = performance.now();
      const computed = await producer.next(this.verifier.head);
      this.deps.metrics.stepProduced(this.opts.chain, performance.now() - started);
      const message: VdfStepMessage = { ...computed, chain: this.opts.chain, difficulty: this.opts.iterations, term, leader: this.opts.identity, timeMs: Date.now() };
      if (!(await this.publish(message, term, signal))) return;
      this.verifier.adoptOwn(message);
      this.deps.elector.noteProgress({ step: message.step, timeMs: message.timeMs });
    }
  }

  /** Publishes until acknowledged; false once the lease no longer covers publishing (or on abort). */
  private async publish(message: VdfStepMessage, term: number, signal: AbortSignal): Promise<boolean> {
    const data = encodeStepMessage(message);
    for (;;) {
      // The lease check sits right before the publish: a leader that cannot renew goes quiet first.
      if (signal.aborted || this.deps.elector.validTerm() !== term) {
        this.deps.log({ event: "vdf_publish_stopped", chain: this.opts.chain, step: message.step, term });
        return false;
      }
      const started = performance.now();
      try {
        await this.deps.store.publish(message.step, data, this.opts.publishTimeoutMs);
        this.deps.metrics.published(this.opts.chain, performance.now() - started);
        return true;
      } catch (err) {
        this.deps.log({ event: "vdf_publish_failed", chain: this.opts.chain, step: message.step, err });
        await sleep(this.opts.publishRetryMs, signal);
      }
    }
  }
}
