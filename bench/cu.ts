// cu bench: aos2 msgs/s with hot instances vs the reference CU's copy-in/copy-out mode (same run),
// cold start from a checkpoint, RSS per hot process, and POST / -> result latency on a real
// nats-server. Each line: measured, goal, `ratio X.XX` (higher is better).
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { ModuleCompiler } from "../cu/evaluator/compiler.ts";
import { ProcessHost } from "../cu/evaluator/host.ts";
import { startWorker } from "../cu/evaluator/pool.ts";
import type { LoaderEnv, LoaderMessage, ModuleSpec } from "../cu/evaluator/types.ts";
import { cuBoundsDefault } from "../cu/config.ts";
import { silentLogger } from "../cu/log.ts";
import { startCuNode } from "../cu/node.ts";
import { aos2Module, aos2Wasm32Path, evalItem, processItem, testSigner } from "../test/cu-harness/ao-items.ts";
import { startNats } from "../test/cu-harness/nats.ts";

const goals = { hotOverCopy: 100, coldStartMs: 300 } as const;
const bounds = { loadTimeoutMs: 120_000, evalTimeoutMs: 120_000 };
const spec: ModuleSpec = { moduleId: "bench", wasmPath: aos2Wasm32Path, format: "wasm32-unknown-emscripten4", memoryLimitBytes: 1024 ** 3, computeLimit: 9e12 };
const env: LoaderEnv = {
  Process: { Id: "bench-process", Owner: "bench-owner", Tags: [{ name: "Type", value: "Process" }] },
  Module: { Id: "bench", Owner: "bench", Tags: [] },
};

function message(id: string, data: string, action = "Eval"): LoaderMessage {
  return { Id: id, Owner: "bench-owner", From: "bench-owner", Target: "bench-process", Module: "bench", "Block-Height": "1", Timestamp: "1", Cron: false, Tags: [{ name: "Action", value: action }], Data: data };
}

const spawnMessage = message("bench-process", "", "Spawn");
const setup = message("setup", "Count = 0; Handlers.add('count', Handlers.utils.hasMatchingTag('Action', 'Count'), function(m) Count = Count + 1; Send({ Target = 'peer', Data = tostring(Count) }) end)");
const countMessage = (i: number): LoaderMessage => message(`count-${i}`, "", "Count");

function line(name: string, measured: number, unit: string, goal: number, higherIsBetter: boolean, note = ""): void {
  const ratio = higherIsBetter ? measured / goal : goal / measured;
  console.log(`${name}: ${measured.toFixed(2)} ${unit} (goal ${higherIsBetter ? ">=" : "<="} ${goal} ${unit}) ratio ${ratio.toFixed(2)}${note === "" ? "" : ` [${note}]`}`);
}

/**
 * Messages timed right after load, then run untimed before the steady-state measurement: V8 keeps
 * tiering aos's wasm functions up from Liftoff to TurboFan for the first ~3,000 messages
 * (`--trace-wasm-compilation-times`: 148 TurboFan compiles by message 300, then 12, 5, 7, 5, 2, 1, 1, 3, 2
 * per further 300 messages).
 */
const firstMessages = 300;
const warmupMessages = 2_700;

async function timedCounts(host: ProcessHost, from: number, count: number): Promise<number> {
  const started = performance.now();
  for (let i = from; i < from + count; i++) await host.evaluate(countMessage(i), env);
  return count / ((performance.now() - started) / 1000);
}

/**
 * A hot instance as a pod runs it: the module compiled once on this thread and shared with the
 * worker (ModuleCompiler), a pre-started worker. `first`: the first messages after load, which run
 * mostly on V8's baseline (Liftoff) code until the hot wasm functions tier up to TurboFan; the pod's
 * compiled module (and its optimised code) is shared by every later instance, so that happens once
 * per module per pod. `steady`: after the warm-up, what a hot process sustains.
 */
async function hotRate(count: number, compiler: ModuleCompiler): Promise<{ first: number; steady: number; host: ProcessHost }> {
  const host = await ProcessHost.start("bench", spec, bounds, { compiled: await compiler.get(spec), worker: startWorker() });
  await host.evaluate(spawnMessage, env);
  await host.evaluate(setup, env);
  const first = await timedCounts(host, 0, firstMessages);
  await timedCounts(host, firstMessages, warmupMessages);
  const steady = await timedCounts(host, firstMessages + warmupMessages, count);
  return { first, steady, host };
}

