// One system image under a crash: three compute pods (separate OS processes running cu/main.ts),
// 30 aos processes, a mixed load of Evals and Counts that Send to the next process; one pod is
// killed with SIGKILL halfway. Every result is still served by the survivors, no message is assigned
// twice, cross-process messages arrive in the sender's order, and every result of every process
// equals a single-process replay of the same schedule.
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { DataItem } from "../../protocol/ao/index.ts";
import { aos2Module, evalItem, messageItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { startCuPod, waitPodReady, type CuPod } from "../../test/cu-harness/cu-cluster.ts";
import { countingHandlers, testClusterAddress } from "../../test/cu-harness/cu-config.ts";
import { startNats, type NatsServer } from "../../test/cu-harness/nats.ts";
import { logTail } from "../../test/k8s/processes.ts";
import { MemoryCheckpointStore, MemoryOutbox, MemoryResultStore } from "../compute/memory-stores.ts";
import { ProcessRunner } from "../compute/runner.ts";
import { ModuleCompiler } from "../evaluator/compiler.ts";
import { HotSet } from "../evaluator/hot-set.ts";
import { WorkerPool } from "../evaluator/pool.ts";
import { silentLogger } from "../log.ts";
import { outboxStream } from "../messenger/outbox.ts";
import { JetStreamAssignmentLog } from "../scheduler/jetstream-log.ts";

const processCount = 30;
const replayConcurrency = 3;
const requestConcurrency = 6;
const drainTimeoutMs = 30_000;
const podBounds = { checkpointEveryMessages: 5, heartbeatIntervalMs: 500, memberTtlMs: 5_000, outboxAckWaitMs: 3_000, evalTimeoutMs: 30_000 };
const owner = testSigner("owner");
const aos2 = aos2Module();
let nats: NatsServer;
let nc: NatsConnection;
const pods: CuPod[] = [];

before(async () => {
  nats = await startNats();
  nc = await nats.connect();
  for (let i = 0; i < 3; i++) pods.push(await startCuPod(nats, `cu-${i}`, podBounds));
  for (const pod of pods) await waitPodReady(pod, 3);
});

after(async () => {
  // The pods' logs go with the work directory; keep a copy when asked (debugging a failure).
  const keep = process.env.ARKUBE_CU_TEST_KEEP_LOGS;
  if (keep !== undefined && nats !== undefined) cpSync(join(nats.dir, "logs"), keep, { recursive: true });
  await nc?.close();
  await nats?.stop();
});

function live(): CuPod[] {
  return pods.filter((p) => p.component.exit === undefined);
}

async function post(pod: CuPod, item: DataItem): Promise<void> {
  const res = await fetch(`${pod.url}/`, { method: "POST", body: Buffer.from(item.bytes) });
  assert.ok(res.status === 201 || res.status === 200, `POST to ${pod.podId}: ${res.status} ${await res.text()}`);
}

async function getJson(pod: CuPod, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${pod.url}${path}`);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 200, `${pod.podId} ${path}: ${JSON.stringify(body)}\n${logTail(pod.component)}`);
  return body;
}

/** Runs `work` over `items` with `requestConcurrency` in flight (pods evaluate different processes in parallel). */
async function inParallel<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: requestConcurrency }, lane));
}

async function outboxDrained(): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + drainTimeoutMs;
  while ((await jsm.streams.info(outboxStream)).state.messages > 0) {
    if (Date.now() > deadline) assert.fail("outbox not drained");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every result of `pid` from 0 to its last nonce, evaluated by the cluster, served by `pod`. */
async function servedResults(pod: CuPod, pid: string, last: number): Promise<unknown[]> {
  const body = await getJson(pod, `/results/${pid}?from=0&to=${last}&limit=1000`);
  // The replay stores bare results; the route adds messageId to each node.
  return (body.edges as { node: Record<string, unknown> }[]).map((e) => Object.fromEntries(Object.entries(e.node).filter(([k]) => k !== "messageId")));
}

async function replay(log: JetStreamAssignmentLog, compiler: ModuleCompiler, pool: WorkerPool, pid: string, last: number): Promise<unknown[]> {
  const results = new MemoryResultStore();
  const runner = new ProcessRunner(pid, {
    log,
    results,
    checkpoints: new MemoryCheckpointStore(),
    outbox: new MemoryOutbox(),
    hotSet: new HotSet<ProcessRunner>({ hotBytesMax: 8 * 1024 ** 3, hotProcessesMax: 64 }),
    compiler,
    pool,
    modules: new Map([[aos2.id, aos2]]),
    trustedForwarders: new Set([testClusterAddress()]),
    bounds: { loadTimeoutMs: 60_000, evalTimeoutMs: 60_000, checkpointEveryMessages: 1_000_000 },
    logger: silentLogger,
  });
  try {
    await runner.evaluateThrough(last);
    const out: unknown[] = [];
    for (let n = 0; n <= last; n++) out.push((await results.get(pid, n))?.result);
    return out;
  } finally {
    await runner.stop();
  }
}

const pids = { list: [] as string[] };

describe("three compute pods, kill -9 one", () => {
  it("serves every result and matches a single-process replay", async () => {
    const scheduler = testClusterAddress();
    const authority = [{ name: "Authority", value: scheduler }];
    const spawns = Array.from({ length: processCount }, (_, i) => processItem(owner, aos2.id, scheduler, authority, `c${i}`));
    for (const [i, s] of spawns.entries()) await post(pods[i % 3]!, s);
    pids.list = spawns.map((s) => s.id);
    const userMessages: { pid: string; item: DataItem }[] = [];
    const send = async (pod: CuPod, pid: string, item: DataItem): Promise<void> => {
      await post(pod, item);
      userMessages.push({ pid, item });
    };
    for (const [i, pid] of pids.list.entries()) await send(pods[(i + 1) % 3]!, pid, evalItem(owner, pid, countingHandlers));
    const countsTo = new Map<string, number>();
    const round = async (targets: CuPod[], r: number): Promise<void> => {
      for (const [i, pid] of pids.list.entries()) {
        const next = pids.list[(i + 1) % processCount]!;
        const pod = targets[(i + r) % targets.length]!;
        await send(pod, pid, messageItem(owner, pid, [{ name: "Action", value: "Count" }, { name: "Forward-To", value: next }]));
        countsTo.set(next, (countsTo.get(next) ?? 0) + 1);
        await send(pod, pid, evalItem(owner, pid, `X = (X or 0) + ${i + r}; return X`));
      }
    };
    await round(pods, 0);
    // Half the results before the crash: every process is hot somewhere, some only on the victim.
    await inParallel(userMessages.filter((_, i) => i % 2 === 0), async (m, i) => {
      await getJson(pods[i % 3]!, `/result/${m.item.id}?process-id=${m.pid}`);
    });
    process.kill(-pods[2]!.component.pid, "SIGKILL");
    await pods[2]!.component.exited;
    await round(live(), 1);
    await round(live(), 2);
    await inParallel(userMessages, async (m, i) => {
      const body = await getJson(live()[i % 2]!, `/result/${m.item.id}?process-id=${m.pid}`);
      assert.equal(body.Error, undefined, `${m.item.id}: ${JSON.stringify(body.Error)}`);
    });
    await outboxDrained();

    const log = await JetStreamAssignmentLog.open(nc);
    const compiler = new ModuleCompiler();
    const pool = new WorkerPool({ idleWorkersMax: replayConcurrency });
    const queue = [...pids.list.entries()];
    const check = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [i, pid] = next;
        const entries = [];
        for await (const e of log.read(pid, 0)) entries.push(e);
        const ids = entries.map((e) => e.message.id);
        assert.equal(new Set(ids).size, ids.length, `${pid}: a message assigned twice`);
        const last = entries.length - 1;
        const served = await servedResults(live()[i % 2]!, pid, last);
        assert.deepEqual(served, await replay(log, compiler, pool, pid, last), `${pid}: served results differ from the replay`);
        const tallyCount = entries.filter((e) => e.message.tags.some((t) => new TextDecoder().decode(t.value) === "Tally")).length;
        assert.equal(tallyCount, countsTo.get(pid), `${pid}: every Count sent to it arrived once`);
      }
    };
    await Promise.all(Array.from({ length: replayConcurrency }, check)).finally(() => pool.close());
    // The order of arrival: the last Eval of each process reads its Tallies.
    for (const [i, pid] of pids.list.entries()) {
      const ask = evalItem(owner, pid, "return require('json').encode(Tallies)");
      await post(live()[0]!, ask);
      const body = await getJson(live()[1]!, `/result/${ask.id}?process-id=${pid}`);
      const prev = pids.list[(i + processCount - 1) % processCount]!;
      assert.deepEqual(JSON.parse(String(outputData(body.Output))), [1, 2, 3].map((n) => `${prev}:${n}`));
    }
  });
});
