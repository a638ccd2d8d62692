// The evaluator on the real aos modules (wasm32 and wasm64): hot evaluation, errors as results,
// Memory-Limit, dry-run, LRU eviction with checkpoints, and byte-identical results after a restore.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { ownerAddress, type DataItem } from "../../protocol/ao/index.ts";
import { aos2Module, aos2Wasm64Module, evalItem, messageItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { MemorySchedule } from "../../test/cu-harness/memory-schedule.ts";
import { MemoryRunners, type MemoryContextOptions } from "../../test/cu-harness/memory-runners.ts";
import type { ModuleEntry } from "../evaluator/messages.ts";
import { MemoryCheckpointStore } from "./memory-stores.ts";
import type { ProcessRunner, RunnerContext } from "./runner.ts";
import type { AssignmentLog } from "./stores.ts";

const owner = testSigner("owner");
const scheduler = testSigner("scheduler");
const schedulerAddress = ownerAddress(scheduler.owner);
const harness = new MemoryRunners();

const context = (module: ModuleEntry, log: AssignmentLog, opts: MemoryContextOptions = {}): RunnerContext => harness.context(module, log, opts);
const runner = (pid: string, ctx: RunnerContext): ProcessRunner => harness.runner(pid, ctx);

async function resultAt(ctx: RunnerContext, r: ProcessRunner, pid: string, nonce: number) {
  await r.evaluateThrough(nonce);
  const stored = await ctx.results.get(pid, nonce);
  assert.ok(stored, `result for nonce ${nonce}`);
  return stored;
}

/** Installs a Count handler whose state (Count, Log) lives in the process's memory. */
function countHandlerItem(pid: string): DataItem {
  const code = [
    "Count = 0; Log = {}",
    "Handlers.add('count', Handlers.utils.hasMatchingTag('Action', 'Count'), function(msg)",
    "  Count = Count + tonumber(msg.Tags.By); table.insert(Log, Count); print(tostring(Count))",
    "end)",
  ].join("\n");
  return evalItem(owner, pid, code);
}

after(() => harness.close());

for (const [name, aos2] of [["wasm32", aos2Module()], ["wasm64", aos2Wasm64Module()]] as const) {
  describe(`ProcessRunner on aos2 ${name}`, () => {
    it("spawns from a signed Process item and answers Eval return 1+1 with 2", async () => {
      const schedule = new MemorySchedule(scheduler);
      const pid = schedule.spawn(processItem(owner, aos2.id, schedulerAddress));
      const nonce = schedule.send(evalItem(owner, pid, "return 1+1"));
      const ctx = context(aos2, schedule.log);
      const stored = await resultAt(ctx, runner(pid, ctx), pid, nonce);
      assert.deepEqual(Object.keys(stored.result).sort(), ["Assignments", "GasUsed", "Messages", "Output", "Spawns"]);
      assert.equal(outputData(stored.result.Output), "2");
      assert.equal(stored.trapped, false);
    });

    it("turns a failing message into an Error result and keeps the state", async () => {
      const schedule = new MemorySchedule(scheduler);
      const pid = schedule.spawn(processItem(owner, aos2.id, schedulerAddress));
      schedule.send(evalItem(owner, pid, "Counter = 41"));
      const bad = schedule.send(evalItem(owner, pid, "error('boom')"));
      const next = schedule.send(evalItem(owner, pid, "Counter = Counter + 1; return Counter"));
      const ctx = context(aos2, schedule.log);
      const r = runner(pid, ctx);
      const failed = await resultAt(ctx, r, pid, bad);
      assert.match(String(failed.result.Error), /boom/);
      assert.equal(outputData((await resultAt(ctx, r, pid, next)).result.Output), "42");
    });

    it("enforces the process's Memory-Limit as an Error result", async () => {
      const schedule = new MemorySchedule(scheduler);
      const pid = schedule.spawn(processItem(owner, aos2.id, schedulerAddress, [{ name: "Memory-Limit", value: "160-mb" }]));
      const hog = schedule.send(evalItem(owner, pid, "local t = {} for i=1,2000000 do t[i]=string.rep('x',64)..i end return #t"));
      const after = schedule.send(evalItem(owner, pid, "return 6*7"));
      const ctx = context(aos2, schedule.log);
      const r = runner(pid, ctx);
      const failed = await resultAt(ctx, r, pid, hog);
      assert.ok(failed.result.Error !== undefined, "allocation past the limit must fail");
      assert.ok(r.memoryBytes() <= 160 * 1024 * 1024, `memory ${r.memoryBytes()} within the limit`);
      assert.equal(outputData((await resultAt(ctx, r, pid, after)).result.Output), "42");
    });

    it("dry-run answers from the current state and leaves it unchanged", async () => {
      const schedule = new MemorySchedule(scheduler);
      const pid = schedule.spawn(processItem(owner, aos2.id, schedulerAddress));
      schedule.send(evalItem(owner, pid, "X = 5"));
      const ctx = context(aos2, schedule.log);
      const r = runner(pid, ctx);
      const probe = evalItem(owner, pid, "X = X + 100; return X");
      const base = { Id: probe.id, Owner: ownerAddress(owner.owner), From: ownerAddress(owner.owner), Target: pid };
      const msg = { ...base, "Block-Height": "1", Timestamp: "1", Cron: false, Tags: [{ name: "Action", value: "Eval" }], Data: "X = X + 100; return X" };
      assert.equal(outputData((await r.dryRun(msg)).Output), "105");
      assert.equal(outputData((await r.dryRun(msg)).Output), "105");
      const check = schedule.send(evalItem(owner, pid, "return X"));
      assert.equal(outputData((await resultAt(ctx, r, pid, check)).result.Output), "5");
    });

    it("restores a handler's state from a checkpoint: results and memory identical to a run that never stopped", async () => {
      const schedule = new MemorySchedule(scheduler);
      const pid = schedule.spawn(processItem(owner, aos2.id, schedulerAddress));
      const items: DataItem[] = [countHandlerItem(pid)];
      for (let i = 0; i < 8; i++) items.push(messageItem(owner, pid, [{ name: "Action", value: "Count" }, { name: "By", value: String(i) }], "", `count-${i}`));
      const last = items.map((item) => schedule.send(item)).at(-1) ?? 0;

      const reference = context(aos2, schedule.log);
      const straight = runner(pid, reference);
      await straight.evaluateThrough(last);

      const checkpoints = new MemoryCheckpointStore();
      const first = context(aos2, schedule.log, { checkpoints, every: 3 });
      const before = runner(pid, first);
      await before.evaluateThrough(4);
      await before.evict();
      const restoredAt = (await checkpoints.latest(pid))?.nonce;
      assert.equal(restoredAt, 4, "eviction checkpoints the last applied nonce");

      const second = context(aos2, schedule.log, { checkpoints });
      const resumed = runner(pid, second);
      await resumed.evaluateThrough(last);
      assert.equal(await second.results.get(pid, 4), undefined, "the resumed runner started after the checkpoint");
      for (let nonce = 5; nonce <= last; nonce++) {
        assert.deepEqual(await second.results.get(pid, nonce), await reference.results.get(pid, nonce), `nonce ${nonce}`);
      }
      assert.equal(outputData((await reference.results.get(pid, last))?.result.Output), "28");
      const [a, b] = [await straight.state(), await resumed.state()];
      assert.equal(b.nonce, a.nonce);
      assert.ok(Buffer.from(gunzipSync(b.compressed)).equals(gunzipSync(a.compressed)), "memory images are byte-identical");
    });

    it("evicts the least recently used process past the hot bound and brings it back", async () => {
      const schedule = new MemorySchedule(scheduler);
      const a = schedule.spawn(processItem(owner, aos2.id, schedulerAddress, [], "a"));
      const b = schedule.spawn(processItem(owner, aos2.id, schedulerAddress, [], "b"));
      schedule.send(evalItem(owner, a, "V = 'a'"));
      schedule.send(evalItem(owner, b, "V = 'b'"));
      const ctx = context(aos2, schedule.log, { hotMax: 1 });
      const ra = runner(a, ctx);
      const rb = runner(b, ctx);
      await ra.evaluateThrough();
      await rb.evaluateThrough();
      assert.equal(ctx.hotSet.size, 1);
      assert.equal(ra.memoryBytes(), 0, "a was evicted");
      assert.equal((await ctx.checkpoints.latest(a))?.nonce, 1);
      const again = schedule.send(evalItem(owner, a, "return V"));
      assert.equal(outputData((await resultAt(ctx, ra, a, again)).result.Output), "a");
    });
  });
}
