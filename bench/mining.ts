// Node-agent benchmarks, each against a figure measured in the same run on the same bytes:
//  1. Mining: CPU time per VDF step per partition at mainnet recall-range size (2 x 400 x 256 KiB read
//     from the page cache), through the real coordinator (scheduler, IO loop, read budget, H0, H1/H2),
//     against the bare minimum (plain reads + the same native H0/H1/H2 calls, no orchestration); and
//     the partitions one core can mine at 1 VDF step per second.
//  2. IO loop sequential read MiB/s against a plain sequential read of the same chunk files.
//  3. Packing pipeline chunks/s (HTTP sync + proofs + pack + write, 360 programs) against the native
//     packing rate with the same threads.
import { randomBytes } from "node:crypto";
import { cpus } from "node:os";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { computeH0, computeH1s, computeH2s, createPackingContext, packChunks, recallRangeStarts, RECALL_RANGE_CHUNKS_MAX, type RandomxContext } from "../native/index.ts";
import { SyntheticWeave, startWeaveServer } from "../test/weave/index.ts";
import { silentLogger } from "../node-agent/log.ts";
import { AgentMetrics } from "../node-agent/metrics.ts";
import { MiningCoordinator } from "../node-agent/mining/coordinator.ts";
import { IoLoop } from "../node-agent/mining/io-loop.ts";
import { ReadBudget } from "../node-agent/mining/read-budget.ts";
import { Packer } from "../node-agent/packing/packer.ts";
import { runPipeline } from "../node-agent/packing/pipeline.ts";
import { CHUNK_BYTES } from "../node-agent/storage/layout.ts";
import { StorageModule } from "../node-agent/storage/module.ts";
import { BlockMap } from "../node-agent/sync/block-map.ts";
import { ChunkFetcher } from "../node-agent/sync/fetcher.ts";
import { HttpPeer } from "../node-agent/sync/http-peer.ts";
import { tempDir } from "../node-agent/test-support.ts";
import type { VdfStepMessage } from "../protocol/vdf/index.ts";
import { printLine, seconds } from "./report.ts";

const C = BigInt(CHUNK_BYTES);
const rangeChunks = RECALL_RANGE_CHUNKS_MAX;
/** A partition big enough that both full recall ranges (800 chunks) usually fit inside it. */
const slots = 1200;
const address = Buffer.alloc(32, 1);
const plainReadBytes = 100 * 1024 * 1024;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function measureCpu(work: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const c0 = cpuSeconds();
  const wall = await seconds(work);
  return { cpu: cpuSeconds() - c0, wall };
}

async function filledModule(root: string): Promise<StorageModule> {
  const module = await StorageModule.open({ root, partition: 0, partitionSizeBytes: BigInt(slots) * C, miningAddress: address, chunksPerFile: 400, fsyncPolicy: "never", tailCheckChunks: 0, indexFlushEveryChunks: 100_000, log: silentLogger });
  const batch = 50;
  for (let first = 0; first < slots; first += batch) {
    await module.writeChunks(Array.from({ length: batch }, (_, i) => ({ packed: randomBytes(CHUNK_BYTES), absoluteEnd: BigInt(first + i + 1) * C, chunkSize: CHUNK_BYTES, chunkId: Buffer.alloc(32), proofs: { txPath: Buffer.alloc(0), dataPath: Buffer.alloc(0) } })));
  }
  return module;
}

function step(n: number): VdfStepMessage {
  return { chain: "bench", step: n, output: randomBytes(32), checkpoints: [], session: { interval: 0, seed: Buffer.alloc(32, 2) }, difficulty: 1, term: 1, leader: "bench", timeMs: Date.now() };
}

