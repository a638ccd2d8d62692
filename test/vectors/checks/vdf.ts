// vdf.json: raw checkpoint chains and whole steps (with the entropy reset).
import { vdfChain, vdfMixResetSeed, vdfStep, vdfStepStartSalt, vdfVerifyStep } from "../../../native/index.ts";
import { checkEntry, type EntryResult } from "../report.ts";
import { field } from "../context.ts";

export interface RawVector {
  start_salt: number;
  seed_hex: string;
  checkpoint_count_arg: number;
  iterations: number;
  checkpoints_hex: string[];
  output_hex: string;
}

export interface StepVector {
  step_number: number;
  prev_output_hex: string;
  reset_seed_hex?: string;
  mixed_input_hex?: string;
  iterations: number;
  start_salt: number;
  x_hex: string[];
  output_hex: string;
}

const fromHex = (hex: string) => Buffer.from(hex, "hex");

export async function checkVdf(doc: Record<string, unknown>): Promise<EntryResult[]> {
  const results: EntryResult[] = [];
  for (const [i, v] of field<RawVector[]>(doc, "raw").entries()) {
    results.push(
      await checkEntry(`raw #${i} (salt ${v.start_salt}, ${v.iterations} iterations)`, async (check) => {
        const chain = await vdfChain({
          startSalt: v.start_salt,
          seed: fromHex(v.seed_hex),
          checkpointCount: v.checkpoint_count_arg,
          iterations: v.iterations,
        });
        check.equal("checkpoints", chain.checkpoints.map((c) => c.toString("hex")).join(","), v.checkpoints_hex.join(","));
        check.equal("output", chain.output.toString("hex"), v.output_hex);
      }),
    );
  }
  for (const v of field<StepVector[]>(doc, "steps")) results.push(await checkStep(v));
  return results;
}

function checkStep(v: StepVector): Promise<EntryResult> {
  return checkEntry(`step ${v.step_number} (${v.iterations} iterations)`, async (check) => {
    const prev = fromHex(v.prev_output_hex);
    const resetSeed = v.reset_seed_hex === undefined ? undefined : fromHex(v.reset_seed_hex);
    check.equal("start salt", vdfStepStartSalt(v.step_number), v.start_salt);
    if (resetSeed && v.mixed_input_hex !== undefined) {
      check.equal("mixed input", vdfMixResetSeed(prev, resetSeed).toString("hex"), v.mixed_input_hex);
    }
    const step = await vdfStep({ step: v.step_number, prev, iterations: v.iterations, resetSeed });
    check.equal("checkpoints", step.checkpoints.map((c) => c.toString("hex")).join(","), v.x_hex.join(","));
    check.equal("output", step.output.toString("hex"), v.output_hex);
    const verified = await vdfVerifyStep(
      { step: v.step_number, prev, iterations: v.iterations, resetSeed, checkpoints: v.x_hex.map(fromHex) },
      { threads: 2 },
    );
    check.equal("verifies", verified.valid, true);
  });
}
