// Cron on the real aos2 module: a process with Cron-Interval and a handler on Action=Cron counting
// ticks gets the generated messages between its scheduled ones, in order; their results are read by
// time and their Sends go to the outbox; a restore from a checkpoint taken inside a cron gap (kill, no eviction) resumes at the next
// tick with results and memory identical to a run that never stopped.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { ownerAddress } from "../../protocol/ao/index.ts";
import { aos2Module, evalItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { MemorySchedule } from "../../test/cu-harness/memory-schedule.ts";
import { MemoryRunners, type MemoryContextOptions } from "../../test/cu-harness/memory-runners.ts";
import { readCronResults } from "./cron-results.ts";
import { MemoryCheckpointStore, type MemoryOutbox } from "./memory-stores.ts";
import type { ProcessRunner, RunnerContext } from "./runner.ts";

const owner = testSigner("owner");
const scheduler = testSigner("scheduler");
const aos2 = aos2Module();
const harness = new MemoryRunners();
const t0 = 1_700_000_000_000;

const countTicks = [
  "Ticks = 0",
  "Handlers.add('tick', Handlers.utils.hasMatchingTag('Action', 'Cron'), function(msg)",
  "  Ticks = Ticks + 1; print('tick ' .. Ticks .. ' at ' .. msg.Timestamp .. ' cron ' .. tostring(msg.Cron))",
  "  Send({ Target = msg.From, Action = 'Tick', Data = tostring(Ticks) })",
  "end)",
].join("\n");

function context(schedule: MemorySchedule, opts: MemoryContextOptions = {}): RunnerContext {
  return harness.context(aos2, schedule.log, opts);
}

function runner(pid: string, ctx: RunnerContext): ProcessRunner {
  return harness.runner(pid, ctx);
}

/** A 10-second cron process, the counting handler at +1 s, then Evals of `return Ticks` at the given offsets. */
function cronSchedule(offsetsMs: readonly number[]): { schedule: MemorySchedule; pid: string; evals: number[] } {
  const schedule = new MemorySchedule(scheduler);
  const tags = [{ name: "Cron-Interval", value: "10-seconds" }, { name: "Cron-Tag-Action", value: "Cron" }];
  const pid = schedule.spawn(processItem(owner, aos2.id, ownerAddress(scheduler.owner), tags), { timestampMs: t0 });
  schedule.send(evalItem(owner, pid, countTicks), { timestampMs: t0 + 1_000 });
  const evals = offsetsMs.map((offset) => schedule.send(evalItem(owner, pid, "return Ticks"), { timestampMs: t0 + offset }));
  return { schedule, pid, evals };
}

after(() => harness.close());

describe("cron on aos2", () => {
  it("applies the ticks between scheduled messages, in order, and serves their results by time", async () => {
    const { schedule, pid, evals } = cronSchedule([35_000, 35_000, 100_500]);
    const ctx = context(schedule);
    const r = runner(pid, ctx);
    const outputs: unknown[] = [];
    for (const nonce of evals) {
      await r.evaluateThrough(nonce);
      outputs.push(outputData((await ctx.results.get(pid, nonce))?.result.Output));
    }
    assert.deepEqual(outputs, ["3", "3", "10"], "ticks at +10..+30 s before the first Eval, +40..+100 s before the last");
    const last = evals.at(-1) ?? 0;
    const all = await readCronResults(ctx.log, ctx.results, pid, last, { limit: 100 });
    assert.equal(all.hasNextPage, false);
    assert.deepEqual(
      all.results.map((c) => [c.timestamp - t0, c.cron, outputData(c.result.Output)]),
      Array.from({ length: 10 }, (_, i) => [(i + 1) * 10_000, "0-10-seconds", `tick ${i + 1} at ${t0 + (i + 1) * 10_000} cron true`]),
    );
    assert.deepEqual(all.results.slice(0, 3).map((c) => c.nonce), [1, 1, 1], "the first three follow the handler's Eval (nonce 1)");
    const outbox = (ctx.outbox as MemoryOutbox).published;
    assert.deepEqual([...outbox.keys()].filter((k) => k.includes("+cron")).length, 10, "every tick's Send is in the outbox");
    assert.equal((outbox.get(`${pid}/1+cron2`)?.Messages[0] as { Data?: string } | undefined)?.Data, "3");
    const page = await readCronResults(ctx.log, ctx.results, pid, last, { fromMs: t0 + 30_000, toMs: t0 + 70_000, limit: 2 });
    assert.deepEqual(page.results.map((c) => c.timestamp - t0), [40_000, 50_000]);
    assert.equal(page.hasNextPage, true);
    const rest = await readCronResults(ctx.log, ctx.results, pid, last, { fromMs: t0 + 50_000, toMs: t0 + 70_000, limit: 2 });
    assert.deepEqual(rest.results.map((c) => c.timestamp - t0), [60_000, 70_000]);
  });

  it("resumes from a checkpoint inside a cron gap with results and memory identical to a straight run", async () => {
    const { schedule, pid, evals } = cronSchedule([35_000, 61_000, 95_000]);
    const last = evals.at(-1) ?? 0;
    const reference = context(schedule);
    const straight = runner(pid, reference);
    await straight.evaluateThrough(last);

    // Every 4 evaluations: nonce 0, nonce 1, tick +10 s, tick +20 s -> a checkpoint after 2 ticks of gap 1.
    const checkpoints = new MemoryCheckpointStore();
    const first = runner(pid, context(schedule, { checkpoints, every: 4 }));
    await first.evaluateThrough(evals[0]);
    await first.stop(); // killed: no eviction checkpoint
    const mid = await checkpoints.latest(pid);
    assert.deepEqual([mid?.nonce, mid?.cron?.ticks], [1, 2]);

    const second = context(schedule, { checkpoints });
    const resumed = runner(pid, second);
    await resumed.evaluateThrough(last);
    assert.equal(await second.results.getCron(pid, 1, 1), undefined, "restored past the first two ticks");
    assert.ok(await second.results.getCron(pid, 1, 2), "re-evaluated from the third");
    const expected = await readCronResults(reference.log, reference.results, pid, last, { fromMs: t0 + 20_000, limit: 100 });
    const got = await readCronResults(second.log, second.results, pid, last, { fromMs: t0 + 20_000, limit: 100 });
    assert.equal(got.results.length, 7);
    assert.deepEqual(got, expected);
    for (const nonce of evals) assert.deepEqual(await second.results.get(pid, nonce), await reference.results.get(pid, nonce), `nonce ${nonce}`);
    assert.equal(outputData((await second.results.get(pid, last))?.result.Output), "9");
    const [a, b] = [await straight.state(), await resumed.state()];
    assert.ok(Buffer.from(gunzipSync(b.compressed)).equals(gunzipSync(a.compressed)), "memory images are byte-identical");
  });
});
