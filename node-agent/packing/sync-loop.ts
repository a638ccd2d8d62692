// The agent's sync -> pack -> write loop over whatever modules are open: refresh the peers' block
// index, run the pipeline over the current modules, then wait for the resync interval or a change of
// the module set. A change drains the running pipeline (no new slots; what is fetched is packed and
// written) and starts the next run at once with the new set, which plans from the indexes again, so
// nothing is lost or done twice. A module whose disk fails is reported and dropped from the run.
import type { Logger } from "../log.ts";
import type { AgentMetrics } from "../metrics.ts";
import type { StorageModule } from "../storage/module.ts";
import { BlockMap } from "../sync/block-map.ts";
import { ChunkFetcher } from "../sync/fetcher.ts";
import type { HttpPeer } from "../sync/http-peer.ts";
import type { sync } from "../../protocol/index.ts";
import { wakeableSleep } from "../timers.ts";
import type { Packer } from "./packer.ts";
import { runPipeline, type PipelineBounds, type PipelineReport } from "./pipeline.ts";

/** Retry of the first block index fetch while no peer has answered yet. */
export const blockIndexRetryMs = 5_000;

/** Where a module is in the current sync: not in a run yet, slots left to fetch, or caught up with the weave. */
export type ModuleSyncState = "waiting" | "running" | "caughtUp";

export interface SyncLoopOptions {
  peers: readonly HttpPeer[];
  bounds: PipelineBounds;
  resyncIntervalMs: number;
  rules: sync.DataPathRules;
  packer: Packer;
  metrics: AgentMetrics;
  log: Logger;
  /** The healthy open modules, read at the start of every run. */
  modules: () => StorageModule[];
  onModuleError: (module: StorageModule, err: unknown) => void;
}

export interface SyncLoopStatus {
  runs: number;
  running: boolean;
  last: PipelineReport | undefined;
  lastError: string | undefined;
}

export class SyncLoop {
  blocks: BlockMap | undefined;
  readonly status: SyncLoopStatus = { runs: 0, running: false, last: undefined, lastError: undefined };
  private blocksAtMs = -Infinity;
  private readonly states = new WeakMap<StorageModule, ModuleSyncState>();
  private drain: AbortController | undefined;
  private changed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: SyncLoopOptions) {}

  syncStateOf(module: StorageModule): ModuleSyncState {
    return this.states.get(module) ?? "waiting";
  }

  /** The module set changed: finish the running pipeline early and start over with the new set. */
  modulesChanged(): void {
    this.changed = true;
    this.drain?.abort();
    this.wake?.();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.changed = false;
      try {
        await this.refreshBlocksIfDue();
        const modules = this.opts.modules();
        if (this.blocks !== undefined && modules.length > 0) await this.packOnce(modules, this.blocks, signal);
      } catch (err) {
        if (signal.aborted) return;
        this.status.lastError = String((err as Error).message);
        this.opts.log({ event: "packing_run_failed", error: err });
      }
      if (this.changed) continue;
      const pause = wakeableSleep(this.blocks === undefined ? blockIndexRetryMs : this.opts.resyncIntervalMs, signal);
      this.wake = pause.wake;
      await pause.done;
      this.wake = undefined;
    }
  }

  private async refreshBlocksIfDue(): Promise<void> {
    if (performance.now() - this.blocksAtMs < this.opts.resyncIntervalMs) return;
    for (const peer of this.opts.peers) {
      try {
        this.blocks = BlockMap.fromEntries(await peer.blockIndex(0, await peer.height()));
        this.blocksAtMs = performance.now();
        return;
      } catch (err) {
        this.opts.log({ event: "sync_block_index_failed", peer: peer.name, error: err });
      }
    }
  }

  private async packOnce(modules: StorageModule[], blocks: BlockMap, signal: AbortSignal): Promise<void> {
    const { peers, packer, metrics, log, rules } = this.opts;
    const fetcher = new ChunkFetcher({ sources: peers, blocks, rules, packer, metrics, log });
    const drain = (this.drain = new AbortController());
    if (this.changed) drain.abort();
    this.status.running = true;
    try {
      const report = await runPipeline({
        ...this.opts.bounds,
        modules,
        fetcher,
        blocks,
        packer,
        metrics,
        log,
        signal,
        drain: drain.signal,
        onModuleError: this.opts.onModuleError,
        onPlanned: (m, slots) => this.states.set(m, slots > 0 ? "running" : "caughtUp"),
      });
      if (!report.drained) for (const m of modules) this.states.set(m, "caughtUp");
      this.status.last = report;
      this.status.runs += 1;
      this.status.lastError = undefined;
    } finally {
      this.status.running = false;
      this.drain = undefined;
    }
  }
}
