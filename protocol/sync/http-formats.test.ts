// HTTP payload codecs: the three wire samples of merkle.json, JSON forms built from vector values,
// and malformed input rejected with stable codes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DATA_CHUNK_SIZE_BYTES } from "./constants.ts";
import { SyncError } from "./errors.ts";
import type { SyncErrorCode } from "./errors.ts";
import {
  BLOCK_TX_COUNT_MAX,
  decodeBlockHeaderJson,
  decodeBlockIndex2,
  decodeBlockIndexJson,
  decodeChunk2Binary,
  decodeChunkJson,
  decodeSyncRecordEtf,
  decodeSyncRecordJson,
  encodeBlockIndex2,
  encodeBlockIndexJson,
  encodeChunk2Binary,
  encodeChunkJson,
  encodeSyncRecordEtf,
  encodeSyncRecordJson,
  formatPacking,
  parsePacking,
} from "./http-formats.ts";
import type { ChunkReply } from "./http-formats.ts";
import { findContainingBlock } from "./offsets.ts";
import { txByName, txData } from "./test-helpers/fixtures.ts";
import { prngLabel, prngStream } from "./test-helpers/prng.ts";
import { b64url, hex, loadMerkleVectors, loadRealBlocks, toHex } from "./test-helpers/vectors.ts";

const vectors = loadMerkleVectors();
const formats = vectors.http_formats;

function throwsCode(fn: () => unknown, code: SyncErrorCode): void {
  assert.throws(fn, (err: unknown) => err instanceof SyncError && err.code === code);
}

/** The t0 chunk reply of the /chunk2 sample: all 100000 bytes, paths from placement. */
function t0Reply(): ChunkReply {
  const t0 = txByName(vectors, "t0_single_small");
  const placed = vectors.placement.chunks.find((chunk) => chunk.tx === t0.name);
  assert.ok(placed);
  return { chunk: txData(vectors, t0), txPath: hex(placed.tx_path_hex), dataPath: hex(placed.data_path_hex), packing: { kind: "unpacked" } };
}

describe("data_sync_record ETF sample", () => {
  const expected = formats.data_sync_record_etf.intervals_end_start.map(([end, start]) => ({ end: BigInt(end), start: BigInt(start) }));

  it("decodes to the listed intervals and encodes back byte for byte", () => {
    assert.deepEqual(decodeSyncRecordEtf(hex(formats.data_sync_record_etf.body_hex)), expected);
    assert.equal(toHex(encodeSyncRecordEtf(expected)), formats.data_sync_record_etf.body_hex);
  });

  it("the empty record is term_to_binary([])", () => {
    assert.deepEqual(encodeSyncRecordEtf([]), Uint8Array.of(131, 0x6a));
    assert.deepEqual(decodeSyncRecordEtf(Uint8Array.of(131, 0x6a)), []);
  });

  it("rejects truncation, trailing bytes, wrong widths and out-of-order intervals", () => {
    const body = hex(formats.data_sync_record_etf.body_hex);
    throwsCode(() => decodeSyncRecordEtf(body.subarray(0, body.length - 1)), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeSyncRecordEtf(Uint8Array.from([...body, 0])), "ERR_SYNC_MALFORMED_PAYLOAD");
    const narrow = Uint8Array.from(body);
    narrow[12] = 31; // first binary's u32 length byte
    throwsCode(() => decodeSyncRecordEtf(narrow), "ERR_SYNC_BAD_LENGTH");
    const reversed = [...expected].reverse();
    throwsCode(() => encodeSyncRecordEtf(reversed), "ERR_SYNC_BAD_INTERVALS");
    // One interval: version, list tag, u32 count, tuple tag, arity, then two (tag, u32 length, 32 bytes).
    const single = encodeSyncRecordEtf([expected[0] ?? { end: 1n, start: 0n }]);
    const endAt = 1 + 1 + 4 + 2 + 5;
    const startAt = endAt + 32 + 5;
    const swapped = Uint8Array.from(single);
    swapped.set(single.subarray(startAt, startAt + 32), endAt);
    swapped.set(single.subarray(endAt, endAt + 32), startAt);
    throwsCode(() => decodeSyncRecordEtf(swapped), "ERR_SYNC_BAD_INTERVALS");
  });

  it("JSON form carries the same intervals, strictly parsed", () => {
    const json = encodeSyncRecordJson(expected);
    assert.deepEqual(JSON.parse(json), expected.map(({ end, start }) => ({ [String(end)]: String(start) })));
    assert.deepEqual(decodeSyncRecordJson(json), expected);
    throwsCode(() => decodeSyncRecordJson('[{"0100":"5"}]'), "ERR_SYNC_BAD_INTEGER");
    throwsCode(() => decodeSyncRecordJson('[{"100":5}]'), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeSyncRecordJson('[{"100":"5","200":"150"}]'), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeSyncRecordJson('[{"100":"5"},{"200":"150"}]'), "ERR_SYNC_BAD_INTERVALS");
    // Touching intervals would have been merged by the sender: (100, 200] then (50, 100] is invalid.
    throwsCode(() => decodeSyncRecordJson('[{"200":"100"},{"100":"50"}]'), "ERR_SYNC_BAD_INTERVALS");
    assert.equal(decodeSyncRecordJson('[{"200":"100"},{"99":"50"}]').length, 2);
    throwsCode(() => decodeSyncRecordJson("not json"), "ERR_SYNC_MALFORMED_PAYLOAD");
  });
});

