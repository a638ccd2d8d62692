// The messenger on a real nats-server and real aos2 processes: a handler that counts and Sends to
// another process; the sends are assigned to the target in the sender's order, From names the
// sending process, and republishing an already delivered outbox assigns nothing twice. A process
// that spawns gets the Spawned notice aos's spawn().onReply waits for, and the child (Authority and
// Scheduler filled in) hears from its parent and answers it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { ed25519PrivateKeyFromSeed, ownerAddress, signerFromPrivateKey, type DataItem } from "../../protocol/ao/index.ts";
import { aos2Module, evalItem, messageItem, outputData, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { countingHandlers, testClusterSeedHex, testCuConfig } from "../../test/cu-harness/cu-config.ts";
import { startNats, type NatsServer } from "../../test/cu-harness/nats.ts";
import { silentLogger } from "../log.ts";
import { startCuNode, type CuNode } from "../node.ts";
import { outboxItems } from "./compose.ts";
import { JetStreamOutbox, outboxStream } from "./outbox.ts";

const owner = testSigner("owner");
const aos2 = aos2Module();
const clusterSigner = signerFromPrivateKey(ed25519PrivateKeyFromSeed(Buffer.from(testClusterSeedHex, "hex")));
const clusterAddress = ownerAddress(clusterSigner.owner);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const tagsOf = (item: DataItem): [string, string][] => item.tags.map((t) => [text(t.name), text(t.value)]);
const waitMs = 20_000;
let nats: NatsServer;
let node: CuNode;
let nc: NatsConnection;

before(async () => {
  nats = await startNats();
  nc = await nats.connect();
  node = await startCuNode(testCuConfig(nats.url, "messenger-test"), silentLogger);
});

after(async () => {
  await node?.close();
  await nc?.close();
  await nats?.stop();
});

async function post(item: DataItem): Promise<number> {
  const res = await fetch(`${node.url}/`, { method: "POST", body: Buffer.from(item.bytes) });
  assert.ok(res.status === 201 || res.status === 200, `POST ${res.status}`);
  return ((await res.json()) as { nonce: number }).nonce;
}

async function result(pid: string, item: DataItem): Promise<Record<string, unknown>> {
  const res = await fetch(`${node.url}/result/${item.id}?process-id=${pid}`);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function outboxDrained(): Promise<boolean> {
  return (await (await jetstreamManager(nc)).streams.info(outboxStream)).state.messages === 0;
}

describe("outbox composition", () => {
  it("signs reproducible items, names the real sender, and rejects what cannot be sent", () => {
    const pid = `${"P".repeat(42)}A`;
    const result = {
      Messages: [
        { Target: "Q".repeat(43), Anchor: "00000000000000000000000000000001", Tags: [{ name: "From-Process", value: "spoofed" }, { name: "Action", value: "Tally" }], Data: "1" },
        { Target: "peer", Tags: [], Data: "" },
      ],
      Spawns: [{ Tags: [{ name: "Module", value: "M".repeat(43) }], Data: "x" }, { Tags: [], Data: "" }],
    };
    const first = outboxItems(pid, 7, result, clusterSigner);
    const again = outboxItems(pid, 7, result, clusterSigner);
    assert.deepEqual(first.items.map((i) => i.item.id), again.items.map((i) => i.item.id));
    assert.deepEqual(first.items.map((i) => i.kind), ["message", "spawn", "spawned"]);
    assert.deepEqual(first.rejected.map((r) => [r.kind, r.index]), [["message", 1], ["spawn", 1]]);
    const fromProcess = first.items[0]!.item.tags.filter((t) => new TextDecoder().decode(t.name) === "From-Process").map((t) => new TextDecoder().decode(t.value));
    assert.deepEqual(fromProcess, [pid]);
    assert.notEqual(outboxItems(pid, 8, { Messages: [], Spawns: result.Spawns }, clusterSigner).items[0]!.item.id, first.items[1]!.item.id, "spawn ids differ by nonce");
  });

  it("fills in a spawn's Scheduler and Authority only when missing, and tells the spawner", () => {
    const pid = `${"P".repeat(42)}A`;
    const own = [{ name: "Module", value: "M".repeat(43) }, { name: "Scheduler", value: "S".repeat(43) }, { name: "Authority", value: "A".repeat(43) }];
    const spawnTags = [{ name: "Module", value: "M".repeat(43) }, { name: "Reference", value: "3" }, { name: "Action", value: "Mine" }, { name: "Process", value: "x" }];
    const { items } = outboxItems(pid, 4, { Messages: [], Spawns: [{ Tags: spawnTags, Data: "NODATA" }, { Tags: own }] }, clusterSigner);
    assert.deepEqual(items.map((i) => i.kind), ["spawn", "spawned", "spawn", "spawned"]);
    const [spawn, notice, keeps] = [items[0]!, items[1]!, items[2]!];
    assert.deepEqual(tagsOf(spawn.item), [
      ["Data-Protocol", "ao"], ["Variant", "ao.TN.1"], ["Type", "Process"], ["From-Process", pid],
      ...spawnTags.map((t): [string, string] => [t.name, t.value]), ["Scheduler", clusterAddress], ["Authority", clusterAddress],
    ]);
    assert.deepEqual(tagsOf(keeps.item).filter(([n]) => n === "Scheduler" || n === "Authority"), [["Scheduler", "S".repeat(43)], ["Authority", "A".repeat(43)]]);
    // The notice: to the spawner, from the spawner (aos's onReply matches From = ao.id and Reference),
    // the spawn's own Action/Process replaced rather than duplicated.
    assert.equal(notice.targetProcessId, pid);
    assert.equal(notice.item.target === undefined ? "" : Buffer.from(notice.item.target).toString("base64url"), pid);
    assert.deepEqual(tagsOf(notice.item), [
      ["Data-Protocol", "ao"], ["Variant", "ao.TN.1"], ["Type", "Message"], ["From-Process", pid],
      ["Module", "M".repeat(43)], ["Reference", "3"], ["Process", spawn.item.id], ["Action", "Spawned"],
    ]);
    assert.equal(text(notice.item.data), " ");
    assert.notEqual(notice.item.id, items[3]!.item.id);
  });
});

describe("Messenger", () => {
  it("delivers Sends between two aos processes in order, from the sending process, exactly once", async () => {
    // aos trusts a message whose signer is the process's owner or one of its Authority tags; the
    // messenger signs with the cluster key, so the processes name the cluster as their authority.
    const authority = [{ name: "Authority", value: node.schedulerAddress }];
    const a = processItem(owner, aos2.id, node.schedulerAddress, authority, "a");
    const b = processItem(owner, aos2.id, node.schedulerAddress, authority, "b");
    await post(a);
    await post(b);
    for (const pid of [a.id, b.id]) {
      const setup = evalItem(owner, pid, countingHandlers);
      await post(setup);
      assert.equal(outputData((await result(pid, setup)).Output), "ok");
    }
    const counts: DataItem[] = [];
    for (let i = 0; i < 5; i++) counts.push(messageItem(owner, a.id, [{ name: "Action", value: "Count" }, { name: "Forward-To", value: b.id }]));
    for (const m of counts) await post(m);
    for (const m of counts) assert.equal((await result(a.id, m)).Messages instanceof Array, true);
    // B: nonce 0 spawn, 1 setup, then the five Tally messages.
    await until("five tallies assigned to B", async () => ((await node.router.log.lastNonce(b.id)) ?? 0) >= 6);
    const ask = evalItem(owner, b.id, "return require('json').encode(Tallies)");
    await post(ask);
    const tallies = JSON.parse(String(outputData((await result(b.id, ask)).Output))) as string[];
    assert.deepEqual(tallies, [1, 2, 3, 4, 5].map((n) => `${a.id}:${n}`));

    // A re-evaluation elsewhere republishes the same outbox; nothing is assigned twice.
    const outbox = await JetStreamOutbox.open(nc, clusterSigner, silentLogger);
    const nonceOfFirst = (await node.router.log.nonceOf(a.id, counts[0]!.id))!;
    const stored = await node.service.storedResult(a.id, nonceOfFirst);
    assert.ok(stored);
    assert.equal(stored.result.Messages.length, 1);
    await outbox.publish(a.id, { nonce: nonceOfFirst }, stored.result);
    await until("outbox drained", outboxDrained);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await node.router.log.lastNonce(b.id), 7, "only the Eval was added after the tallies");
  });
});

describe("Spawn", () => {
  const parentLua = [
    "Handlers.add('spawn-child', Handlers.utils.hasMatchingTag('Action', 'Spawn-Child'), function(m)",
    "  ao.spawn(ao._module, { Name = 'child' }).onReply(function(s)",
    "    Child = s.Process; SpawnedFrom = s.From",
    "    Send({ Target = s.Process, Action = 'Eval', Data = \"Send({ Target = '\" .. ao.id .. \"', Action = 'Hello', Data = ao.id })\" })",
    "  end)",
    "end)",
    "Handlers.add('hello', Handlers.utils.hasMatchingTag('Action', 'Hello'), function(m) Hello = m.From .. ':' .. m.Data end)",
    "return 'ok'",
  ].join("\n");

  async function dryRunEval(pid: string, code: string): Promise<unknown> {
    const body = JSON.stringify({ Owner: ownerAddress(owner.owner), Tags: [{ name: "Action", value: "Eval" }], Data: code });
    const res = await fetch(`${node.url}/dry-run?process-id=${pid}`, { method: "POST", body });
    assert.equal(res.status, 200);
    return outputData(((await res.json()) as { Output: unknown }).Output);
  }

  it("sends the spawner a Spawned notice after the child is assigned; parent and child then talk", async () => {
    const parent = processItem(owner, aos2.id, node.schedulerAddress, [{ name: "Authority", value: node.schedulerAddress }], "parent");
    await post(parent);
    const setup = evalItem(owner, parent.id, parentLua);
    await post(setup);
    assert.equal(outputData((await result(parent.id, setup)).Output), "ok");
    const spawnIt = messageItem(owner, parent.id, [{ name: "Action", value: "Spawn-Child" }]);
    await post(spawnIt);
    assert.equal(((await result(parent.id, spawnIt)).Spawns as unknown[]).length, 1);

    // Spawned -> onReply -> Eval sent to the child -> the child's Send back to the parent.
    let hello: unknown;
    await until("the child's Hello reached the parent", async () => {
      hello = await dryRunEval(parent.id, "return Hello or ''");
      return hello !== "";
    });
    const child = String(await dryRunEval(parent.id, "return Child"));
    assert.equal(hello, `${child}:${child}`);
    assert.equal(await dryRunEval(parent.id, "return SpawnedFrom"), parent.id, "the notice comes from the spawner itself");

    const childInfo = (await (await fetch(`${node.url}/processes/${child}`)).json()) as { tags: { name: string; value: string }[] };
    const childTags = childInfo.tags.map((t) => [t.name, t.value]);
    assert.deepEqual(childTags.filter(([n]) => n === "Authority" || n === "Scheduler" || n === "From-Process"), [
      ["From-Process", parent.id], ["Scheduler", clusterAddress], ["Authority", clusterAddress],
    ]);
    // Exactly one notice, assigned to the parent after the child's own assignment.
    const page = (await (await fetch(`${node.url}/${parent.id}?from=0&limit=100`)).json()) as { edges: { node: { message: { tags: { name: string; value: string }[] }; assignment: { timestamp: number } } }[] };
    const notices = page.edges.filter((e) => e.node.message.tags.some((t) => t.name === "Action" && t.value === "Spawned"));
    assert.equal(notices.length, 1);
    assert.ok(notices[0]!.node.message.tags.some((t) => t.name === "Process" && t.value === child));
    const childPage = (await (await fetch(`${node.url}/${child}?from=0&limit=1`)).json()) as { edges: { node: { assignment: { timestamp: number } } }[] };
    assert.ok(childPage.edges[0]!.node.assignment.timestamp <= notices[0]!.node.assignment.timestamp);
  });
});
