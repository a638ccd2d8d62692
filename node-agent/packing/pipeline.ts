// sync -> pack -> write for a set of storage modules. Stages are joined by bounded queues, so the
// disk's pace propagates back to packing and fetching. What to do is computed from the modules'
// indexes at start, so a restarted pipeline resumes exactly at the slots that are still empty, and a
// slot is derived from the proven chunk's offset, so a chunk can only ever land in its own slot.
// A module whose disk fails is dropped from the run (and reported) while the others go on.
import { NoValidReplyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import { partitionEnd, partitionStart, requestOffsetOfSlot } from "../storage/layout.ts";
import type { ChunkWrite, StorageModule, WriteOutcome } from "../storage/module.ts";
import type { BlockMap } from "../sync/block-map.ts";
import type { ChunkFetcher, FetchedChunk } from "../sync/fetcher.ts";
import type { Packer } from "./packer.ts";
import { BoundedQueue } from "./queue.ts";

/** Packing one chunk takes about a second; waiting 50 ms to fill a batch costs nothing next to it. */
export const packBatchLingerMsDefault = 50;

export interface PipelineBounds {
  /** Chunk fetches in flight. */
  fetchConcurrency: number;
  /** Chunks waiting between two stages (each queue); at most 2 x this many chunk buffers wait in total. */
  queueChunksMax: number;
  /** Chunks per native pack call. */
  packBatchChunksMax: number;
  /** How long a pack batch waits to fill once its first chunk is there. */
  packBatchLingerMs?: number;
  /** Chunks per storage write (one fdatasync + one index batch). */
  writeBatchChunksMax: number;
}

export interface PipelineOptions extends PipelineBounds {
  modules: readonly StorageModule[];
  fetcher: ChunkFetcher;
  blocks: BlockMap;
  packer: Packer;
  metrics: AgentMetrics;
  log: Logger;
  /** Aborts at once: chunks in flight are dropped (the next run fetches them again). */
  signal?: AbortSignal;
  /** Stops taking new slots: chunks already fetched are packed and written, then the run ends. */
  drain?: AbortSignal;
  /**
   * A module whose disk fails (read or write) is dropped from the run and reported here, and the
   * other modules go on. Without it, such a failure fails the whole run.
   */
  onModuleError?: (module: StorageModule, err: unknown) => void;
  /** Slots planned for each module when the run starts (0: nothing to fetch for it). */
  onPlanned?: (module: StorageModule, slots: number) => void;
}

export interface PipelineReport {
  planned: number;
  stored: number;
  alreadyStored: number;
  missing: number;
  failedOffsets: bigint[];
  /** Partitions dropped from the run because their module failed. */
  failedModules: number[];
  /** The run stopped taking work early (drain): not every planned slot was tried. */
  drained: boolean;
}

interface Fetched {
  module: StorageModule;
  fetched: FetchedChunk;
}

interface Packed {
  module: StorageModule;
  write: ChunkWrite;
}

/** Slots of a module that hold weave data and are not stored yet, ascending. */
export async function plannedSlots(module: StorageModule, weaveSize: bigint): Promise<number[]> {
  const stored = await module.storedSlots();
  const slots: number[] = [];
  for (let slot = 0; slot < module.slots; slot += 1) {
    if (requestOffsetOfSlot(module.geometry, slot) <= weaveSize && !stored.has(slot)) slots.push(slot);
  }
  return slots;
}

/** The modules dropped from one run (their disk failed); `fail` reports each once or rethrows. */
class RunFailures {
  readonly modules = new Set<StorageModule>();
  constructor(private readonly opts: PipelineOptions, private readonly report: PipelineReport) {}

  has(module: StorageModule): boolean {
    return this.modules.has(module);
  }

  fail(module: StorageModule, err: unknown): void {
    if (this.opts.onModuleError === undefined) throw err;
    if (this.modules.has(module)) return;
    this.modules.add(module);
    this.report.failedModules.push(module.opts.partition);
    this.opts.onModuleError(module, err);
  }
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineReport> {
  const report: PipelineReport = { planned: 0, stored: 0, alreadyStored: 0, missing: 0, failedOffsets: [], failedModules: [], drained: false };
  const failures = new RunFailures(opts, report);
  const work: { module: StorageModule; slot: number }[] = [];
  for (const module of opts.modules) {
    const g = module.geometry;
    let slots: number[];
    try {
      await module.putBlocks(opts.blocks.rangesOverlapping(partitionStart(g), partitionEnd(g)));
      slots = await plannedSlots(module, opts.blocks.weaveSize);
    } catch (err) {
      failures.fail(module, err);
      continue;
    }
    opts.onPlanned?.(module, slots.length);
    for (const slot of slots) work.push({ module, slot });
  }
  report.planned = work.length;
  if (work.length > 0) opts.log({ event: "packing_pipeline_started", planned: work.length, modules: opts.modules.map((m) => m.opts.partition) });
  const fetchedQ = new BoundedQueue<Fetched>("fetched", opts.queueChunksMax);
  const packedQ = new BoundedQueue<Packed>("packed", opts.queueChunksMax);
  const failAll = (err: unknown): void => {
    fetchedQ.fail(err);
    packedQ.fail(err);
  };
  const onAbort = (): void => failAll(opts.signal?.reason ?? new Error("aborted"));
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all([
      guarded(fetchStage(opts, work, fetchedQ, report, failures), failAll),
      guarded(packStage(opts, fetchedQ, packedQ), failAll),
      guarded(writeStage(opts, packedQ, report, failures), failAll),
    ]);
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  // An idle resync (nothing planned, nothing failed) is the common case once caught up: not worth a line every interval.
  if (report.stored > 0 || report.failedOffsets.length > 0 || report.failedModules.length > 0 || report.drained) {
    opts.log({ event: "packing_pipeline_done", ...report, failedOffsets: report.failedOffsets.map(String) });
  }
  return report;
}

async function guarded(stage: Promise<void>, failAll: (err: unknown) => void): Promise<void> {
  try {
    await stage;
  } catch (err) {
    failAll(err);
    throw err;
  }
}

async function fetchStage(
  opts: PipelineOptions,
  work: { module: StorageModule; slot: number }[],
  out: BoundedQueue<Fetched>,
  report: PipelineReport,
  failures: RunFailures,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      if (opts.drain?.aborted === true) {
        report.drained = true;
        break;
      }
      const { module, slot } = work[next++]!;
      if (failures.has(module)) continue;
      const offset = requestOffsetOfSlot(module.geometry, slot);
      let fetched: FetchedChunk | undefined;
      try {
        fetched = await opts.fetcher.fetch(offset);
      } catch (err) {
        if (!(err instanceof NoValidReplyError)) throw err;
        report.failedOffsets.push(offset);
        continue;
      }
      if (fetched === undefined) {
        report.missing += 1;
        continue;
      }
      opts.metrics.chunkSynced(module.opts.partition, fetched.chunk.length);
      await out.push({ module, fetched });
    }
  };
  await Promise.all(Array.from({ length: opts.fetchConcurrency }, worker));
  out.close();
}

