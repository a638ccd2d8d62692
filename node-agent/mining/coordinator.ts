// The mining coordinator (after the Arweave reference's structure): for every verified VDF step and
// every local partition it schedules H0 -> recall range 1 reads -> H1 for the whole range -> recall
// range 2 (local reads + H2, or the H1s handed to the replica peer that holds that partition).
// Reads go through one IO loop per device with cache space reserved first; the scheduler runs H2
// before H1 before H0 and drops work of a VDF session that has ended. Every solution is re-verified
// by checkSolution before it is published.
import { computeH0, computeH1s, computeH2s, recallRangeStarts, type RandomxContext } from "../../native/index.ts";
import type { VdfStepMessage } from "../../protocol/vdf/index.ts";
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import { CHUNK_BYTES, slotOfByte } from "../storage/layout.ts";
import type { StorageModule } from "../storage/module.ts";
import type { IoLoop } from "./io-loop.ts";
import type { ReadBudget } from "./read-budget.ts";
import { geometryOf, minablePartitionMax, nonceByte, rangeRuns, usableSubRuns, type RangeRun } from "./recall.ts";
import { MiningScheduler } from "./scheduler.ts";
import { checkSolution, hashValue, type Solution, type SolutionCheckDeps, type SolutionChunk } from "./solution.ts";
import { h2ReplySolutionsMax, type H2Found, type H2Reply, type H2Request } from "./h2-protocol.ts";

export interface LocalPartition {
  module: StorageModule;
  io: IoLoop;
}

/** Sends H1s to the replica peer holding partition2; undefined when no peer answered. */
export type RemoteH2 = (request: H2Request) => Promise<H2Reply | undefined>;

export interface CoordinatorOptions {
  nodeName: string;
  chain: string;
  miningAddress: Uint8Array;
  partitionSizeBytes: bigint;
  partitionUpperBound: () => bigint;
  recallRangeChunks: number;
  hashThreads: number;
  /** Tasks in flight (each awaits a read or a native batch). */
  tasksConcurrency: number;
  /** Queued H0 tasks beyond this are dropped oldest first (the miner is behind). */
  queuedH0Max: number;
  local: ReadonlyMap<number, LocalPartition>;
  ctx: RandomxContext;
  check: SolutionCheckDeps;
  budget: ReadBudget;
  publish: (s: Solution) => Promise<void>;
  remoteH2: RemoteH2 | undefined;
  metrics: AgentMetrics;
  log: Logger;
}

interface StepContext {
  step: VdfStepMessage;
  session: string;
  upperBound: bigint;
}

export interface CoordinatorStats {
  steps: number;
  h1: number;
  h2: number;
  remoteH2Requests: number;
  solutions: number;
  rejectedSolutions: number;
  staleDropped: number;
  /** Solutions found for a peer beyond h2ReplySolutionsMax in one reply (not sent: the payload limit). */
  replySolutionsDropped: number;
}

export function sessionKey(step: VdfStepMessage): string {
  return `${step.session.interval}:${Buffer.from(step.session.seed).toString("hex")}`;
}

export class MiningCoordinator {
  readonly stats: CoordinatorStats = { steps: 0, h1: 0, h2: 0, remoteH2Requests: 0, solutions: 0, rejectedSolutions: 0, staleDropped: 0, replySolutionsDropped: 0 };
  private readonly scheduler: MiningScheduler;
  private currentSession: string | undefined;
  private lastStepAt: number | undefined;

  constructor(private readonly opts: CoordinatorOptions) {
    const rangeBytes = opts.recallRangeChunks * CHUNK_BYTES;
    if (opts.budget.readCacheBytesMax < rangeBytes) throw new RangeError(`readCacheBytesMax must hold one recall range (${rangeBytes} bytes)`);
    this.scheduler = new MiningScheduler(
      opts.tasksConcurrency,
      opts.queuedH0Max,
      (count, why) => {
        this.stats.staleDropped += count;
        opts.metrics.staleDropped(count);
        opts.log({ event: "mining_work_dropped", count, why });
      },
      (err, task) => opts.log({ event: "mining_task_failed", kind: task.kind, step: task.step, error: err }),
    );
  }

