// spora_2_6 packing beyond the vectors: batches round-trip on several threads, padding rules,
// and bad input (empty/oversized chunks, wrong sizes, wrong context, a wrong unpacking key).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  BadArgumentError,
  BadLengthError,
  BadPaddingError,
  CHUNK_BYTES,
  createPackingContext,
  packChunks,
  packInPlace,
  packingKey,
  RandomxContext,
  unpackChunk,
  unpackInPlace,
} from "../index.ts";

// Few programs keep these tests fast; the 360-program path is covered by the vector checker.
const programCount = 4;

test("a batch packs on two threads and unpacks back, padded chunks included", async () => {
  const ctx = await createPackingContext("light");
  const sizes = [CHUNK_BYTES, 1, 1000, CHUNK_BYTES - 1, 65536];
  const items = sizes.map((size, i) => ({
    key: packingKey((i + 1) * CHUNK_BYTES, randomBytes(32), randomBytes(32)),
    chunk: randomBytes(size),
  }));
  const packed = await packChunks(ctx, items, { threads: 2, programCount });
  assert.equal(packed.length, sizes.length * CHUNK_BYTES);
  const single = await packChunks(ctx, [items[2]!], { programCount });
  assert.ok(single.equals(packed.subarray(2 * CHUNK_BYTES, 3 * CHUNK_BYTES)), "batching must not change a chunk");
  for (const [i, item] of items.entries()) {
    const slot = packed.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
    assert.ok(!slot.subarray(0, item.chunk.length).equals(item.chunk), "packing must change the bytes");
    const unpacked = await unpackChunk(ctx, item.key, slot, item.chunk.length, { programCount });
    assert.ok(unpacked.equals(item.chunk), `chunk ${i} round-trips`);
  }
  const keys = Buffer.concat(items.map((item) => item.key));
  await unpackInPlace(ctx, keys, packed, { threads: 2, programCount });
  assert.ok(packed.subarray(0, CHUNK_BYTES).equals(items[0]!.chunk));
});

test("unpacking with the wrong key is detected by the padding check", async () => {
  const ctx = await createPackingContext("light");
  const chunk = randomBytes(1000);
  const key = randomBytes(32);
  const packed = await packChunks(ctx, [{ key, chunk }], { programCount });
  await assert.rejects(unpackChunk(ctx, randomBytes(32), packed, chunk.length, { programCount }), BadPaddingError);
});

test("bad packing input is rejected before any work", async () => {
  const ctx = await createPackingContext("light");
  const key = randomBytes(32);
  await assert.rejects(packChunks(ctx, [{ key, chunk: Buffer.alloc(0) }]), BadLengthError);
  await assert.rejects(packChunks(ctx, [{ key, chunk: Buffer.alloc(CHUNK_BYTES + 1) }]), BadLengthError);
  await assert.rejects(packChunks(ctx, [{ key: Buffer.alloc(31), chunk: Buffer.alloc(10) }]), BadLengthError);
  await assert.rejects(packInPlace(ctx, Buffer.alloc(64), Buffer.alloc(CHUNK_BYTES)), BadLengthError);
  await assert.rejects(packInPlace(ctx, Buffer.alloc(0), Buffer.alloc(0)), BadLengthError);
  await assert.rejects(packInPlace(ctx, key, Buffer.alloc(CHUNK_BYTES), { threads: 0 }), BadArgumentError);
  await assert.rejects(unpackChunk(ctx, key, Buffer.alloc(CHUNK_BYTES), 0), BadArgumentError);
  const standard = await RandomxContext.create({ config: "standard", key: Buffer.from("k"), mode: "light" });
  await assert.rejects(packInPlace(standard, key, Buffer.alloc(CHUNK_BYTES)), BadArgumentError);
});