describe("/chunk2 binary sample", () => {
  const sample = formats.chunk2_body_t0;

  it("encodes to the recorded body (length, sha256, head, tail) and decodes back", () => {
    const reply = t0Reply();
    const body = encodeChunk2Binary(reply);
    assert.equal(body.length, sample.body_len);
    assert.equal(createHash("sha256").update(body).digest("hex"), sample.body_sha256_hex);
    assert.equal(toHex(body.subarray(0, sample.head_hex.length / 2)), sample.head_hex);
    assert.equal(toHex(body.subarray(body.length - sample.tail_hex.length / 2)), sample.tail_hex);
    assert.deepEqual(decodeChunk2Binary(body), reply);
  });

  it("rejects truncated, trailing, empty-chunk and unknown-packing bodies", () => {
    const body = encodeChunk2Binary(t0Reply());
    throwsCode(() => decodeChunk2Binary(body.subarray(0, body.length - 1)), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeChunk2Binary(Uint8Array.from([...body, 0])), "ERR_SYNC_MALFORMED_PAYLOAD");
    // A one-byte chunk rewritten as a zero-length one: u24 length 0, the byte removed.
    const oneByte = encodeChunk2Binary({ ...t0Reply(), chunk: Uint8Array.of(1) });
    const emptyChunk = Uint8Array.from([0, 0, 0, ...oneByte.subarray(4)]);
    throwsCode(() => decodeChunk2Binary(emptyChunk), "ERR_SYNC_BAD_LENGTH");
    const renamed = Uint8Array.from(body);
    renamed[renamed.length - 1] = 0x78; // "unpackex"
    throwsCode(() => decodeChunk2Binary(renamed), "ERR_SYNC_UNKNOWN_PACKING");
    throwsCode(() => encodeChunk2Binary({ ...t0Reply(), packing: { kind: "spora_2_5" } }), "ERR_SYNC_BAD_LENGTH");
  });
});

