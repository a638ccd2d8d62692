// The storage modules this agent holds, with each one's state: opening, open, closing or failed.
// apply() moves the set to a desired list (planChanges), one change set at a time; fail() takes a
// module whose disk failed out of service at once, so packing and mining of every other module go on.
// Users (the sync loop, the miner) are told through onChange and ask openModules() for the set.
import type { Logger } from "../log.ts";
import type { StorageModule } from "../storage/module.ts";
import { failureOf, planChanges, type FailureReason, type HeldPartition, type ModuleFailure, type PartitionAssignment } from "./assignments.ts";

export type ModuleState =
  | { type: "opening" }
  | { type: "open"; module: StorageModule }
  | { type: "closing"; module: StorageModule }
  | { type: "failed"; failure: ModuleFailure; storedChunks: number; slots: number | undefined };

export interface HeldModule {
  assignment: PartitionAssignment;
  state: ModuleState;
}

export interface ModuleSetOptions {
  open(a: PartitionAssignment): Promise<StorageModule>;
  log: Logger;
  /** The set of open modules changed (opened, closing, closed or failed). Must not throw. */
  onChange(): void;
  now?: () => number;
}

export class ModuleSet {
  private readonly held = new Map<number, HeldModule>();
  /** apply() and exclusive() calls run one after another, in call order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ModuleSetOptions) {}

  /** Opens and closes modules until the held set matches `desired`. Open failures become Failed states. */
  apply(desired: readonly PartitionAssignment[]): Promise<void> {
    return this.exclusive(() => this.applyNow(desired));
  }

  /** Runs `fn` while no apply() is in progress (e.g. erasing a module directory that must not be held). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Healthy open modules, by partition. */
  openModules(): StorageModule[] {
    const out: StorageModule[] = [];
    for (const h of this.sorted()) if (h.state.type === "open") out.push(h.state.module);
    return out;
  }

  get(partition: number): HeldModule | undefined {
    return this.held.get(partition);
  }

  list(): HeldModule[] {
    return this.sorted();
  }

  /**
   * Takes a module out of service after a disk error or failed verification. Ignored unless `module`
   * is the one currently open for its partition (an error from a module being closed on purpose, or
   * a second report of the same failure, changes nothing). Returns whether the state changed.
   */
  fail(module: StorageModule, reason: FailureReason, message: string): boolean {
    const h = this.held.get(module.opts.partition);
    if (h === undefined || h.state.type !== "open" || h.state.module !== module) return false;
    h.state = { type: "failed", failure: { reason, message, atMs: this.now() }, storedChunks: module.storedCount, slots: module.slots };
    this.opts.log({ event: "partition_failed", partition: module.opts.partition, root: h.assignment.root, reason, message });
    this.opts.onChange();
    // Close in the background: in-flight operations finish (or fail) first; a broken disk may fail the close too.
    module.close().catch((err: unknown) => this.opts.log({ event: "storage_module_close_failed", partition: module.opts.partition, error: err }));
    return true;
  }

  /** Closes every module (agent stop). */
  closeAll(): Promise<void> {
    return this.apply([]);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private sorted(): HeldModule[] {
    return [...this.held.entries()].sort((a, b) => a[0] - b[0]).map(([, h]) => h);
  }

  private async applyNow(desired: readonly PartitionAssignment[]): Promise<void> {
    const view = new Map<number, HeldPartition>([...this.held].map(([p, h]) => [p, { assignment: h.assignment, failed: h.state.type === "failed" }]));
    const changes = planChanges(view, desired);
    for (const partition of changes.close) await this.closeOne(partition);
    for (const a of changes.update) this.held.get(a.partition)!.assignment = a;
    for (const a of changes.open) await this.openOne(a);
  }

  private async closeOne(partition: number): Promise<void> {
    const h = this.held.get(partition)!;
    if (h.state.type === "open") {
      const module = h.state.module;
      h.state = { type: "closing", module };
      this.opts.onChange();
      try {
        await module.close();
      } catch (err) {
        this.opts.log({ event: "storage_module_close_failed", partition, error: err });
      }
    }
    this.held.delete(partition);
    this.opts.log({ event: "partition_released", partition, root: h.assignment.root });
    this.opts.onChange();
  }

  private async openOne(a: PartitionAssignment): Promise<void> {
    const h: HeldModule = { assignment: a, state: { type: "opening" } };
    this.held.set(a.partition, h);
    try {
      h.state = { type: "open", module: await this.opts.open(a) };
      this.opts.log({ event: "partition_opened", partition: a.partition, root: a.root, revision: a.revision });
    } catch (err) {
      const failure = failureOf("open", err, this.now());
      h.state = { type: "failed", failure, storedChunks: 0, slots: undefined };
      this.opts.log({ event: "partition_failed", partition: a.partition, root: a.root, reason: failure.reason, message: failure.message });
    }
    this.opts.onChange();
  }
}