async function copyRate(count: number): Promise<number> {
  const worker = new Worker(new URL("../test/cu-harness/copy-mode-worker-entry.mjs", import.meta.url), { workerData: { wasmPath: spec.wasmPath, format: spec.format } });
  try {
    await once(worker, "message");
    worker.postMessage({ messages: [spawnMessage, setup], env });
    await once(worker, "message");
    const started = performance.now();
    worker.postMessage({ messages: Array.from({ length: count }, (_, i) => countMessage(i)), env });
    await once(worker, "message");
    return count / ((performance.now() - started) / 1000);
  } finally {
    await worker.terminate();
  }
}

async function coldStartMs(from: ProcessHost, compiler: ModuleCompiler): Promise<number> {
  const image = await from.snapshot();
  const compiled = await compiler.get(spec); // compiled once per pod, before any cold start
  const worker = await startWorker(); // a pod keeps idle workers started (WorkerPool)
  const started = performance.now();
  const host = await ProcessHost.start("bench-cold", spec, bounds, { compiled, worker: Promise.resolve(worker) });
  await host.restore(image.compressed);
  await host.evaluate(countMessage(-1), env);
  const ms = performance.now() - started;
  await host.terminate();
  return ms;
}

async function rssPerHotMb(count: number): Promise<number> {
  const before = process.memoryUsage().rss;
  const hosts: ProcessHost[] = [];
  for (let i = 0; i < count; i++) {
    const host = await ProcessHost.start(`rss-${i}`, spec, bounds);
    await host.evaluate(spawnMessage, env);
    await host.evaluate(setup, env);
    hosts.push(host);
  }
  const perHost = (process.memoryUsage().rss - before) / count / 1024 ** 2;
  for (const host of hosts) await host.terminate();
  return perHost;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function endToEnd(count: number): Promise<{ p50: number; p99: number }> {
  const nats = await startNats();
  const owner = testSigner("bench-owner");
  const aos2 = aos2Module();
  const node = await startCuNode(
    { nats: { url: nats.url, replicas: 1 }, http: { host: "127.0.0.1", port: 0 }, grpc: { host: "127.0.0.1", port: 0, advertise: undefined }, podId: "bench", walletSeedHex: "22".repeat(32), blockHeight: 1, modules: [aos2], checkpointCacheDir: undefined, bounds: cuBoundsDefault },
    silentLogger,
  );
  try {
    const spawn = processItem(owner, aos2.id, node.schedulerAddress);
    await fetch(`${node.url}/`, { method: "POST", body: Buffer.from(spawn.bytes) });
    const latencies: number[] = [];
    for (let i = -1; i < count; i++) {
      const item = evalItem(owner, spawn.id, `X = (X or 0) + 1; return X`);
      const started = performance.now();
      await fetch(`${node.url}/`, { method: "POST", body: Buffer.from(item.bytes) });
      const res = await fetch(`${node.url}/result/${item.id}?process-id=${spawn.id}`);
      await res.arrayBuffer();
      if (i >= 0) latencies.push(performance.now() - started); // i = -1 warms the instance up
    }
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await node.close();
    await nats.stop();
  }
}

export async function run(opts: { quick: boolean }): Promise<void> {
  const hotCount = opts.quick ? 500 : 2_000;
  const copyCount = opts.quick ? 10 : 40;
  const compiler = new ModuleCompiler();
  const { first, steady: hot, host } = await hotRate(hotCount, compiler);
  const copy = await copyRate(copyCount);
  console.log(
    `aos2 hot: ${hot.toFixed(1)} msgs/s (${hotCount} msgs after ${firstMessages + warmupMessages} warm-up msgs; the first ${firstMessages} after load: ${first.toFixed(1)} msgs/s); copy-in/copy-out: ${copy.toFixed(1)} msgs/s (${copyCount} msgs)`,
  );
  line("aos2 hot / copy-mode speedup", hot / copy, "x", goals.hotOverCopy, true, `first ${firstMessages} msgs after load: ${(first / copy).toFixed(1)}x`);
  line("cold start from checkpoint (restore + first eval)", await coldStartMs(host, compiler), "ms", goals.coldStartMs, false);
  await host.terminate();
  console.log(`RSS per hot aos2 process: ${(await rssPerHotMb(opts.quick ? 2 : 4)).toFixed(1)} MiB`);
  const e2e = await endToEnd(opts.quick ? 30 : 200);
  console.log(`POST / -> GET /result latency: p50 ${e2e.p50.toFixed(1)} ms, p99 ${e2e.p99.toFixed(1)} ms`);
}