  /** Consumes verified steps until the iterable ends. */
  async run(steps: AsyncIterable<VdfStepMessage>): Promise<void> {
    for await (const step of steps) this.onStep(step);
  }

  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Mining tasks queued or running. */
  get queueDepth(): number {
    return this.scheduler.pending;
  }

  onStep(step: VdfStepMessage): void {
    const session = sessionKey(step);
    if (this.currentSession !== undefined && session !== this.currentSession) this.scheduler.dropStale(session);
    this.currentSession = session;
    this.stats.steps += 1;
    const now = performance.now();
    const partitions = this.minable(this.opts.partitionUpperBound());
    this.opts.metrics.vdfStep(this.lastStepAt === undefined ? undefined : now - this.lastStepAt, {
      reads: partitions.length * 2 * this.opts.recallRangeChunks,
      hashes: partitions.length * this.opts.recallRangeChunks * 1.01,
    });
    this.lastStepAt = now;
    const ctx: StepContext = { step, session, upperBound: this.opts.partitionUpperBound() };
    for (const partition of partitions) {
      this.scheduler.push({ kind: "h0", session, step: step.step, run: () => this.h0Task(ctx, partition) });
    }
  }

  private minable(upperBound: bigint): number[] {
    if (upperBound === 0n) return [];
    const max = minablePartitionMax(upperBound, this.opts.partitionSizeBytes);
    return [...this.opts.local.keys()].filter((p) => p <= max).sort((a, b) => a - b);
  }

  private stale(ctx: StepContext): boolean {
    return ctx.session !== this.currentSession;
  }

  private async h0Task(ctx: StepContext, partition: number): Promise<void> {
    const { step } = ctx;
    const h0 = await computeH0(this.opts.ctx, { vdfOutput: step.output, partitionNumber: partition, seed: step.session.seed, miningAddress: this.opts.miningAddress });
    const { range1Start, range2Start } = recallRangeStarts(h0, partition, ctx.upperBound, this.opts.partitionSizeBytes);
    if (this.stale(ctx)) return;
    this.scheduler.push({ kind: "h1", session: ctx.session, step: step.step, run: () => this.h1Task(ctx, partition, h0, range1Start, range2Start) });
  }

  /** Reads a run (cache space first), hands the bytes to `use`, releases the space after. */
  private async withRun<T>(local: LocalPartition, run: RangeRun, use: (chunks: Buffer) => Promise<T>): Promise<T> {
    const reservation = await this.opts.budget.reserve(run.count * CHUNK_BYTES);
    try {
      return await use(await local.io.read(local.module, run.firstSlot, run.count, reservation.buffer));
    } finally {
      reservation.release();
    }
  }

  private async h1Task(ctx: StepContext, partition: number, h0: Buffer, r1: bigint, r2: bigint): Promise<void> {
    const h1s = new Map<number, Buffer>();
    for (const run of rangeRuns(r1, this.opts.recallRangeChunks, this.opts.partitionSizeBytes)) {
      const local = this.opts.local.get(run.partition);
      if (local === undefined) continue;
      for (const sub of usableSubRuns(run, (slot) => local.module.isStored(slot))) {
        if (this.stale(ctx)) return;
        const result = await this.withRun(local, sub, (chunks) => computeH1s(h0, chunks, { firstNonce: sub.firstNonce, difficulty: this.opts.check.difficultyH1, threads: this.opts.hashThreads }));
        this.stats.h1 += sub.count;
        this.opts.metrics.hashed("h1", partition, sub.count);
        for (let i = 0; i < sub.count; i += 1) h1s.set(sub.firstNonce + i, Buffer.from(result.hashes.subarray(i * 32, i * 32 + 32)));
        for (const i of result.solutions) await this.solutionFound(ctx, partition, h0, sub.firstNonce + i, h1s.get(sub.firstNonce + i)!, undefined);
      }
    }
    if (h1s.size === 0 || this.stale(ctx)) return;
    for (const run of rangeRuns(r2, this.opts.recallRangeChunks, this.opts.partitionSizeBytes)) {
      // A range can run past the end of the weave (the partition upper bound): no chunk exists there.
      if (nonceByte(r2, run.firstNonce) >= ctx.upperBound) continue;
      const local = this.opts.local.get(run.partition);
      const task = local !== undefined ? () => this.h2Local(ctx, partition, h0, run, h1s, local) : () => this.h2Remote(ctx, partition, h0, r2, run, h1s);
      this.scheduler.push({ kind: "h2", session: ctx.session, step: ctx.step.step, run: task });
    }
  }

