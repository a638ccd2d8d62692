// Benchmarks of the native hashing core: VDF steps (SHA-NI and portable), parallel step
// verification, SHA-256 on 64-byte messages against OpenSSL (measured in the same run), and bulk
// SHA-256 / H1 over 256 KiB chunks. Each line: measured, reference, `ratio X.XX` (higher is better).
//
// OpenSSL is measured with `openssl speed -evp sha256 -bytes 64 -seconds 1` (its own timing
// loop, one EVP digest per 64-byte message, so its figure includes EVP's per-message overhead).
// Ours is sha256Each over a batch of 64-byte messages: the shape the core is used in (Feistel
// blocks, H1/H2 finalisation). Bulk lines are printed per implementation: AVX-512 hashes 16
// messages at once, SHA-NI one (two interleaved).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  computeH1s,
  cpuFeatures,
  MINING_CHUNK_BYTES,
  RECALL_RANGE_CHUNKS_MAX,
  sha256Each,
  vdfSteps,
  vdfVerifyStep,
  VDF_CHECKPOINTS_PER_STEP,
  VDF_ITERATIONS_DEFAULT,
  VDF_STEP_BYTES,
  type ShaImplName,
} from "../native/index.ts";
import { bestSeconds, printLine as print } from "./report.ts";

/** Reference figures for this machine class (docs/PROTOCOL.md and the project brief). */
const reference = {
  vdfStepShaNiSeconds: 1.25,
  vdfStepPortableSeconds: 1.45,
  verifyStepTwoThreadsSeconds: 0.72,
  sha256ChunkGBps: 1.91,
};

const openSslTimeoutMs = 20_000;

function joinNotes(...parts: Array<string | false>): string | undefined {
  const kept = parts.filter((part): part is string => part !== false);
  return kept.length > 0 ? kept.join("; ") : undefined;
}

