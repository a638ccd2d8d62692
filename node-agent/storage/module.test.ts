// Storage module on real files and a real RocksDB: slots addressed by offset, reopen, torn-write tail
// check, refusal of a second chunk for a taken slot, block-range lookups, and the meta guard.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger, type LogEvent } from "../log.ts";
import { CHUNK_BYTES } from "./layout.ts";
import { StorageModule, type ChunkWrite, type StorageModuleOptions } from "./module.ts";
import { StorageMetaMismatchError, type StorageIoError } from "../errors.ts";

const root = mkdtempSync(join(tmpdir(), "arkube-storage-"));
after(() => rmSync(root, { recursive: true, force: true }));

const address = Buffer.alloc(32, 7);
const C = BigInt(CHUNK_BYTES);

function options(overrides: Partial<StorageModuleOptions> = {}): StorageModuleOptions {
  return {
    root,
    partition: 1,
    partitionSizeBytes: 8n * C,
    miningAddress: address,
    chunksPerFile: 3,
    fsyncPolicy: "data-before-index",
    tailCheckChunks: 4,
    indexFlushEveryChunks: 2,
    log: silentLogger,
    ...overrides,
  };
}

function chunkFor(absoluteEnd: bigint, size = CHUNK_BYTES): ChunkWrite {
  return {
    packed: randomBytes(CHUNK_BYTES),
    absoluteEnd,
    chunkSize: size,
    chunkId: createHash("sha256").update(String(absoluteEnd)).digest(),
    proofs: { txPath: Buffer.from("tx"), dataPath: Buffer.from("data-path") },
  };
}

describe("storage module", () => {
  it("stores chunks by bucket, survives a reopen, and drops a torn tail write", async () => {
    const start = 8n * C;
    let module = await StorageModule.open(options());
    assert.equal(module.slots, 8);
    assert.match(module.dir, /storage_module_1_BwcH/);
    const writes = [chunkFor(start + C), chunkFor(start + 4n * C - 1000n, CHUNK_BYTES - 1000), chunkFor(start + 8n * C)];
    assert.deepEqual(await module.writeChunks(writes), ["stored", "stored", "stored"]);
    const again = [writes[0]!, { ...chunkFor(start + 4n * C - 5n), packed: randomBytes(CHUNK_BYTES) }, chunkFor(start + 9n * C)];
    assert.deepEqual(await module.writeChunks(again), ["already-stored", "slot-taken", "outside-partition"]);
    await module.putBlocks([{ start: 0n, end: start + 2n * C, txRoot: Buffer.alloc(32, 1) }, { start: start + 2n * C, end: start + 9n * C, txRoot: Buffer.alloc(32, 2) }]);
    assert.deepEqual([...(await module.storedSlots())].sort(), [0, 3, 7]);
    await module.close();

    module = await StorageModule.open(options());
    const read = Buffer.alloc(5 * CHUNK_BYTES);
    await module.readSlots(3, 5, read);
    assert.ok(read.subarray(0, CHUNK_BYTES).equals(writes[1]!.packed), "slot 3 holds the second chunk");
    assert.ok(read.subarray(4 * CHUNK_BYTES).equals(writes[2]!.packed), "slot 7 spans the third file");
    assert.equal((await module.get(3))?.chunkSize, CHUNK_BYTES - 1000);
    assert.equal(Buffer.from((await module.proofs(7))!.dataPath).toString(), "data-path");
    assert.equal((await module.blockAt(start + 2n * C - 1n))?.txRoot[0], 1);
    assert.equal((await module.blockAt(start + 2n * C))?.txRoot[0], 2);
    await module.close();

    // A torn write: the newest slot's bytes no longer match what the index recorded.
    const fd = openSync(join(module.dir, "chunks", "chunks_0000000006.bin"), "r+");
    writeSync(fd, Buffer.alloc(4096, 0xee), 0, 4096, CHUNK_BYTES);
    closeSync(fd);
    const events: LogEvent[] = [];
    module = await StorageModule.open(options({ log: (e) => events.push(e) }));
    assert.deepEqual([...(await module.storedSlots())].sort(), [0, 3]);
    assert.ok(events.some((e) => e.event === "storage_tail_entry_dropped" && e["slot"] === 7));
    assert.equal(events.find((e) => e.event === "storage_module_opened")?.["tailDropped"], 1);
    await module.close();
  });

  it("reports a chunk file that shrank as an IO error, and closes only after operations in flight", async () => {
    const module = await StorageModule.open(options({ partition: 3 }));
    const start = 3n * 8n * C;
    await module.writeChunks([chunkFor(start + C), chunkFor(start + 2n * C)]);
    truncateSync(join(module.dir, "chunks", "chunks_0000000000.bin"), CHUNK_BYTES / 2);
    await assert.rejects(module.readSlots(0, 2, Buffer.alloc(2 * CHUNK_BYTES)), (err: StorageIoError) => {
      assert.equal(err.code, "ERR_STORAGE_IO");
      assert.equal(err.partition, 3);
      assert.equal(err.kind, "read");
      assert.match(err.message, /read failed: short read/);
      return true;
    });
    const reading = module.get(1);
    const closing = module.close();
    assert.equal((await reading)?.chunkSize, CHUNK_BYTES, "a read started before close() completes");
    await closing;
    await assert.rejects(module.get(1), { code: "ERR_STORAGE_CLOSED" });
  });

  it("refuses a directory that belongs to another configuration", async () => {
    const module = await StorageModule.open(options({ partition: 2 }));
    await module.close();
    writeFileSync(join(root, "unrelated"), "x");
    await assert.rejects(StorageModule.open(options({ partition: 2, chunksPerFile: 4 })), StorageMetaMismatchError);
  });
});
