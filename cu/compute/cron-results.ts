// Reads stored cron results by time, for GET /cron/:processId?from&to (timestamps in ms; from
// exclusive, to inclusive, as in the reference CU). Which ticks exist and where their results are kept
// is recomputed from the log (compute/cron.ts), so nothing but the results themselves is stored.
// The caller has evaluated the process through `lastNonce` first, so every gap before it is complete.
import { CorruptLogError } from "../errors.ts";
import { loaderTags } from "../evaluator/messages.ts";
import { advanceClock, cronPlan, gapTicks, hasCrons, parseCrons, type CronClock } from "./cron.ts";
import type { AssignmentLog, ResultStore, ScheduledEntry, StoredCronResult } from "./stores.ts";

export interface CronQuery {
  /** Exclusive lower bound on the tick's Timestamp; absent: from the first tick. */
  readonly fromMs?: number;
  /** Inclusive upper bound; absent: up to the last scheduled message. */
  readonly toMs?: number;
  /** Results per page; a page is extended to keep ticks of one instant together (the cursor is a time). */
  readonly limit: number;
}

export interface CronPage {
  readonly results: readonly StoredCronResult[];
  readonly hasNextPage: boolean;
}

async function entryAt(log: AssignmentLog, processId: string, nonce: number): Promise<ScheduledEntry> {
  for await (const entry of log.read(processId, nonce, nonce)) return entry;
  throw new CorruptLogError(`${processId} has no nonce ${nonce} below its last`);
}

/**
 * The nonce to start scanning gaps at: the last one scheduled at or before `fromMs`. A binary search
 * over Timestamps, which the scheduler keeps non-decreasing per process; a log from before that rule
 * may start a little late, never wrong (every result is checked against its computed tick below).
 */
async function startNonce(log: AssignmentLog, processId: string, lastNonce: number, fromMs: number | undefined): Promise<number> {
  if (fromMs === undefined) return 0;
  let [low, high] = [0, lastNonce];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((await entryAt(log, processId, mid)).assignment.timestamp <= fromMs) low = mid;
    else high = mid - 1;
  }
  return low;
}

export async function readCronResults(log: AssignmentLog, results: ResultStore, processId: string, lastNonce: number, query: CronQuery): Promise<CronPage> {
  const origin = await entryAt(log, processId, 0);
  const crons = cronPlan(parseCrons(loaderTags(origin.message.tags)), { timestampMs: origin.assignment.timestamp, blockHeight: origin.assignment.blockHeight });
  if (!hasCrons(crons) || lastNonce === 0) return { results: [], hasNextPage: false };
  const from = query.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = query.toMs ?? Number.POSITIVE_INFINITY;
  const page: StoredCronResult[] = [];
  let left: CronClock | undefined;
  let nonce = (await startNonce(log, processId, lastNonce, query.fromMs)) - 1;
  for await (const entry of log.read(processId, nonce + 1, lastNonce)) {
    const clock = advanceClock(left ?? { timestampMs: 0, blockHeight: 0 }, entry.assignment.timestamp, entry.assignment.blockHeight);
    if (left !== undefined) {
      for (const tick of gapTicks(crons, left, clock)) {
        if (tick.timestampMs <= from) continue;
        if (tick.timestampMs > to) return { results: page, hasNextPage: false };
        if (page.length >= query.limit && tick.timestampMs !== page.at(-1)?.timestamp) return { results: page, hasNextPage: true };
        const stored = await results.getCron(processId, nonce, tick.index);
        if (stored === undefined || stored.timestamp !== tick.timestampMs) throw new CorruptLogError(`${processId}: cron result ${nonce}+${tick.index} is missing or misplaced`);
        page.push(stored);
      }
    }
    if (clock.timestampMs > to) break;
    left = clock;
    nonce = entry.assignment.nonce;
  }
  return { results: page, hasNextPage: false };
}