async function miningStep(ctx: RandomxContext, module: StorageModule, steps: number, threads: number): Promise<void> {
  const metrics = new AgentMetrics(new MeterProvider().getMeter("bench"));
  const io = new IoLoop("bench", metrics);
  const upperBound = BigInt(slots) * C;
  const never = (1n << 256n) - 1n;
  const coordinator = new MiningCoordinator({
    nodeName: "bench", chain: "bench", miningAddress: address, partitionSizeBytes: upperBound, partitionUpperBound: () => upperBound,
    recallRangeChunks: rangeChunks, hashThreads: threads, tasksConcurrency: 4, queuedH0Max: 64, local: new Map([[0, { module, io }]]), ctx,
    check: { ctx, packer: new Packer(ctx, { programCount: 360, threads: 1 }), blockAt: async () => undefined, rules: "2.6", difficulty: never, difficultyH1: never },
    budget: new ReadBudget(2 * rangeChunks * CHUNK_BYTES), publish: async () => undefined, remoteH2: undefined, metrics, log: silentLogger,
  });
  const messages = Array.from({ length: steps }, (_, i) => step(i + 1));
  const warm = await measureCpu(async () => (coordinator.onStep(step(0)), await coordinator.idle()));
  void warm;
  const before = coordinator.stats.h1 + coordinator.stats.h2;
  const run = await measureCpu(async () => {
    for (const m of messages) {
      coordinator.onStep(m);
      await coordinator.idle();
    }
  });
  const hashed = coordinator.stats.h1 + coordinator.stats.h2 - before;
  // Normalise to full ranges: a range that starts near the partition end is cut short.
  const fullStepEquivalent = hashed / (2 * rangeChunks);

  // The floor: the same native calls on the same bytes, read with plain large reads, no orchestration.
  const buf = Buffer.allocUnsafe(rangeChunks * CHUNK_BYTES);
  const floor = await measureCpu(async () => {
    for (const m of messages) {
      const h0 = await computeH0(ctx, { vdfOutput: m.output, partitionNumber: 0, seed: m.session.seed, miningAddress: address });
      const { range1Start } = recallRangeStarts(h0, 0, upperBound, upperBound);
      void range1Start;
      await module.readSlots(0, rangeChunks, buf);
      const h1 = await computeH1s(h0, buf, { difficulty: never, threads });
      await module.readSlots(rangeChunks, rangeChunks, buf);
      await computeH2s(h0, h1.hashes, buf, { difficulty: never, threads });
    }
  });
  const perStep = run.cpu / fullStepEquivalent;
  const floorPerStep = floor.cpu / steps;
  printLine({ name: "mining CPU per VDF step per partition (800 chunks)", measured: perStep * 1000, reference: floorPerStep * 1000, unit: "ms", higherIsBetter: false, note: `floor = bare native calls; wall ${(run.wall / fullStepEquivalent * 1000).toFixed(0)} ms/step, ${threads} hash threads` });
  printLine({ name: "partitions per core at 1 VDF step/s", measured: 1 / perStep, reference: 1 / floorPerStep, unit: "parts", higherIsBetter: true });
}

async function readRates(module: StorageModule, rounds: number): Promise<void> {
  const metrics = new AgentMetrics(new MeterProvider().getMeter("bench"));
  const io = new IoLoop("bench", metrics);
  const bytes = slots * CHUNK_BYTES;
  const budget = new ReadBudget(rangeChunks * CHUNK_BYTES);
  const viaLoop = async (): Promise<void> => {
    for (let first = 0; first < slots; first += rangeChunks) {
      const r = await budget.reserve(rangeChunks * CHUNK_BYTES);
      await io.read(module, first, rangeChunks, r.buffer);
      r.release();
    }
  };
  const files = (await readdir(join(module.dir, "chunks"))).sort().map((f) => join(module.dir, "chunks", f));
  const buf = Buffer.allocUnsafe(plainReadBytes);
  const plain = async (): Promise<void> => {
    for (const f of files) {
      const h = await open(f, "r");
      try {
        for (let at = 0; ; at += plainReadBytes) if ((await h.read(buf, 0, plainReadBytes, at)).bytesRead === 0) break;
      } finally {
        await h.close();
      }
    }
  };
  await plain();
  let loopBest = Infinity;
  let plainBest = Infinity;
  for (let i = 0; i < rounds; i += 1) {
    loopBest = Math.min(loopBest, await seconds(viaLoop));
    plainBest = Math.min(plainBest, await seconds(plain));
  }
  const mib = bytes / (1024 * 1024);
  printLine({ name: "IO loop sequential read (page cache)", measured: mib / loopBest, reference: mib / plainBest, unit: "MiB/s", higherIsBetter: true, note: "reference = plain 100 MiB reads of the same files" });
}

