// Cron messages (pure). A process whose tags carry `Cron-Interval` gets messages generated between its
// scheduled ones, as the reference CU does: every `Cron-Interval` tag starts a cron, the
// `Cron-Tag-<Name>` tags after it become that cron's message tags (`Cron-Tag-Action: Cron` ->
// `Action: Cron`). Intervals are `<n>-blocks` or a time (`10-seconds`, `5-minutes`, `1-hour`, ...,
// the units of the `ms` package the reference parses them with), floored to whole seconds, >= 1 s.
//
// Where ticks fall is a pure function of the assignment log, so every pod, every replay and every
// restore generates the same ticks in the same places:
// - A time cron of interval v fires at origin + j*v (j >= 1), origin = the Timestamp of the process's
//   own assignment (nonce 0). Those are the reference's instants (it fires in the seconds whose
//   distance to the origin's second is a multiple of v); here they keep the origin's milliseconds.
// - The gap after nonce n is [clock_n, clock_{n+1}), clock_n = the highest Timestamp of nonces 0..n
//   (a clock that went backwards gives an empty gap instead of firing an instant twice). Ticks at the
//   same instant come in interval order (shortest first, then tag order), as in the reference.
// - A block cron of interval v fires at heights origin + j*v. Assignments are the only block source
//   here (the reference reads gateway block metadata), so the heights a gap newly reaches,
//   (height_n, height_{n+1}] (highest so far on each side), fire at the end of that gap, ascending,
//   in tag order, stamped with the gap's end. Time ticks carry the gap's starting height.
// - Ticks are generated between scheduled messages only: the ticks after the last scheduled message
//   are evaluated once the next message is scheduled. A "now" from any one pod's clock could be later
//   than a message another pod assigns afterwards, and replays would then disagree (see README).
import type { LoaderTag } from "../evaluator/types.ts";
import { BadCronError } from "../errors.ts";

export const cronIntervalTag = "Cron-Interval";
const cronTagPattern = /^Cron-Tag-(.+)$/;

export interface Cron {
  /** The tag's text, e.g. "10-minutes" (part of the tick's name). */
  readonly interval: string;
  readonly unit: "blocks" | "seconds";
  /** Blocks, or whole seconds. */
  readonly value: number;
  readonly tags: readonly LoaderTag[];
}

const secondMs = 1_000;
const dayMs = 86_400_000;
// The units the reference accepts (it parses "<n> <unit>" with the `ms` package), in milliseconds.
const unitMs: ReadonlyMap<string, number> = new Map([
  ...["years", "year", "yrs", "yr", "y"].map((u) => [u, 365.25 * dayMs] as const),
  ...["weeks", "week", "w"].map((u) => [u, 7 * dayMs] as const),
  ...["days", "day", "d"].map((u) => [u, dayMs] as const),
  ...["hours", "hour", "hrs", "hr", "h"].map((u) => [u, 3_600_000] as const),
  ...["minutes", "minute", "mins", "min", "m"].map((u) => [u, 60_000] as const),
  ...["seconds", "second", "secs", "sec", "s"].map((u) => [u, secondMs] as const),
  ...["milliseconds", "millisecond", "msecs", "msec", "ms"].map((u) => [u, 1] as const),
]);

function parseInterval(interval: string): Pick<Cron, "unit" | "value"> {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*-\s*([A-Za-z]+)\s*$/.exec(interval);
  if (match === null) throw new BadCronError(`Cron-Interval ${JSON.stringify(interval)} is not "<number>-<unit>"`);
  const amount = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  if (unit === "block" || unit === "blocks") {
    if (!Number.isInteger(amount) || amount < 1) throw new BadCronError(`Cron-Interval ${JSON.stringify(interval)}: blocks must be a whole number >= 1`);
    return { unit: "blocks", value: amount };
  }
  const ms = unitMs.get(unit);
  if (ms === undefined) throw new BadCronError(`Cron-Interval ${JSON.stringify(interval)}: unknown unit ${JSON.stringify(unit)}`);
  const seconds = Math.floor((amount * ms) / secondMs);
  if (seconds < 1) throw new BadCronError(`Cron-Interval ${JSON.stringify(interval)}: a time-based cron cannot be less than 1 second`);
  return { unit: "seconds", value: seconds };
}