describe("/block_index2 binary sample", () => {
  const sample = formats.block_index2;
  const prefix = vectors.prng_prefix;

  it("decodes newest first, matching the prng hashes and the block vectors", () => {
    const entries = decodeBlockIndex2(hex(sample.body_hex));
    assert.deepEqual(
      entries.map((entry) => ({ hash_hex: toHex(entry.hash), tx_root_hex: toHex(entry.txRoot), weave_size: Number(entry.weaveSize) })),
      sample.entries_newest_first,
    );
    const [newest, older] = entries;
    assert.ok(newest && older);
    assert.deepEqual(newest.hash, prngStream(prngLabel(prefix, "bh"), 1, 48));
    assert.deepEqual(older.hash, prngStream(prngLabel(prefix, "bh"), 0, 48));
    assert.deepEqual(older.txRoot, prngStream(prngLabel(prefix, "txroot"), 0, 32));
    assert.equal(newest.weaveSize, BigInt(vectors.block_post_2_5.weave_size));
    assert.equal(toHex(newest.txRoot), vectors.block_post_2_5.tx_root_hex);
    assert.equal(toHex(encodeBlockIndex2(entries)), sample.body_hex);
  });

  it("locates the block of every placed chunk", () => {
    const oldestFirst = decodeBlockIndex2(hex(sample.body_hex)).reverse();
    for (const chunk of vectors.placement.chunks) {
      const bounds = findContainingBlock(oldestFirst, BigInt(chunk.abs_start));
      assert.ok(bounds);
      assert.equal(bounds.blockStart, BigInt(vectors.placement.block_start));
      assert.equal(toHex(bounds.block.txRoot), vectors.block_post_2_5.tx_root_hex);
    }
    assert.equal(findContainingBlock(oldestFirst, BigInt(vectors.block_post_2_5.weave_size)), undefined);
  });

  it("rejects truncation, bad tx_root widths and shrinking weave sizes", () => {
    const body = hex(sample.body_hex);
    throwsCode(() => decodeBlockIndex2(body.subarray(0, body.length - 1)), "ERR_SYNC_MALFORMED_PAYLOAD");
    const entries = decodeBlockIndex2(body);
    throwsCode(() => decodeBlockIndex2(encodeBlockIndex2([...entries].reverse())), "ERR_SYNC_MALFORMED_PAYLOAD");
    const [newest] = entries;
    assert.ok(newest);
    throwsCode(() => encodeBlockIndex2([{ ...newest, txRoot: new Uint8Array(31) }]), "ERR_SYNC_BAD_LENGTH");
  });
});

describe("GET /chunk JSON", () => {
  it("round-trips a reply and keeps HEAD's optional fields", () => {
    const reply = { ...t0Reply(), absoluteEndOffset: BigInt(vectors.placement.chunks.at(-1)?.abs_end ?? 0), chunkSize: 100_000n };
    assert.deepEqual(decodeChunkJson(encodeChunkJson(reply)), reply);
  });

  it("decodes the published arweave-js data path from its b64url form", () => {
    const published = vectors.real_world.rebar3.published_paths[0];
    assert.ok(published);
    const body = JSON.stringify({ chunk: "AQ", tx_path: "", data_path: published.data_path_b64url, packing: "unpacked" });
    assert.equal(toHex(decodeChunkJson(body).dataPath), published.data_path_hex);
  });

  it("rejects non-canonical base64url, bad sizes and unknown packings", () => {
    const good = JSON.parse(encodeChunkJson(t0Reply())) as Record<string, string>;
    const variant = (patch: Record<string, string>): string => JSON.stringify({ ...good, ...patch });
    throwsCode(() => decodeChunkJson(variant({ data_path: `${good["data_path"]}=` })), "ERR_SYNC_BAD_B64URL");
    throwsCode(() => decodeChunkJson(variant({ data_path: "ab+/" })), "ERR_SYNC_BAD_B64URL");
    throwsCode(() => decodeChunkJson(variant({ tx_path: "AB" })), "ERR_SYNC_BAD_B64URL");
    throwsCode(() => decodeChunkJson(variant({ chunk: "" })), "ERR_SYNC_BAD_LENGTH");
    const tooBig = Buffer.alloc(DATA_CHUNK_SIZE_BYTES + 3).toString("base64url");
    throwsCode(() => decodeChunkJson(variant({ chunk: tooBig })), "ERR_SYNC_PAYLOAD_TOO_LARGE");
    throwsCode(() => decodeChunkJson(variant({ packing: "spora_2_5" })), "ERR_SYNC_BAD_LENGTH");
    throwsCode(() => decodeChunkJson(variant({ packing: "spora_2_7" })), "ERR_SYNC_UNKNOWN_PACKING");
    throwsCode(() => decodeChunkJson(JSON.stringify({ chunk: good["chunk"] })), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeChunkJson("[1,2]"), "ERR_SYNC_MALFORMED_PAYLOAD");
  });

  it("packing strings of every kind parse and format back", () => {
    const address = prngStream(prngLabel(vectors.prng_prefix, "addr"), 0, 32);
    const addr = Buffer.from(address).toString("base64url");
    for (const text of ["unpacked", "unpacked_padded", "spora_2_5", `spora_2_6_${addr}`, `replica_2_9_${addr}`, `composite_${addr}.2`]) {
      assert.equal(formatPacking(parsePacking(text)), text);
    }
    assert.deepEqual(parsePacking(`spora_2_6_${addr}`), { kind: "spora_2_6", rewardAddress: address });
    for (const bad of ["spora_2_6_", `composite_${addr}.0`, `composite_${addr}.33`, `composite_${addr}`, "Unpacked"]) {
      throwsCode(() => parsePacking(bad), "ERR_SYNC_UNKNOWN_PACKING");
    }
  });
});

