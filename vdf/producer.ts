// Computes the chain, strictly one step after the other, with the native VDF. The only state is the
// current session (interval, seed), cached because a later seed source (block index) may be slow.
import { vdfStep } from "../native/index.ts";
import { isResetStep, sessionInterval, type VdfSession } from "../protocol/vdf/index.ts";
import type { SeedSource } from "./seeds.ts";

/** A point on the chain: step number and its output. Step 0 / startStep is the configured genesis. */
export interface ChainPoint {
  step: number;
  output: Uint8Array;
}

export interface ChainParams {
  chain: string;
  /** Iterations per checkpoint (the step message's `difficulty`). */
  iterations: number;
}

export interface ComputedStep extends ChainPoint {
  /** x_0 .. x_24, oldest first. */
  checkpoints: Uint8Array[];
  session: VdfSession;
}

export class StepProducer {
  private session: VdfSession | undefined;

  constructor(
    private readonly params: ChainParams,
    private readonly seeds: SeedSource,
  ) {}

  /** Step prev.step + 1. */
  async next(prev: ChainPoint): Promise<ComputedStep> {
    const step = prev.step + 1;
    const session = await this.sessionFor(step);
    const resetSeed = isResetStep(step) ? session.seed : undefined;
    const { checkpoints, output } = await vdfStep({ step, prev: prev.output, iterations: this.params.iterations, resetSeed });
    return { step, output, checkpoints, session };
  }

  private async sessionFor(step: number): Promise<VdfSession> {
    const interval = sessionInterval(step);
    if (this.session?.interval !== interval) {
      this.session = { interval, seed: await this.seeds.seedForInterval(interval) };
    }
    return this.session;
  }
}
