// Starting the planned components: config files and directories, the process, its readiness probe,
// lifecycle events to the log and the status model. Waves of one kind start together (two vdf
// processes need not wait for each other), waves in plan order; a gating wave is waited for.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ComponentSpec } from "./plan.ts";
import { logTail, type ChildComponent, type ProcessGroupSet } from "./processes.ts";
import { logSizeOf, waitReady } from "./ready.ts";
import type { ComponentStatus } from "./status/model.ts";
import type { Logger } from "./terminal.ts";

export interface Running {
  readonly spec: ComponentSpec;
  readonly child: ChildComponent;
  /** The log's size at start: a ready line must come after it. */
  readonly logOffset: number;
  ready: boolean;
}

/** Consecutive specs of one kind, in plan order. */
export function waves(specs: readonly ComponentSpec[]): ComponentSpec[][] {
  const out: ComponentSpec[][] = [];
  for (const spec of specs) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0]!.kind === spec.kind) last.push(spec);
    else out.push([spec]);
  }
  return out;
}

export interface ComponentRunnerOptions {
  readonly procs: ProcessGroupSet;
  readonly logDir: string;
  readonly readyTimeoutMs: number;
  readonly stop: AbortSignal;
  readonly log: Logger;
  /** Called whenever a component starts, becomes ready or exits. */
  readonly changed: () => void;
}

export class ComponentRunner {
  readonly running: Running[] = [];
  stopping = false;

  constructor(private readonly opts: ComponentRunnerOptions) {}

  status(): ComponentStatus[] {
    return this.running.map((r) => {
      const exit = r.child.exit;
      const state = exit !== undefined ? (this.stopping ? "stopped" : "down") : r.ready ? "up" : "starting";
      return { name: r.spec.name, kind: r.spec.kind, pid: r.child.pid, state, exit: exit === undefined ? undefined : { code: exit.code, signal: exit.signal }, logPath: r.child.logPath };
    });
  }

  isUp(name: string): boolean {
    return this.running.some((r) => r.spec.name === name && r.ready && r.child.exit === undefined);
  }

  /** Starts one wave; resolves once its gating members are ready (throws if one fails). */
  async startWave(wave: readonly ComponentSpec[]): Promise<void> {
    const started = wave.map((spec) => this.startOne(spec));
    await Promise.all(started.filter((r) => r.spec.gating).map((r) => this.readyOne(r)));
    for (const r of started.filter((x) => !x.spec.gating)) {
      void this.readyOne(r).catch((err: unknown) => this.opts.log({ event: "component_not_ready", name: r.spec.name, code: (err as { code?: string }).code }));
    }
  }

  private startOne(spec: ComponentSpec): Running {
    const { log } = this.opts;
    if (spec.configFile !== undefined) writeFileSync(spec.configFile.path, spec.configFile.text);
    for (const d of spec.dirs) mkdirSync(d, { recursive: true });
    const logOffset = logSizeOf(join(this.opts.logDir, `${spec.name}.log`));
    const child = this.opts.procs.start(spec.name, spec.bin, spec.args);
    const r: Running = { spec, child, logOffset, ready: false };
    this.running.push(r);
    this.opts.changed();
    log({ event: "component_started", name: spec.name, pid: child.pid, log: child.logPath });
    void child.exited.then((exit) => {
      this.opts.changed();
      if (!this.stopping) log({ event: "component_down", name: spec.name, pid: child.pid, code: exit.code, signal: exit.signal, log: child.logPath });
    });
    return r;
  }

  private async readyOne(r: Running): Promise<void> {
    await waitReady(r.child, r.spec.ready, this.opts.readyTimeoutMs, () => logTail(r.child), this.opts.stop, r.logOffset);
    if (this.opts.stop.aborted) return;
    r.ready = true;
    this.opts.changed();
    this.opts.log({ event: "component_ready", name: r.spec.name, ms: Date.now() - r.child.startedAtMs });
  }
}
