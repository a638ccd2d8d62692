// The assignment log on a real nats-server: concurrent appends from several connections produce
// every nonce exactly once with a valid Hash-Chain, a resubmitted message keeps its assignment, and
// reads from the middle of a log interleaved with other processes start at the right entry.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/transport-node";
import { genesisHashChain, nextHashChain, ownerAddress, parseDataItem } from "../../protocol/ao/index.ts";
import { evalItem, processItem, testSigner } from "../../test/cu-harness/ao-items.ts";
import { startNats, type NatsServer } from "../../test/cu-harness/nats.ts";
import type { ScheduledEntry } from "../compute/stores.ts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { nextAssignment, signAssignment } from "./assign.ts";
import { encodeEntry } from "./codec.ts";
import { assignmentStream, assignmentSubject, JetStreamAssignmentLog } from "./jetstream-log.ts";

const owner = testSigner("owner");
const signer = testSigner("scheduler");
const clock = () => ({ epoch: 0, timestamp: Date.now(), blockHeight: 1_000 });
let nats: NatsServer;
const connections: NatsConnection[] = [];

before(async () => {
  nats = await startNats();
});

after(async () => {
  for (const nc of connections) await nc.close();
  await nats.stop();
});

async function openLog(): Promise<JetStreamAssignmentLog> {
  const nc = await nats.connect();
  connections.push(nc);
  return JetStreamAssignmentLog.open(nc);
}

async function readAll(log: JetStreamAssignmentLog, pid: string): Promise<ScheduledEntry[]> {
  const out: ScheduledEntry[] = [];
  for await (const entry of log.read(pid, 0)) out.push(entry);
  return out;
}

describe("JetStreamAssignmentLog", () => {
  it("assigns every nonce exactly once under concurrent appends, chained by Hash-Chain", async () => {
    const logs = [await openLog(), await openLog(), await openLog()];
    const process = processItem(owner, "A".repeat(43), ownerAddress(signer.owner));
    const spawned = await logs[0]!.append(process.id, process, signer, clock);
    assert.equal(spawned.entry.assignment.nonce, 0);
    const count = 45;
    const messages = Array.from({ length: count }, (_, i) => evalItem(owner, process.id, `return ${i}`));
    const appended = await Promise.all(messages.map((m, i) => logs[i % logs.length]!.append(process.id, m, signer, clock)));
    const nonces = appended.map((a) => a.entry.assignment.nonce).sort((a, b) => a - b);
    assert.deepEqual(nonces, Array.from({ length: count }, (_, i) => i + 1), "no duplicate or skipped nonce");

    const entries = await readAll(logs[1]!, process.id);
    assert.equal(entries.length, count + 1);
    assert.equal(entries[0]!.assignment.hashChain, genesisHashChain(process.id));
    assert.equal(entries[0]!.assignment.message, undefined);
    for (let n = 1; n < entries.length; n++) {
      const prev = entries[n - 1]!;
      assert.equal(entries[n]!.assignment.nonce, n);
      assert.equal(entries[n]!.assignment.hashChain, nextHashChain(prev.assignmentId, prev.assignment.hashChain), `Hash-Chain at ${n}`);
      assert.equal(entries[n]!.assignment.message, entries[n]!.message.id);
    }
    assert.equal((await logs[2]!.streamInfo()).messages, count + 1);
  });

  it("returns the existing assignment when a message is submitted again", async () => {
    const log = await openLog();
    const process = processItem(owner, "B".repeat(43), ownerAddress(signer.owner), [], "dup");
    await log.append(process.id, process, signer, clock);
    const message = evalItem(owner, process.id, "return 1");
    const first = await log.append(process.id, message, signer, clock);
    const again = await Promise.all([log.append(process.id, message, signer, clock), log.append(process.id, parseDataItem(message.bytes), signer, clock)]);
    for (const a of again) {
      assert.equal(a.duplicate, true);
      assert.equal(a.entry.assignment.nonce, first.entry.assignment.nonce);
    }
    assert.equal(await log.lastNonce(process.id), 1);
    assert.equal(await log.nonceOf(process.id, message.id), 1);
    assert.equal(await log.lastNonce("C".repeat(43)), undefined);
  });

  it("recovers a message whose assigner crashed between publishing and indexing it", async () => {
    const log = await openLog();
    const process = processItem(owner, "D".repeat(43), ownerAddress(signer.owner), [], "crash");
    const spawned = await log.append(process.id, process, signer, clock);
    const message = evalItem(owner, process.id, "return 2");
    // What a pod killed right after its publish leaves behind: the entry, and no index entry.
    const { hashChain, timestamp, blockHeight } = spawned.entry.assignment;
    const head = { nonce: 0, assignmentId: spawned.entry.assignmentId, hashChain, timestamp, blockHeight };
    const fields = nextAssignment(process.id, head, message.id, clock());
    await jetstream(connections[0]!).publish(assignmentSubject(process.id), encodeEntry(signAssignment(fields, signer), message), { msgID: message.id });
    const again = await log.append(process.id, message, signer, clock);
    assert.equal(again.duplicate, true);
    assert.equal(again.entry.assignment.nonce, 1);
    assert.equal(await log.nonceOf(process.id, message.id), 1, "the index was repaired");
    assert.equal(await log.lastNonce(process.id), 1);
  });

  it("opens concurrently on a server without the stream", async () => {
    const nc = await nats.connect();
    connections.push(nc);
    await (await jetstreamManager(nc)).streams.delete(assignmentStream);
    const logs = await Promise.all(Array.from({ length: 4 }, () => openLog()));
    assert.equal((await logs[0]!.streamInfo()).messages, 0);
  });

  it("reads from any nonce of a log interleaved with other processes", async () => {
    const log = await openLog();
    const pids = ["B", "C"].map((c) => processItem(owner, c.repeat(43), ownerAddress(signer.owner), [], c));
    for (const p of pids) await log.append(p.id, p, signer, clock);
    const count = 30;
    for (let i = 0; i < count; i++) {
      // Uneven interleaving: the other process gets 0-2 entries between two of this one's.
      for (let j = 0; j < i % 3; j++) await log.append(pids[1]!.id, evalItem(owner, pids[1]!.id, `return ${i}.${j}`), signer, clock);
      await log.append(pids[0]!.id, evalItem(owner, pids[0]!.id, `return ${i}`), signer, clock);
    }
    const all = await readAll(log, pids[0]!.id);
    for (const from of [1, 2, 7, 16, count - 1, count]) {
      const got: ScheduledEntry[] = [];
      for await (const entry of log.read(pids[0]!.id, from, Math.min(count, from + 4))) got.push(entry);
      assert.deepEqual(got.map((e) => e.assignmentId), all.slice(from, from + 5).map((e) => e.assignmentId), `from ${from}`);
    }
    for (const n of [0, 1, 13, count]) assert.equal((await log.entryAt(pids[0]!.id, n)).assignmentId, all[n]!.assignmentId);
    await assert.rejects(log.entryAt(pids[0]!.id, count + 1));
  });
});