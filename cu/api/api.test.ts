// One compute pod (scheduler + CU routes) over HTTP on a real nats-server and the real aos2 module:
// spawn and Eval via POST /, results, dry-run, 4xx for bad input, cron ticks and GET /cron, and a
// restart that restores from the object-store checkpoint and still gives identical results.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { DataItem } from "../../protocol/ao/index.ts";
import { aos2Module, evalItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { startNats, type NatsServer } from "../../test/cu-harness/nats.ts";
import { cuBoundsDefault, type CuConfig } from "../config.ts";
import { silentLogger } from "../log.ts";
import { startCuNode, type CuNode } from "../node.ts";

const owner = testSigner("owner");
const aos2 = aos2Module();
let nats: NatsServer;
let node: CuNode;

function config(): CuConfig {
  return {
    nats: { url: nats.url, replicas: 1 },
    http: { host: "127.0.0.1", port: 0 },
    grpc: { host: "127.0.0.1", port: 0, advertise: undefined },
    podId: "api-test",
    walletSeedHex: "11".repeat(32),
    blockHeight: 1_500_000,
    modules: [aos2],
    checkpointCacheDir: undefined,
    bounds: { ...cuBoundsDefault, checkpointEveryMessages: 3, itemBytesMax: 64 * 1024 },
  };
}

async function post(item: DataItem | Uint8Array): Promise<{ status: number; body: Record<string, unknown> }> {
  const bytes = item instanceof Uint8Array ? item : item.bytes;
  const res = await fetch(`${node.url}/`, { method: "POST", body: Buffer.from(bytes), headers: { "content-type": "application/octet-stream" } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${node.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function resultOf(pid: string, item: DataItem): Promise<Record<string, unknown>> {
  const { status, body } = await get(`/result/${item.id}?process-id=${pid}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

before(async () => {
  nats = await startNats();
  node = await startCuNode(config(), silentLogger);
});

after(async () => {
  await node?.close();
  await nats?.stop();
});

interface CronEdge {
  cursor: string;
  node: { Output: unknown; cron: string; timestamp: number };
}

async function cronEdges(pid: string, query = ""): Promise<CronEdge[]> {
  const { status, body } = await get(`/cron/${pid}${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.edges as CronEdge[];
}

const countTicks = "Ticks = 0; Handlers.add('tick', Handlers.utils.hasMatchingTag('Action', 'Cron'), function() Ticks = Ticks + 1; print('tick ' .. Ticks) end)";

describe("cu pod over HTTP", () => {
  let pid = "";
  let cronPid = "";
  let cronTicks = 0;
  const evals: DataItem[] = [];

  it("spawns a process and answers Eval return 1+1 with 2", async () => {
    const spawn = await post(processItem(owner, aos2.id, node.schedulerAddress));
    assert.equal(spawn.status, 201, JSON.stringify(spawn.body));
    pid = String(spawn.body.id);
    const message = evalItem(owner, pid, "return 1+1");
    const sent = await post(message);
    assert.equal(sent.status, 201);
    assert.equal(sent.body.nonce, 1);
    const result = await resultOf(pid, message);
    assert.equal(outputData(result.Output), "2");
    assert.deepEqual(Object.keys(result).sort(), ["Assignments", "GasUsed", "Messages", "Output", "Spawns"]);
  });

  it("rejects bad signatures, malformed and oversized items, unknown processes with 4xx", async () => {
    const good = evalItem(owner, pid, "return 3");
    const tampered = new Uint8Array(good.bytes);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    assert.deepEqual(await post(tampered).then((r) => [r.status, r.body.code]), [400, "ERR_CU_BAD_SIGNATURE"]);
    assert.deepEqual(await post(good.bytes.subarray(0, 100)).then((r) => [r.status, r.body.code]), [400, "ERR_CU_BAD_ITEM"]);
    assert.deepEqual(await post(randomBytes(80 * 1024)).then((r) => r.status), 413);
    const stranger = evalItem(owner, "Y".repeat(43), "return 1");
    assert.deepEqual(await post(stranger).then((r) => [r.status, r.body.code]), [404, "ERR_CU_UNKNOWN_PROCESS"]);
    assert.equal((await get(`/result/${good.id}?process-id=${pid}`)).status, 404);
    assert.equal((await get(`/result/${good.id}?process-id=bad`)).status, 400);
    assert.equal((await get(`/results/${"Y".repeat(43)}`)).status, 404);
    assert.equal((await get(`/nope/a/b`)).status, 404);
  });

  it("dry-run answers from the current state and never changes it", async () => {
    const set = evalItem(owner, pid, "Count = 10; return Count");
    await post(set);
    evals.push(set);
    const body = JSON.stringify({ Owner: "someone", Tags: [{ name: "Action", value: "Eval" }], Data: "Count = Count + 1; return Count" });
    // aos only lets the owner Eval; a dry-run from anyone else must still leave Count alone.
    const res = await fetch(`${node.url}/dry-run?process-id=${pid}`, { method: "POST", body });
    assert.equal(res.status, 200);
    const check = evalItem(owner, pid, "return Count");
    await post(check);
    evals.push(check);
    assert.equal(outputData((await resultOf(pid, check)).Output), "10");
    const bad = await fetch(`${node.url}/dry-run?process-id=${pid}`, { method: "POST", body: "{not json" });
    assert.equal(bad.status, 400);
  });

  it("pages assignments and results, serves the state image", async () => {
    for (let i = 0; i < 4; i++) {
      const m = evalItem(owner, pid, `Count = Count + ${i}; return Count`);
      await post(m);
      evals.push(m);
    }
    await resultOf(pid, evals.at(-1)!);
    const page = await get(`/${pid}?from=1&limit=2`);
    assert.equal(page.status, 200);
    assert.equal((page.body.edges as unknown[]).length, 2);
    assert.equal((page.body.page_info as { has_next_page: boolean }).has_next_page, true);
    const results = await get(`/results/${pid}?sort=DESC&limit=3`);
    const edges = results.body.edges as { cursor: string; node: { Output: unknown } }[];
    assert.deepEqual(edges.map((e) => e.cursor), ["7", "6", "5"]);
    assert.equal(outputData(edges[0]!.node.Output), "16");
    const state = await fetch(`${node.url}/state/${pid}`);
    assert.equal(state.headers.get("x-arkube-nonce"), "7");
    // fetch undoes the Content-Encoding: gzip, so this is the raw linear memory.
    assert.ok((await state.arrayBuffer()).byteLength > 100 * 1024 * 1024);
    const ts = await get("/timestamp");
    assert.equal(ts.body.block_height, 1_500_000);
  });

  it("evaluates cron ticks between scheduled messages and serves them on GET /cron", async () => {
    const cronTags = [{ name: "Cron-Interval", value: "1-second" }, { name: "Cron-Tag-Action", value: "Cron" }];
    const spawn = await post(processItem(owner, aos2.id, node.schedulerAddress, cronTags, "cron"));
    assert.equal(spawn.status, 201, JSON.stringify(spawn.body));
    cronPid = String(spawn.body.id);
    await post(evalItem(owner, cronPid, countTicks));
    // Let the scheduler's clock pass a few 1-second boundaries; how many is whatever the timestamps say.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const check = evalItem(owner, cronPid, "return Ticks");
    await post(check);
    cronTicks = Number(outputData((await resultOf(cronPid, check)).Output));
    assert.ok(cronTicks >= 2, `ticks: ${cronTicks}`);
    const edges = await cronEdges(cronPid);
    assert.deepEqual(edges.map((e) => outputData(e.node.Output)), Array.from({ length: cronTicks }, (_, i) => `tick ${i + 1}`));
    assert.ok(edges.every((e, i) => i === 0 || Number(e.cursor) > Number(edges[i - 1]!.cursor)), "cursors increase");
    assert.equal(edges[0]?.node.cron, "0-1-second");
    assert.deepEqual((await cronEdges(cronPid, `?from=${edges[0]!.cursor}`)).map((e) => e.cursor), edges.slice(1).map((e) => e.cursor));
    assert.deepEqual(await cronEdges(pid), [], "a process without crons has none");
    const bad = processItem(owner, aos2.id, node.schedulerAddress, [{ name: "Cron-Interval", value: "5-fortnights" }], "bad-cron");
    assert.deepEqual(await post(bad).then((r) => [r.status, r.body.code]), [400, "ERR_CU_BAD_CRON"]);
  });

  it("restarts from the object-store checkpoint with identical results", async () => {
    const more: DataItem[] = [];
    for (let i = 0; i < 3; i++) more.push(evalItem(owner, pid, `Count = Count * 2 + ${i}; return Count`));
    for (const m of more) await post(m);
    const expected = [];
    for (const m of more) expected.push(await resultOf(pid, m));
    const cronBefore = await cronEdges(cronPid);
    await node.close();
    // Wipe nothing but the pod: results and checkpoints live in NATS. A fresh pod must re-derive the
    // same state; ask it for a result that did not exist before the restart.
    node = await startCuNode(config(), silentLogger);
    const next = evalItem(owner, pid, "return Count");
    await post(next);
    assert.equal(outputData((await resultOf(pid, next)).Output), outputData(expected.at(-1)!.Output));
    for (let i = 0; i < more.length; i++) assert.deepEqual(await resultOf(pid, more[i]!), expected[i]);
    // The cron process resumes from its checkpoint: earlier ticks unchanged, the count goes on.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again = evalItem(owner, cronPid, "return Ticks");
    await post(again);
    const ticks = Number(outputData((await resultOf(cronPid, again)).Output));
    assert.ok(ticks > cronTicks, `${ticks} > ${cronTicks}`);
    const cronAfter = await cronEdges(cronPid);
    assert.deepEqual(cronAfter.slice(0, cronBefore.length), cronBefore);
    assert.equal(cronAfter.length, ticks);
  });
});