describe("block header and block index JSON", () => {
  const { blocks } = loadRealBlocks();

  for (const block of blocks) {
    it(`height ${block.height}: tx_root, sizes and block start`, () => {
      const json = JSON.stringify({
        indep_hash: block.indep_hash, height: block.height, tx_root: block.tx_root,
        weave_size: String(block.weave_size), block_size: String(block.block_size),
        txs: block.txs_in_block_order.map((tx) => tx.id), reward_addr: "ignored",
      });
      const header = decodeBlockHeaderJson(json);
      assert.deepEqual(header.txRoot, b64url(block.tx_root));
      assert.equal(header.blockStart, BigInt(block.block_start));
      assert.equal(header.txIds.length, block.txs_in_block_order.length);
    });
  }

  it("accepts pre-2.4 integer sizes and an empty tx_root; rejects malformed fields", () => {
    const block = blocks[0];
    assert.ok(block);
    const base = { indep_hash: block.indep_hash, height: 1, tx_root: "", weave_size: 10, block_size: 0, txs: [] };
    assert.equal(decodeBlockHeaderJson(JSON.stringify(base)).txRoot.length, 0);
    throwsCode(() => decodeBlockHeaderJson(JSON.stringify({ ...base, weave_size: "010" })), "ERR_SYNC_BAD_INTEGER");
    throwsCode(() => decodeBlockHeaderJson(JSON.stringify({ ...base, weave_size: -1 })), "ERR_SYNC_BAD_INTEGER");
    throwsCode(() => decodeBlockHeaderJson(JSON.stringify({ ...base, block_size: "11" })), "ERR_SYNC_MALFORMED_PAYLOAD");
    throwsCode(() => decodeBlockHeaderJson(JSON.stringify({ ...base, tx_root: "AAAA" })), "ERR_SYNC_BAD_LENGTH");
    const ids = Array.from({ length: BLOCK_TX_COUNT_MAX + 1 }, () => block.txs_in_block_order[0]?.id);
    throwsCode(() => decodeBlockHeaderJson(JSON.stringify({ ...base, txs: ids })), "ERR_SYNC_PAYLOAD_TOO_LARGE");
  });

  it("block index JSON: full entries round-trip newest first; hash-only lists decode too", () => {
    const entries = decodeBlockIndex2(hex(formats.block_index2.body_hex));
    const decoded = decodeBlockIndexJson(encodeBlockIndexJson(entries));
    assert.deepEqual(decoded, { kind: "entries", entriesNewestFirst: entries });
    const hashes = decodeBlockIndexJson(JSON.stringify(entries.map((entry) => Buffer.from(entry.hash).toString("base64url"))));
    assert.deepEqual(hashes, { kind: "hashes", hashesNewestFirst: entries.map((entry) => entry.hash) });
    throwsCode(() => decodeBlockIndexJson(encodeBlockIndexJson([...entries].reverse())), "ERR_SYNC_MALFORMED_PAYLOAD");
  });
});
