// RandomX and spora_2_6 packing benchmarks. RandomX `standard` is measured against Debian's
// librandomx in the same run (its JIT: the figure to beat; its interpreter: like for like).
// Packing is compared with the reference figures of this machine class (arweave's packing, JIT).
import { randomBytes } from "node:crypto";
import {
  CHUNK_BYTES,
  createPackingContext,
  packingKey,
  packInPlace,
  RandomxContext,
  unpackInPlace,
  type RandomxMode,
} from "../native/index.ts";
import { referenceBench } from "../test/randomx-reference/reference.ts";
import { printLine, seconds } from "./report.ts";

const reference = { packingChunksPerSecondOneThread: 10.3, packingChunksPerSecondTwoThreads: 19.4 };

/** Our hashes/s for `seconds`, one thread, batches of `batch` inputs. */
async function ourHashRate(ctx: RandomxContext, durationSeconds: number): Promise<number> {
  const batch = 8;
  let hashes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < durationSeconds) {
    await ctx.hashBatch(Array.from({ length: batch }, () => randomBytes(32)));
    hashes += batch;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return hashes / elapsed;
}

/** Returns librandomx's JIT hashes/s in `mode`, measured here. */
async function benchRandomx(mode: RandomxMode, durationSeconds: number): Promise<number> {
  const key = randomBytes(32);
  let ctx: RandomxContext | undefined;
  const initSeconds = await seconds(async () => {
    ctx = await RandomxContext.create({ config: "standard", key, mode });
  });
  const ours = await ourHashRate(ctx!, durationSeconds);
  const jit = referenceBench(mode, "jit", key, durationSeconds);
  const interpreter = referenceBench(mode, "interpreter", key, durationSeconds);
  const label = `RandomX standard ${mode} (1 thread)`;
  printLine({ name: `${label} vs librandomx JIT`, measured: ours, reference: jit.perSecond, unit: "hash/s", higherIsBetter: true });
  printLine({
    name: `${label} vs librandomx interpreter`,
    measured: ours,
    reference: interpreter.perSecond,
    unit: "hash/s",
    higherIsBetter: true,
    note: `our ${mode} init ${initSeconds.toFixed(1)} s`,
  });
  return jit.perSecond;
}

/**
 * Packing one chunk runs 360 RandomX programs; a hash runs 8. So librandomx's fast-mode JIT rate
 * measured in this run, x 8 / 360, is what its VM would pack here: a same-run reference for the
 * fixed figure of this machine class (approximate: rx512's smaller scratchpad is a little faster).
 */
const programsPerHash = 8;
const programsPerChunk = 360;

async function benchPacking(quick: boolean, librandomxFastJitHashesPerSecond: number | undefined): Promise<void> {
  let ctx: RandomxContext | undefined;
  const initSeconds = await seconds(async () => {
    ctx = await createPackingContext("fast");
  });
  for (const threads of [1, 2]) {
    const count = (quick ? 2 : 8) * threads;
    const keys = Buffer.concat(Array.from({ length: count }, (_, i) => packingKey((i + 1) * CHUNK_BYTES, randomBytes(32), randomBytes(32))));
    const chunks = randomBytes(count * CHUNK_BYTES);
    const packSeconds = await seconds(() => packInPlace(ctx!, keys, chunks, { threads }));
    const unpackSeconds = await seconds(() => unpackInPlace(ctx!, keys, chunks, { threads }));
    const ref = threads === 1 ? reference.packingChunksPerSecondOneThread : reference.packingChunksPerSecondTwoThreads;
    const note = `fast mode, dataset built in ${initSeconds.toFixed(1)} s`;
    printLine({ name: `spora_2_6 pack, ${threads} thread(s)`, measured: count / packSeconds, reference: ref, unit: "chunk/s", higherIsBetter: true, note });
    if (threads === 1 && librandomxFastJitHashesPerSecond !== undefined) {
      const equivalent = (librandomxFastJitHashesPerSecond * programsPerHash) / programsPerChunk;
      printLine({ name: "spora_2_6 pack, 1 thread vs librandomx VM (same run)", measured: count / packSeconds, reference: equivalent, unit: "chunk/s", higherIsBetter: true, note: "reference = librandomx fast JIT hash/s x 8/360" });
    }
    printLine({ name: `spora_2_6 unpack, ${threads} thread(s)`, measured: count / unpackSeconds, reference: ref, unit: "chunk/s", higherIsBetter: true });
  }
}

export async function run(opts: { quick: boolean }): Promise<void> {
  // Quick mode stays in light mode for RandomX (no 2 GiB datasets) and packs a few chunks.
  const jitRate = await benchRandomx(opts.quick ? "light" : "fast", opts.quick ? 2 : 10);
  await benchPacking(opts.quick, opts.quick ? undefined : jitRate);
}