function format(value: number): string {
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)}M` : value.toFixed(0);
}

function patternBytes(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 1) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

/** Seconds per full-difficulty step (25 x 600000); quick mode runs fewer iterations and scales. */
async function vdfStepSeconds(sha: ShaImplName, quick: boolean): Promise<{ seconds: number; iterations: number }> {
  const iterations = quick ? 20_000 : VDF_ITERATIONS_DEFAULT;
  const prev = patternBytes(32);
  // Full-difficulty portable steps take seconds each: one run; the others take the best of a few.
  const runs = quick ? 3 : sha === "portable" ? 1 : 2;
  const elapsed = await bestSeconds(runs, () => vdfSteps({ firstStep: 1001, stepCount: 1, prev, iterations }, { sha }));
  return { seconds: (elapsed * VDF_ITERATIONS_DEFAULT) / iterations, iterations };
}

async function benchVdf(quick: boolean): Promise<void> {
  // The portable reference is PROTOCOL.md's "generic SHA-256" figure; scalar C++ cannot get near it
  // (it is ~11 cycles/byte), so that line shows the fallback's cost rather than a target.
  const impls: Array<[ShaImplName, string, number]> = [["portable", "portable C++", reference.vdfStepPortableSeconds]];
  if (cpuFeatures().shaNi) impls.unshift(["ni", "SHA-NI", reference.vdfStepShaNiSeconds]);
  for (const [sha, label, ref] of impls) {
    const { seconds: perStep, iterations } = await vdfStepSeconds(sha, quick);
    print({
      name: `VDF step, 25 x 600000 (${label})`,
      measured: perStep,
      reference: ref,
      unit: "s/step",
      higherIsBetter: false,
      note: joinNotes(
        iterations !== VDF_ITERATIONS_DEFAULT && `scaled from ${iterations} iterations`,
        sha === "portable" && "reference: PROTOCOL.md's generic-SHA figure, not scalar code",
      ),
    });
  }
}

async function benchVerify(quick: boolean): Promise<void> {
  const iterations = quick ? 20_000 : VDF_ITERATIONS_DEFAULT;
  const prev = patternBytes(32);
  const checkpoints = await vdfSteps({ firstStep: 1001, stepCount: 1, prev, iterations });
  const runs = quick ? 3 : 2;
  const scale = VDF_ITERATIONS_DEFAULT / iterations;
  for (const [sha, label] of batchImpls()) {
    const verify = (threads: number) => () => vdfVerifyStep({ step: 1001, prev, iterations, checkpoints }, { sha, threads });
    const one = (await bestSeconds(runs, verify(1))) * scale;
    const two = (await bestSeconds(runs, verify(2))) * scale;
    print({
      name: `VDF verify, 2 threads (${label})`,
      measured: two,
      reference: reference.verifyStepTwoThreadsSeconds,
      unit: "s/step",
      higherIsBetter: false,
      note: joinNotes(`1 thread ${one.toFixed(3)} s, speed-up ${(one / two).toFixed(2)}x`, scale !== 1 && `scaled from ${iterations} iterations`),
    });
  }
}

/** OpenSSL's SHA-256 rate on 64-byte messages (hashes/s), or undefined when openssl is missing. */
async function openSslHashesPerSecond(): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)("openssl", ["speed", "-evp", "sha256", "-bytes", "64", "-seconds", "1"], {
      timeout: openSslTimeoutMs,
    });
    const match = /^sha256\s+([\d.]+)k\s*$/m.exec(stdout); // thousands of bytes per second
    return match ? (Number(match[1]) * 1000) / 64 : undefined;
  } catch {
    return undefined;
  }
}

/** "auto" resolves to the first of these the CPU has; the SHA-NI lines show the single-stream path. */
function batchImpls(): Array<[ShaImplName, string]> {
  const features = cpuFeatures();
  const impls: Array<[ShaImplName, string]> = [];
  if (features.avx512) impls.push(["avx512", "AVX-512 x16"]);
  if (features.shaNi) impls.push(["ni", "SHA-NI"]);
  if (impls.length === 0) impls.push(["portable", "portable"]);
  return impls;
}

async function benchSmallMessages(quick: boolean): Promise<void> {
  const messages = quick ? 1 << 18 : 1 << 20;
  const data = patternBytes(messages * 64);
  const out = Buffer.allocUnsafe(messages * 32);
  const openSsl = await openSslHashesPerSecond();
  for (const [sha, label] of batchImpls()) {
    const ours = messages / (await bestSeconds(3, () => sha256Each(data, 64, { sha, out })));
    if (openSsl === undefined) {
      console.log(`SHA-256, 64-byte messages (${label}): ${format(ours)} hash/s (openssl not available for comparison)`);
      continue;
    }
    print({ name: `SHA-256, 64-byte messages (${label}) vs OpenSSL`, measured: ours, reference: openSsl, unit: "hash/s", higherIsBetter: true });
  }
}

async function benchChunks(quick: boolean): Promise<void> {
  const chunks = quick ? 48 : RECALL_RANGE_CHUNKS_MAX;
  const data = patternBytes(chunks * MINING_CHUNK_BYTES);
  const gigabytes = data.length / 1e9;
  const runs = quick ? 5 : 3;
  const digests = Buffer.allocUnsafe(chunks * 32);
  for (const [sha, label] of batchImpls()) {
    const hashSeconds = await bestSeconds(runs, () => sha256Each(data, MINING_CHUNK_BYTES, { sha, out: digests }));
    print({ name: `SHA-256 over 256 KiB chunks, 1 core (${label})`, measured: gigabytes / hashSeconds, reference: reference.sha256ChunkGBps, unit: "GB/s", higherIsBetter: true });
  }
  const h0 = patternBytes(32);
  const h1s = Buffer.allocUnsafe(chunks * 32);
  for (const threads of [1, 2]) {
    const h1Seconds = await bestSeconds(runs, () => computeH1s(h0, data, { difficulty: 0n, out: h1s, threads }));
    print({
      name: `H1 over ${chunks} chunks, ${threads} thread${threads === 1 ? "" : "s"} (auto)`,
      measured: gigabytes / h1Seconds,
      reference: threads * reference.sha256ChunkGBps,
      unit: "GB/s",
      higherIsBetter: true,
    });
  }
}

export async function run(opts: { quick: boolean }): Promise<void> {
  console.log(`native hashing (${opts.quick ? "quick" : "full"}; CPU: ${JSON.stringify(cpuFeatures())}; step = ${VDF_CHECKPOINTS_PER_STEP} checkpoints, ${VDF_STEP_BYTES} bytes)`);
  await benchVdf(opts.quick);
  await benchVerify(opts.quick);
  await benchSmallMessages(opts.quick);
  await benchChunks(opts.quick);
}
