// Pure: when a pod writes the progress of a process (AOProcess status.lastNonce/lastEvaluatedTime).
// Every evaluated nonce is recorded, but each process is written at most once per interval: the
// first progress after a quiet interval goes out at once, later ones wait for the interval to end and
// only the newest of them is written (a trailing write, so the last nonce always lands).

export interface Progress {
  readonly nonce: number;
  readonly evaluatedAtMs: number;
}

export type ThrottleDecision =
  | { readonly type: "write"; readonly progress: Progress }
  | { readonly type: "wait"; readonly untilMs: number }
  | { readonly type: "idle" };

interface Entry {
  lastWriteMs: number | undefined;
  pending: Progress | undefined;
}

export class StatusThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly intervalMs: number) {}

  /** Notes new progress; an older nonce than one already pending is ignored. */
  record(processId: string, progress: Progress): void {
    const entry = this.entries.get(processId) ?? { lastWriteMs: undefined, pending: undefined };
    if (entry.pending === undefined || progress.nonce > entry.pending.nonce) entry.pending = progress;
    this.entries.set(processId, entry);
  }

  /** What to do now. A "write" counts as the write of this interval whether or not it succeeds. */
  next(processId: string, nowMs: number): ThrottleDecision {
    const entry = this.entries.get(processId);
    if (entry?.pending === undefined) return { type: "idle" };
    const dueMs = entry.lastWriteMs === undefined ? nowMs : entry.lastWriteMs + this.intervalMs;
    if (nowMs < dueMs) return { type: "wait", untilMs: dueMs };
    const progress = entry.pending;
    entry.pending = undefined;
    entry.lastWriteMs = nowMs;
    return { type: "write", progress };
  }

  /** A write that failed: its progress goes back (unless newer is pending) for the next interval. */
  failed(processId: string, progress: Progress): void {
    this.record(processId, progress);
  }

  /** Drops a process this pod no longer evaluates (handoff), so the map holds only live ones. */
  forget(processId: string): void {
    this.entries.delete(processId);
  }

  get size(): number {
    return this.entries.size;
  }
}