  private async h2Local(ctx: StepContext, partition: number, h0: Buffer, run: RangeRun, h1s: Map<number, Buffer>, local: LocalPartition): Promise<void> {
    for (const sub of usableSubRuns(run, (slot, nonce) => local.module.isStored(slot) && h1s.has(nonce))) {
      if (this.stale(ctx)) return;
      const pairedH1s = Buffer.concat(Array.from({ length: sub.count }, (_, i) => h1s.get(sub.firstNonce + i)!));
      const result = await this.withRun(local, sub, (chunks) => computeH2s(h0, pairedH1s, chunks, { difficulty: this.opts.check.difficulty, threads: this.opts.hashThreads }));
      this.stats.h2 += sub.count;
      this.opts.metrics.hashed("h2", partition, sub.count);
      for (const i of result.solutions) {
        const nonce = sub.firstNonce + i;
        const chunk2 = await this.storedChunk(local.module, sub.firstSlot + i);
        await this.solutionFound(ctx, partition, h0, nonce, h1s.get(nonce)!, { h2: result.hashes.subarray(i * 32, i * 32 + 32), chunk2, by: this.opts.nodeName });
      }
    }
  }

  private async h2Remote(ctx: StepContext, partition: number, h0: Buffer, r2: bigint, run: RangeRun, h1s: Map<number, Buffer>): Promise<void> {
    if (this.opts.remoteH2 === undefined) return;
    const nonces = Array.from({ length: run.count }, (_, i) => run.firstNonce + i).filter((n) => h1s.has(n));
    if (nonces.length === 0) return;
    this.stats.remoteH2Requests += 1;
    const reply = await this.opts.remoteH2({
      chain: this.opts.chain,
      step: ctx.step.step,
      session: ctx.session,
      requester: this.opts.nodeName,
      h0,
      range2Start: r2,
      partition2: run.partition,
      nonces,
      h1s: Buffer.concat(nonces.map((n) => h1s.get(n)!)),
    });
    if (reply === undefined || reply.status !== "ok") return;
    for (const f of reply.found) {
      const chunk2: SolutionChunk = { partition: run.partition, slot: f.slot, absoluteEnd: f.absoluteEnd, chunkSize: f.chunkSize, packed: f.packed, txPath: f.txPath, dataPath: f.dataPath };
      await this.solutionFound(ctx, partition, h0, f.nonce, h1s.get(f.nonce)!, { h2: f.h2, chunk2, by: reply.responder });
    }
  }

  /** Serves a replica peer's H2 request for a partition held here. */
  async serveH2(req: H2Request): Promise<H2Reply> {
    const local = this.opts.local.get(req.partition2);
    const reply: H2Reply = { status: "ok", responder: this.opts.nodeName, hashed: 0, found: [] };
    if (local === undefined) return { ...reply, status: "not-held" };
    if (this.currentSession !== undefined && req.session !== this.currentSession) return { ...reply, status: "stale" };
    const h1Of = new Map(req.nonces.map((n, i) => [n, Buffer.from(req.h1s.subarray(i * 32, i * 32 + 32))]));
    const runs = rangeRuns(req.range2Start, this.opts.recallRangeChunks, this.opts.partitionSizeBytes).filter((r) => r.partition === req.partition2);
    let dropped = 0;
    for (const run of runs) {
      for (const sub of usableSubRuns(run, (slot, nonce) => local.module.isStored(slot) && h1Of.has(nonce))) {
        const paired = Buffer.concat(Array.from({ length: sub.count }, (_, i) => h1Of.get(sub.firstNonce + i)!));
        const result = await this.withRun(local, sub, (chunks) => computeH2s(req.h0, paired, chunks, { difficulty: this.opts.check.difficulty, threads: this.opts.hashThreads }));
        reply.hashed += sub.count;
        this.stats.h2 += sub.count;
        this.opts.metrics.hashed("h2", req.partition2, sub.count);
        for (const i of result.solutions) {
          if (reply.found.length >= h2ReplySolutionsMax) {
            dropped += 1;
            continue;
          }
          reply.found.push(await this.foundEntry(local.module, sub.firstNonce + i, sub.firstSlot + i, result.hashes.subarray(i * 32, i * 32 + 32)));
        }
      }
    }
    if (dropped > 0) {
      // Each solution carries a 256 KiB chunk and NATS caps a payload at 1 MiB; more than two H2
      // solutions in one recall range means the difficulty is far too easy (a devnet), so say so.
      this.stats.replySolutionsDropped += dropped;
      this.opts.metrics.replySolutionsDropped(dropped);
      this.opts.log({ event: "mining_h2_reply_solutions_dropped", requester: req.requester, step: req.step, partition2: req.partition2, sent: reply.found.length, dropped });
    }
    return reply;
  }