async function packingRates(ctx: RandomxContext, quick: boolean, threads: number): Promise<void> {
  const chunks = quick ? threads * 2 : threads * 8;
  const weave = new SyntheticWeave({ label: "bench", blocks: 1, txsPerBlock: chunks, txBytesMax: CHUNK_BYTES });
  const sample = weave.chunks.slice(0, chunks).map((c) => ({ key: randomBytes(32), chunk: c.chunk }));
  await packChunks(ctx, sample.slice(0, threads), { threads, programCount: 1 }); // VMs and scratchpads warm
  let nativeSeconds = await seconds(() => packChunks(ctx, sample, { threads, programCount: 360 }));
  const server = await startWeaveServer(weave);
  const dir = tempDir("arkube-bench-pack-");
  try {
    const partitionSizeBytes = BigInt(Math.ceil(Number(weave.weaveSize) / CHUNK_BYTES)) * C;
    const module = await StorageModule.open({ root: dir.path, partition: 0, partitionSizeBytes, miningAddress: address, chunksPerFile: 2000, fsyncPolicy: "data-before-index", tailCheckChunks: 0, indexFlushEveryChunks: 256, log: silentLogger });
    const peer = new HttpPeer({ url: server.url, requestTimeoutMs: 30_000 });
    const blocks = BlockMap.fromEntries(await peer.blockIndex(0, await peer.height()));
    const metrics = new AgentMetrics(new MeterProvider().getMeter("bench"));
    const packer = new Packer(ctx, { programCount: 360, threads });
    const fetcher = new ChunkFetcher({ sources: [peer], blocks, rules: "2.6", packer, metrics, log: silentLogger });
    let stored = 0;
    const pipelineSeconds = await seconds(async () => {
      const r = await runPipeline({ modules: [module], fetcher, blocks, packer, metrics, log: silentLogger, fetchConcurrency: 4, queueChunksMax: 2 * threads, packBatchChunksMax: threads, writeBatchChunksMax: threads });
      stored = r.stored;
    });
    await module.close();
    // Measured again after the pipeline: the better of the two, so machine noise favours the reference.
    nativeSeconds = Math.min(nativeSeconds, await seconds(() => packChunks(ctx, sample, { threads, programCount: 360 })));
    printLine({ name: `packing pipeline (${ctx.mode} RandomX, 360 programs)`, measured: stored / pipelineSeconds, reference: chunks / nativeSeconds, unit: "chunks/s", higherIsBetter: true, note: `${stored} chunks; reference = native packChunks, ${threads} threads` });
  } finally {
    await server.close();
    dir.remove();
  }
}

export async function run(opts: { quick: boolean }): Promise<void> {
  const threads = Math.max(1, cpus().length);
  // Quick mode stays in light mode (no 568 MB dataset); the full run measures what a miner runs: fast mode.
  const ctx = await createPackingContext(opts.quick ? "light" : "fast");
  const dir = tempDir("arkube-bench-mining-");
  try {
    const module = await filledModule(dir.path);
    await miningStep(ctx, module, opts.quick ? 3 : 10, threads);
    await readRates(module, opts.quick ? 2 : 5);
    await module.close();
    await packingRates(ctx, opts.quick, threads);
  } finally {
    dir.remove();
  }
}
