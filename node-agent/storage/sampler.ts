// Background self-check: every interval, a few random stored chunks of each open module are re-read
// and fully verified (packed hash, unpack, chunk id, proof), the way a scrubber samples a disk. A
// failed check means the disk returned data other than what was written: the module is reported
// corrupt (and goes Failed) while the other modules keep packing and mining.
import type { sync } from "../../protocol/index.ts";
import type { Logger } from "../log.ts";
import type { Packer } from "../packing/packer.ts";
import { sleep } from "../timers.ts";
import type { StorageModule } from "./module.ts";
import { verifySlots, type VerifyReport } from "./verify.ts";

/** Random picks per wanted sample before giving up on a sparsely filled module. */
export const samplePicksPerChunk = 8;

export interface SamplerOptions {
  /** Time between two sampling rounds; 0 disables the sampler. */
  intervalMs: number;
  /** Stored chunks verified per module and round. */
  chunksPerRound: number;
  packer: Packer;
  rules: sync.DataPathRules;
  log: Logger;
  modules: () => StorageModule[];
  /** Verification failed: the report names the slots and why. */
  onCorrupt: (module: StorageModule, report: VerifyReport) => void;
  /** Reading the sample failed (an IO error, not a mismatch). */
  onReadError: (module: StorageModule, err: unknown) => void;
  random?: () => number;
}

/** Pure: up to `count` distinct stored slots picked at random (`random` in [0, 1)). */
export function sampleSlots(module: Pick<StorageModule, "slots" | "isStored" | "storedCount">, count: number, random: () => number): number[] {
  const picked = new Set<number>();
  const want = Math.min(count, module.storedCount);
  for (let tries = 0; picked.size < want && tries < want * samplePicksPerChunk; tries += 1) {
    const slot = Math.floor(random() * module.slots);
    if (module.isStored(slot)) picked.add(slot);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Runs sampling rounds until `signal` aborts. */
export async function runSampler(opts: SamplerOptions, signal: AbortSignal): Promise<void> {
  if (opts.intervalMs <= 0) return;
  const random = opts.random ?? Math.random;
  while (!signal.aborted) {
    await sleep(opts.intervalMs, signal);
    for (const module of opts.modules()) {
      if (signal.aborted) return;
      await sampleOne(opts, module, sampleSlots(module, opts.chunksPerRound, random));
    }
  }
}

async function sampleOne(opts: SamplerOptions, module: StorageModule, slots: number[]): Promise<void> {
  if (slots.length === 0) return;
  let report: VerifyReport;
  try {
    report = await verifySlots(module, opts.packer, slots, opts.rules);
  } catch (err) {
    opts.onReadError(module, err);
    return;
  }
  if (report.failures.length > 0) opts.onCorrupt(module, report);
  else opts.log({ event: "storage_sample_verified", partition: module.opts.partition, checked: report.checked });
}
