// The packing pipeline end to end on real parts: a synthetic weave served over HTTP by two peers,
// proofs checked, native spora_2_6 packing, real chunk files and RocksDB. Every stored chunk must
// unpack to the source bytes; a lying peer's chunks are rejected, counted and taken from the other.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createPackingContext, type RandomxContext } from "../../native/index.ts";
import { SyntheticWeave, startWeaveServer, type WeaveServer } from "../../test/weave/index.ts";
import { silentLogger } from "../log.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import { StorageModule } from "../storage/module.ts";
import { verifyModule } from "../storage/verify.ts";
import { BlockMap } from "../sync/block-map.ts";
import { ChunkFetcher } from "../sync/fetcher.ts";
import { HttpPeer } from "../sync/http-peer.ts";
import { memoryMetrics, tempDir } from "../test-support.ts";
import { Packer } from "./packer.ts";
import { runPipeline } from "./pipeline.ts";
import { BoundedQueue } from "./queue.ts";

const C = BigInt(CHUNK_BYTES);
const partitionSizeBytes = 8n * C;
const address = Buffer.alloc(32, 0x42);
const bounds = { fetchConcurrency: 3, queueChunksMax: 4, packBatchChunksMax: 2, writeBatchChunksMax: 3 };

describe("packing pipeline", () => {
  let ctx: RandomxContext;
  let weave: SyntheticWeave;
  let honest: WeaveServer;
  let liar: WeaveServer;
  const dirs: { remove: () => void }[] = [];

  before(async () => {
    ctx = await createPackingContext("light");
    weave = new SyntheticWeave({ label: "pipeline", blocks: 4, txsPerBlock: 3, txBytesMax: 700_000 });
    honest = await startWeaveServer(weave);
    liar = await startWeaveServer(weave);
  });
  after(async () => {
    await honest?.close();
    await liar?.close();
    for (const d of dirs) d.remove();
  });

  async function setup(sourceUrls: string[], programCount: number) {
    const dir = tempDir("arkube-pipeline-");
    dirs.push(dir);
    const mm = memoryMetrics();
    const sources = sourceUrls.map((url) => new HttpPeer({ url, requestTimeoutMs: 5000 }));
    const blocks = BlockMap.fromEntries(await sources[0]!.blockIndex(0, await sources[0]!.height()));
    const packer = new Packer(ctx, { programCount, threads: 2 });
    const partitions = Number((blocks.weaveSize + partitionSizeBytes - 1n) / partitionSizeBytes);
    const modules = await Promise.all(
      Array.from({ length: partitions }, (_, partition) =>
        StorageModule.open({ root: dir.path, partition, partitionSizeBytes, miningAddress: address, chunksPerFile: 4, fsyncPolicy: "data-before-index", tailCheckChunks: 8, indexFlushEveryChunks: 16, log: silentLogger }),
      ),
    );
    const fetcher = new ChunkFetcher({ sources, blocks, rules: "2.6", packer, metrics: mm.metrics, log: silentLogger });
    const run = () => runPipeline({ ...bounds, modules, fetcher, blocks, packer, metrics: mm.metrics, log: silentLogger });
    return { mm, modules, packer, run, close: () => Promise.all(modules.map((m) => m.close())) };
  }

  it("syncs several partitions; every stored chunk unpacks to the source; a lying peer is bypassed", async () => {
    assert.ok(weave.weaveSize > 2n * partitionSizeBytes, `weave of ${weave.weaveSize} bytes spans 3+ partitions`);
    for (const [i, c] of weave.chunks.entries()) (i % 4 < 2 ? liar.faults.corruptChunkEnds : liar.faults.corruptDataPathEnds).add(c.absoluteEnd);
    const { mm, modules, packer, run, close } = await setup([liar.url, honest.url], 4);
    const report = await run();
    assert.equal(report.stored, weave.chunks.length, "one slot per chunk");
    assert.deepEqual(report.failedOffsets, []);
    const rejected = await mm.counter("arkube_sync_chunks_rejected");
    assert.ok(rejected >= weave.chunks.length / 2 - 1, `liar asked first about half the time, got ${rejected} rejections`);
    const hashMismatches = await mm.counter("arkube_sync_chunks_rejected", { reason: "ERR_SYNC_CHUNK_HASH_MISMATCH" });
    const badProofs = await mm.counter("arkube_sync_chunks_rejected", { reason: "ERR_SYNC_BAD_PROOF" });
    assert.ok(hashMismatches > 0 && badProofs > 0 && hashMismatches + badProofs === rejected, `${hashMismatches} + ${badProofs} of ${rejected}`);
    assert.equal(await mm.counter("chunks_stored"), weave.chunks.length * CHUNK_BYTES);
    let compared = 0;
    for (const module of modules) {
      for await (const record of module.records()) {
        const source = weave.chunks.find((c) => c.absoluteEnd === record.absoluteEnd)!;
        const slot = Buffer.alloc(CHUNK_BYTES);
        await module.readSlots(record.slot, 1, slot);
        assert.ok(!slot.subarray(0, source.chunk.length).equals(source.chunk), "stored packed, not plain");
        const block = (await module.blockAt(record.absoluteEnd - 1n))!;
        const unpacked = await packer.unpack(record.absoluteEnd, block.txRoot, address, slot, record.chunkSize);
        assert.ok(unpacked.equals(source.chunk), `chunk ending at ${record.absoluteEnd}`);
        compared += 1;
      }
      const v = await verifyModule(module, packer, { rules: "2.6" });
      assert.deepEqual(v.failures, []);
    }
    assert.equal(compared, weave.chunks.length);
    const again = await run();
    assert.equal(again.planned, 0, "a second run finds nothing left to do");
    await close();
    liar.faults.corruptChunkEnds.clear();
    liar.faults.corruptDataPathEnds.clear();
  });

  it("never stores a chunk only a lying peer serves, and reports its offset", async () => {
    const bad = weave.chunks[3]!;
    liar.faults.corruptChunkEnds.add(bad.absoluteEnd);
    const { mm, modules, run, close } = await setup([liar.url], 2);
    const report = await run();
    assert.equal(report.stored, weave.chunks.length - 1);
    assert.equal(report.failedOffsets.length, 1);
    assert.equal(await mm.counter("arkube_sync_chunks_rejected", { reason: "ERR_SYNC_CHUNK_HASH_MISMATCH" }), 1);
    const stored = (await Promise.all(modules.map(async (m) => [...(await m.storedSlots())].length))).reduce((a, b) => a + b, 0);
    assert.equal(stored, weave.chunks.length - 1);
    await close();
    liar.faults.corruptChunkEnds.clear();
  });

  it("accepts a peer that serves packed chunks: unpacks them with the peer's address before the proof check", async () => {
    const peerAddress = Buffer.alloc(32, 0x77);
    const peerPacker = new Packer(ctx, { programCount: 2, threads: 1 });
    liar.faults.packed = { address: peerAddress, pack: async (c, txRoot) => (await peerPacker.pack([{ absoluteEnd: c.absoluteEnd, txRoot, chunk: c.chunk }], peerAddress))[0]! };
    liar.faults.corruptChunkEnds.add(weave.chunks[1]!.absoluteEnd);
    try {
      const { mm, modules, packer, run, close } = await setup([liar.url], 2);
      const report = await run();
      assert.equal(report.stored, weave.chunks.length - 1, "all but the corrupted packed chunk");
      assert.equal(await mm.counter("arkube_sync_chunks_rejected", { reason: "ERR_SYNC_CHUNK_HASH_MISMATCH" }), 1);
      for (const module of modules) assert.deepEqual((await verifyModule(module, packer, { rules: "2.6" })).failures, [], "re-packed with our address");
      await close();
    } finally {
      liar.faults.packed = undefined;
      liar.faults.corruptChunkEnds.clear();
    }
  });

  it("drops a module whose disk fails from the run and finishes the others; a drained run stops early", async () => {
    const { modules, close, mm, packer } = await setup([honest.url], 2);
    const broken = modules[1]!;
    // The disk under partition 1 starts refusing writes (what ENOSPC or EIO from the kernel looks like).
    broken.writeChunks = () => Promise.reject(Object.assign(new Error("no space left on device, write"), { code: "ENOSPC" }));
    const failed: { partition: number; err: unknown }[] = [];
    const planned = new Map<number, number>();
    const sources = [new HttpPeer({ url: honest.url, requestTimeoutMs: 5000 })];
    const blocks = BlockMap.fromEntries(await sources[0]!.blockIndex(0, await sources[0]!.height()));
    const fetcher = new ChunkFetcher({ sources, blocks, rules: "2.6", packer, metrics: mm.metrics, log: silentLogger });
    const report = await runPipeline({
      ...bounds, modules, fetcher, blocks, packer, metrics: mm.metrics, log: silentLogger,
      onModuleError: (m, err) => failed.push({ partition: m.opts.partition, err }),
      onPlanned: (m, slots) => planned.set(m.opts.partition, slots),
    });
    assert.deepEqual(failed.map((f) => [f.partition, (f.err as { code?: string }).code]), [[1, "ENOSPC"]], "reported once");
    assert.deepEqual(report.failedModules, [1]);
    const inPartition = (p: number) => weave.chunks.filter((c) => (c.absoluteEnd - 1n) / partitionSizeBytes === BigInt(p)).length;
    for (const m of modules) if (m !== broken) assert.equal(m.storedCount, inPartition(m.opts.partition), `partition ${m.opts.partition} complete`);
    assert.equal(broken.storedCount, 0);
    assert.equal(planned.get(1), inPartition(1));
    await close();

    const second = await setup([honest.url], 2);
    const drain = new AbortController();
    drain.abort();
    const drained = await runPipeline({ ...bounds, modules: second.modules, fetcher, blocks, packer, metrics: second.mm.metrics, log: silentLogger, drain: drain.signal });
    assert.equal(drained.drained, true);
    assert.equal(drained.stored, 0, "a drained run takes no new slots");
    await second.close();
  });

  it("packs with the real 360 programs (two chunks) and the verify command accepts them", async () => {
    const dir = tempDir("arkube-pack360-");
    dirs.push(dir);
    const packer = new Packer(ctx, { programCount: 360, threads: 2 });
    const module = await StorageModule.open({ root: dir.path, partition: 0, partitionSizeBytes: 2n * C, miningAddress: address, chunksPerFile: 2, fsyncPolicy: "data-before-index", tailCheckChunks: 2, indexFlushEveryChunks: 2, log: silentLogger });
    const blocks = BlockMap.fromEntries(weave.blockIndexEntries());
    await module.putBlocks(blocks.rangesOverlapping(0n, 2n * C));
    const chunks = weave.chunks.slice(0, 2);
    const packed = await packer.pack(chunks.map((c) => ({ absoluteEnd: c.absoluteEnd, txRoot: weave.blocks[c.block]!.txRoot, chunk: c.chunk })), address);
    const ids = chunks.map((c) => createHash("sha256").update(c.chunk).digest());
    await module.writeChunks(chunks.map((c, i) => ({ packed: packed[i]!, absoluteEnd: c.absoluteEnd, chunkSize: c.chunk.length, chunkId: ids[i]!, proofs: { txPath: c.txPath, dataPath: c.dataPath } })));
    assert.deepEqual((await verifyModule(module, packer, { rules: "2.6" })).failures, []);
    const wrongPrograms = new Packer(ctx, { programCount: 8, threads: 2 });
    const v = await verifyModule(module, wrongPrograms, { rules: "2.6" });
    assert.equal(v.failures.length, 2, "packing with 8 programs is not spora_2_6");
    await module.close();
  });

  it("bounded queue: push waits while full, pops drain after close", async () => {
    const q = new BoundedQueue<number>("t", 2);
    await q.push(1);
    await q.push(2);
    let third = false;
    const pushing = q.push(3).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(third, false, "third push waits for space");
    assert.deepEqual(await q.popBatch(1), [1]);
    await pushing;
    q.close();
    assert.deepEqual(await q.popBatch(5), [2, 3]);
    assert.deepEqual(await q.popBatch(5), []);
    await assert.rejects(q.push(4), { code: "ERR_QUEUE_CLOSED" });
    const lingering = new BoundedQueue<number>("linger", 4);
    await lingering.push(1);
    setTimeout(() => void lingering.push(2), 10);
    assert.deepEqual(await lingering.popBatch(3, 200), [1, 2], "waits for the batch to fill, up to the linger");
    const pending = lingering.popBatch(3, 0);
    assert.equal(await Promise.race([pending, new Promise((r) => setTimeout(() => r("waiting"), 30))]), "waiting");
    await lingering.push(3);
    assert.deepEqual(await pending, [3], "a timed-out linger left no stale waiter behind");
  });
});