async function packStage(opts: PipelineOptions, input: BoundedQueue<Fetched>, out: BoundedQueue<Packed>): Promise<void> {
  for (;;) {
    const batch = await input.popBatch(opts.packBatchChunksMax, opts.packBatchLingerMs ?? packBatchLingerMsDefault);
    if (batch.length === 0) break;
    // One address per module; group so each native call packs for one address.
    for (const group of groupBy(batch, (b) => b.module)) {
      const started = performance.now();
      const items = group.map(({ fetched }) => ({ absoluteEnd: fetched.proven.absoluteEnd, txRoot: fetched.block.txRoot, chunk: fetched.chunk }));
      const packed = await opts.packer.pack(items, group[0]!.module.opts.miningAddress);
      opts.metrics.batchPacked(group.length, performance.now() - started);
      for (let i = 0; i < group.length; i += 1) {
        const { module, fetched } = group[i]!;
        await out.push({
          module,
          write: {
            packed: packed[i]!,
            absoluteEnd: fetched.proven.absoluteEnd,
            chunkSize: fetched.proven.chunkSizeBytes,
            chunkId: fetched.proven.chunkId,
            proofs: { txPath: fetched.txPath, dataPath: fetched.dataPath },
          },
        });
      }
    }
  }
  out.close();
}

async function writeStage(opts: PipelineOptions, input: BoundedQueue<Packed>, report: PipelineReport, failures: RunFailures): Promise<void> {
  for (;;) {
    const batch = await input.popBatch(opts.writeBatchChunksMax);
    if (batch.length === 0) return;
    for (const group of groupBy(batch, (b) => b.module)) {
      const module = group[0]!.module;
      if (failures.has(module)) continue;
      let outcomes: WriteOutcome[];
      try {
        outcomes = await module.writeChunks(group.map((g) => g.write));
      } catch (err) {
        failures.fail(module, err);
        continue;
      }
      const stored = outcomes.filter((o) => o === "stored").length;
      report.stored += stored;
      report.alreadyStored += outcomes.length - stored;
      opts.metrics.chunksStored(module.opts.partition, stored);
    }
  }
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [item]);
    else g.push(item);
  }
  return [...groups.values()];
}