  private async foundEntry(module: StorageModule, nonce: number, slot: number, h2: Uint8Array): Promise<H2Found> {
    const c = await this.storedChunk(module, slot);
    return { nonce, h2: Buffer.from(h2), slot, absoluteEnd: c.absoluteEnd, chunkSize: c.chunkSize, packed: c.packed, txPath: c.txPath, dataPath: c.dataPath };
  }

  /** A fresh read of a stored slot with its index entry and proofs (never the mining cache's bytes). */
  private async storedChunk(module: StorageModule, slot: number): Promise<SolutionChunk> {
    const [record, proofs] = [await module.get(slot), await module.proofs(slot)];
    if (record === undefined || proofs === undefined) throw new RangeError(`slot ${slot} of partition ${module.opts.partition} is not stored`);
    const packed = Buffer.alloc(CHUNK_BYTES);
    await module.readSlots(slot, 1, packed);
    return { partition: module.opts.partition, slot, absoluteEnd: record.absoluteEnd, chunkSize: record.chunkSize, packed, txPath: proofs.txPath, dataPath: proofs.dataPath };
  }

  private async solutionFound(
    ctx: StepContext,
    partition: number,
    h0: Buffer,
    nonce: number,
    h1: Buffer,
    second: { h2: Uint8Array; chunk2: SolutionChunk; by: string } | undefined,
  ): Promise<void> {
    const { range1Start, range2Start } = recallRangeStarts(h0, partition, ctx.upperBound, this.opts.partitionSizeBytes);
    const byte1 = nonceByte(range1Start, nonce);
    const geometry = geometryOf(Number(byte1 / this.opts.partitionSizeBytes), this.opts.partitionSizeBytes);
    const local1 = this.opts.local.get(geometry.partition);
    const slot1 = slotOfByte(geometry, byte1);
    if (local1 === undefined || slot1 === undefined) throw new RangeError(`recall byte ${byte1} is not held here`);
    const solution: Solution = {
      kind: second === undefined ? "h1" : "h2",
      chain: this.opts.chain,
      step: ctx.step.step,
      vdfOutput: ctx.step.output,
      session: ctx.step.session,
      partition,
      partitionUpperBound: ctx.upperBound,
      partitionSizeBytes: this.opts.partitionSizeBytes,
      miningAddress: this.opts.miningAddress,
      nonce,
      h0,
      h1,
      h2: second?.h2,
      recallByte1: byte1,
      recallByte2: second === undefined ? undefined : nonceByte(range2Start, nonce),
      chunk1: await this.storedChunk(local1.module, slot1),
      chunk2: second?.chunk2,
      foundBy: this.opts.nodeName,
      h2By: second?.by,
    };
    try {
      await checkSolution(solution, this.opts.check);
    } catch (err) {
      this.stats.rejectedSolutions += 1;
      this.opts.log({ event: "mining_solution_rejected", step: ctx.step.step, partition, nonce, error: err });
      return;
    }
    this.stats.solutions += 1;
    this.opts.metrics.solutionFound(solution.kind);
    this.opts.log({ event: "mining_solution_found", kind: solution.kind, step: ctx.step.step, partition, nonce, h2By: solution.h2By, value: hashValue(solution.h2 ?? solution.h1).toString(16).slice(0, 12) });
    await this.opts.publish(solution);
  }
}