/** The crons of a process, from its tags in order; throws BadCronError for a malformed set. */
export function parseCrons(tags: readonly LoaderTag[]): Cron[] {
  const crons: { interval: string; unit: Cron["unit"]; value: number; tags: LoaderTag[] }[] = [];
  for (const tag of tags) {
    if (tag.name === cronIntervalTag) {
      crons.push({ interval: tag.value, ...parseInterval(tag.value), tags: [] });
      continue;
    }
    const name = cronTagPattern.exec(tag.name)?.[1];
    if (name === undefined) continue;
    const current = crons.at(-1);
    if (current === undefined) throw new BadCronError(`${tag.name} has no Cron-Interval before it`);
    current.tags.push({ name, value: tag.value });
  }
  return crons;
}

/** What the ticks of one process are generated from: its crons and its own assignment. */
export interface CronPlan {
  readonly origin: { readonly timestampMs: number; readonly blockHeight: number };
  /** Time crons, shortest interval first (stable), with their names. */
  readonly timed: readonly NamedCron[];
  /** Block crons in tag order, with their names. */
  readonly blocks: readonly NamedCron[];
}

interface NamedCron {
  readonly cron: Cron;
  /** `<index>-<interval>`, the index within its kind as the reference names them. */
  readonly name: string;
}

export function cronPlan(crons: readonly Cron[], origin: CronPlan["origin"]): CronPlan {
  const name = (list: Cron[]): NamedCron[] => list.map((cron, i) => ({ cron, name: `${i}-${cron.interval}` }));
  const timed = crons.filter((c) => c.unit === "seconds").sort((a, b) => a.value - b.value);
  return { origin, timed: name(timed), blocks: name(crons.filter((c) => c.unit === "blocks")) };
}

export function hasCrons(plan: CronPlan): boolean {
  return plan.timed.length > 0 || plan.blocks.length > 0;
}

/** The clock a gap starts from: the highest Timestamp and Block-Height scheduled so far. */
export interface CronClock {
  readonly timestampMs: number;
  readonly blockHeight: number;
}

/** The clock after one more scheduled message. */
export function advanceClock(clock: CronClock, timestampMs: number, blockHeight: number): CronClock {
  return { timestampMs: Math.max(clock.timestampMs, timestampMs), blockHeight: Math.max(clock.blockHeight, blockHeight) };
}

export interface CronTick {
  /** Position within its gap (0-based), the unit of cron progress in checkpoints. */
  readonly index: number;
  readonly timestampMs: number;
  readonly blockHeight: number;
  /** Which cron fired, e.g. "0-10-seconds". */
  readonly cron: string;
  readonly tags: readonly LoaderTag[];
}

/** First multiple j >= 1 of `step` with origin + j*step >= bound. */
function firstMultiple(origin: number, step: number, bound: number): number {
  return Math.max(1, Math.ceil((bound - origin) / step));
}

/**
 * The ticks of the gap from `left` (the clock after the last scheduled message) to `right` (the clock
 * after the next one), in evaluation order. Lazy: a long gap under a short interval has many ticks.
 */
export function* gapTicks(plan: CronPlan, left: CronClock, right: CronClock): Generator<CronTick> {
  let index = 0;
  const end = Math.max(left.timestampMs, right.timestampMs);
  const origin = plan.origin.timestampMs;
  const next = plan.timed.map((t) => firstMultiple(origin, t.cron.value * secondMs, left.timestampMs));
  for (;;) {
    let pick = -1;
    let at = end;
    plan.timed.forEach((t, i) => {
      const time = origin + (next[i] ?? 0) * t.cron.value * secondMs;
      if (time < at) [pick, at] = [i, time];
    });
    const fired = plan.timed[pick];
    if (fired === undefined) break;
    next[pick] = (next[pick] ?? 0) + 1;
    yield { index: index++, timestampMs: at, blockHeight: left.blockHeight, cron: fired.name, tags: fired.cron.tags };
  }
  const top = Math.max(left.blockHeight, right.blockHeight);
  const height0 = plan.origin.blockHeight;
  const heights = new Set<number>();
  for (const b of plan.blocks) {
    for (let j = firstMultiple(height0, b.cron.value, left.blockHeight + 1); height0 + j * b.cron.value <= top; j++) heights.add(height0 + j * b.cron.value);
  }
  for (const height of [...heights].sort((a, b) => a - b)) {
    for (const b of plan.blocks) {
      if ((height - height0) % b.cron.value !== 0) continue;
      yield { index: index++, timestampMs: end, blockHeight: height, cron: b.name, tags: b.cron.tags };
    }
  }
}
