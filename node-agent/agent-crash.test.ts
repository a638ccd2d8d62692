// kill -9 during packing: a real agent process (main.ts) syncs a synthetic weave over HTTP, is
// SIGKILLed mid-way, and restarted. It must resume exactly at the empty slots (nothing stored is
// fetched again), never place a chunk in a slot other than its own, and pass `verify` at the end.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processSetIn, logTail, type Component } from "../test/k8s/processes.ts";
import { freePort } from "../test/harness/index.ts";
import { SyntheticWeave, startWeaveServer, type WeaveServer } from "../test/weave/index.ts";
import { silentLogger } from "./log.ts";
import { CHUNK_BYTES, requestOffsetOfSlot } from "./storage/layout.ts";
import { StorageModule } from "./storage/module.ts";
import { tempDir, waitFor } from "./test-support.ts";

const C = BigInt(CHUNK_BYTES);
const partitionSizeBytes = 8n * C;
const address = Buffer.alloc(32, 9);
const mainPath = new URL("./main.ts", import.meta.url).pathname;

describe("agent process killed with SIGKILL during packing", () => {
  let weave: SyntheticWeave;
  let server: WeaveServer;
  const data = tempDir("arkube-agent-crash-");
  const procDir = mkdtempSync(join(tmpdir(), "arkube-agent-procs-"));
  const procs = processSetIn(procDir);
  mkdirSync(join(procDir, "logs"));

  before(async () => {
    weave = new SyntheticWeave({ label: "crash", blocks: 4, txsPerBlock: 3, txBytesMax: 700_000 });
    server = await startWeaveServer(weave);
  });
  after(async () => {
    await procs.stopAll(5000);
    await server?.close();
    data.remove();
  });

  /** Every partition the weave reaches into. */
  function partitions(): number[] {
    return Array.from({ length: Number((weave.weaveSize + partitionSizeBytes - 1n) / partitionSizeBytes) }, (_, p) => p);
  }

  async function status(port: number): Promise<{ modules: { partition: number; stored: number }[]; packing: { runs: number } }> {
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    return (await res.json()) as never;
  }

  async function stored(port: number): Promise<number> {
    try {
      return (await status(port)).modules.reduce((s, m) => s + m.stored, 0);
    } catch {
      return -1;
    }
  }

  function startAgent(name: string, port: number): Component {
    const configPath = join(data.path, `${name}.yaml`);
    writeFileSync(
      configPath,
      [
        `nodeName: ${name}`,
        `miningAddressB64Url: ${address.toString("base64url")}`,
        `partitionSizeBytes: "${partitionSizeBytes}"`,
        `modules: [${partitions().map((p) => `{partition: ${p}, root: ${data.path}}`).join(", ")}]`,
        `peers: [${server.url}]`,
        `proofRules: "2.6"`,
        `randomxMode: light`,
        // Slow enough (about 0.3 s per chunk in light mode) to be killed half way.
        `packing: {programCount: 40, threads: 1, fetchConcurrency: 2, queueChunksMax: 2, packBatchChunksMax: 1, writeBatchChunksMax: 1, resyncIntervalMs: 600000}`,
        `storage: {chunksPerFile: 4, fsyncPolicy: data-before-index, tailCheckChunks: 8, indexFlushEveryChunks: 4}`,
        `adminPort: ${port}`,
      ].join("\n"),
    );
    return procs.start(name, process.execPath, ["--import", "tsx", mainPath, "--config", configPath], join(procDir, "logs"));
  }

  async function openModules(): Promise<StorageModule[]> {
    return Promise.all(partitions().map((partition) => StorageModule.open({ root: data.path, partition, partitionSizeBytes, miningAddress: address, chunksPerFile: 4, fsyncPolicy: "data-before-index", tailCheckChunks: 8, indexFlushEveryChunks: 4, log: silentLogger })));
  }

  it("resumes where it stopped, stores each chunk once in its own slot, and verifies", async () => {
    const total = weave.chunks.length;
    const port1 = await freePort();
    const first = startAgent("agent-a", port1);
    await waitFor("a few chunks stored", 60_000, async () => {
      if (first.exit !== undefined) throw new Error(`agent exited early:\n${logTail(first)}`);
      return (await stored(port1)) >= 4;
    });
    process.kill(-first.pid, "SIGKILL");
    assert.equal((await first.exited).signal, "SIGKILL");

    let modules = await openModules();
    const storedAtKill = new Map(modules.map((m) => [m.opts.partition, new Set(Array.from({ length: m.slots }, (_, s) => s).filter((s) => m.isStored(s)))]));
    const countAtKill = [...storedAtKill.values()].reduce((s, v) => s + v.size, 0);
    for (const m of modules) await m.close();
    assert.ok(countAtKill >= 4 && countAtKill < total, `killed half way: ${countAtKill} of ${total}`);
    const requestsBefore = server.chunkRequests.length;

    const port2 = await freePort();
    const second = startAgent("agent-b", port2);
    await waitFor("every chunk stored", 90_000, async () => {
      if (second.exit !== undefined) throw new Error(`agent exited early:\n${logTail(second)}`);
      const s = await stored(port2);
      return s === total && (await status(port2)).packing.runs >= 1;
    });
    const storedOffsets = new Set([...storedAtKill].flatMap(([p, slots]) => [...slots].map((s) => requestOffsetOfSlot({ partition: p, partitionSizeBytes }, s))));
    const refetched = server.chunkRequests.slice(requestsBefore).filter((o) => storedOffsets.has(o));
    assert.deepEqual(refetched, [], "nothing stored before the kill is fetched again");
    for (const partition of partitions()) {
      const res = await fetch(`http://127.0.0.1:${port2}/verify?partition=${partition}`, { method: "POST" });
      const report = (await res.json()) as { checked: number; failures: unknown[] };
      assert.deepEqual(report.failures, [], `partition ${partition} verifies`);
    }
    process.kill(-second.pid, "SIGTERM");
    assert.equal((await second.exited).code, 0, `graceful stop:\n${logTail(second)}`);

    // The offline verify command (agent stopped) over partition 0 must agree.
    const verify = procs.start("verify", process.execPath, ["--import", "tsx", mainPath, "--config", join(data.path, "agent-b.yaml"), "--verify", "0"], join(procDir, "logs"));
    assert.equal((await verify.exited).code, 0, `offline verify:\n${logTail(verify)}`);

    modules = await openModules();
    const ends = new Set<bigint>();
    for (const m of modules) {
      for await (const r of m.records()) {
        assert.equal(m.slotOf(r.absoluteEnd), r.slot, "each chunk sits in the slot its offset names");
        assert.ok(!ends.has(r.absoluteEnd), "each chunk stored once");
        ends.add(r.absoluteEnd);
      }
      await m.close();
    }
    assert.deepEqual([...ends].sort((a, b) => (a < b ? -1 : 1)), weave.chunks.map((c) => c.absoluteEnd));
  });
});
