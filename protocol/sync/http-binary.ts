// Binary HTTP payloads: GET /chunk2/{offset} (ar_serialize:poa_map_to_binary/1),
// GET /block_index2/{from}/{to} (block_index_to_binary/1) and the ETF /data_sync_record
// (term_to_binary of [{<<End:256>>, <<Start:256>>}, ...], ar_intervals).
import { HASH_SIZE_BYTES, NOTE_SIZE_BYTES } from "./constants.ts";
import { concatBytes, minimalUintBE, readUintBE, u256be } from "./bytes.ts";
import { BadLengthError, MalformedPayloadError, PayloadTooLargeError } from "./errors.ts";
import {
  BLOCK_HASH_BYTES,
  BLOCK_INDEX_RANGE_ENTRIES_MAX,
  SYNC_RECORD_INTERVALS_MAX,
  assertChunkLength,
  assertPathLength,
  assertSyncIntervals,
} from "./http-shapes.ts";
import type { BlockIndexEntry, ChunkReply, SyncInterval } from "./http-shapes.ts";
import { formatPacking, parsePacking } from "./wire.ts";

/** Reads length-prefixed fields front to back; any overrun is a malformed payload. */
class ByteReader {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly field: string,
  ) {}

  uint(length: number): bigint {
    return readUintBE(this.take(length), 0, length);
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new MalformedPayloadError(this.field, "truncated");
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  done(): boolean {
    return this.at === this.bytes.length;
  }
}

function uintBytes(value: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, rest = value; i >= 0; i -= 1, rest = Math.floor(rest / 256)) out[i] = rest % 256;
  return out;
}

/** A length-prefixed field whose length must fit `prefixBytes`. */
function lengthPrefixed(bytes: Uint8Array, prefixBytes: number, field: string): Uint8Array[] {
  if (bytes.length >= 2 ** (8 * prefixBytes)) throw new PayloadTooLargeError(field, "does not fit its length prefix");
  return [uintBytes(bytes.length, prefixBytes), bytes];
}

// ---------------------------------------------------------------------------------------------
// /chunk2: u24 len || chunk || u24 len || tx_path || u24 len || data_path || u8 len || packing

const U24_BYTES = 3;

export function encodeChunk2Binary(reply: ChunkReply): Uint8Array {
  assertChunkLength(reply.chunk, reply.packing);
  assertPathLength(reply.txPath, "tx_path");
  assertPathLength(reply.dataPath, "data_path");
  const packing = new TextEncoder().encode(formatPacking(reply.packing));
  return concatBytes([
    ...lengthPrefixed(reply.chunk, U24_BYTES, "chunk"),
    ...lengthPrefixed(reply.txPath, U24_BYTES, "tx_path"),
    ...lengthPrefixed(reply.dataPath, U24_BYTES, "data_path"),
    ...lengthPrefixed(packing, 1, "packing"),
  ]);
}

export function decodeChunk2Binary(body: Uint8Array): ChunkReply {
  const reader = new ByteReader(body, "chunk2");
  const chunk = reader.take(Number(reader.uint(U24_BYTES)));
  const txPath = reader.take(Number(reader.uint(U24_BYTES)));
  const dataPath = reader.take(Number(reader.uint(U24_BYTES)));
  const packingText = new TextDecoder("utf-8", { fatal: false }).decode(reader.take(Number(reader.uint(1))));
  if (!reader.done()) throw new MalformedPayloadError("chunk2", "trailing bytes");
  const packing = parsePacking(packingText);
  assertChunkLength(chunk, packing);
  assertPathLength(txPath, "tx_path");
  assertPathLength(dataPath, "data_path");
  return { chunk, txPath, dataPath, packing };
}

// ---------------------------------------------------------------------------------------------
// /block_index2: per block hash(48) || u16 n || weave_size (n bytes) || u8 m || tx_root (m bytes),
// oldest first on the wire.

const WEAVE_SIZE_PREFIX_BYTES = 2;

function assertTxRoot(txRoot: Uint8Array): void {
  if (txRoot.length !== 0 && txRoot.length !== HASH_SIZE_BYTES) {
    throw new BadLengthError("tx_root", `expected 0 or 32 bytes, got ${txRoot.length}`);
  }
}

/** Encodes entries given newest first (the block index order) into the oldest-first wire form. */
export function encodeBlockIndex2(entriesNewestFirst: readonly BlockIndexEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of [...entriesNewestFirst].reverse()) {
    if (entry.hash.length !== BLOCK_HASH_BYTES) throw new BadLengthError("hash", `expected ${BLOCK_HASH_BYTES} bytes`);
    assertTxRoot(entry.txRoot);
    parts.push(entry.hash, ...lengthPrefixed(minimalUintBE(entry.weaveSize), WEAVE_SIZE_PREFIX_BYTES, "weave_size"));
    parts.push(...lengthPrefixed(entry.txRoot, 1, "tx_root"));
  }
  return concatBytes(parts);
}

function readBlockIndexEntry(reader: ByteReader): BlockIndexEntry {
  const hash = reader.take(BLOCK_HASH_BYTES);
  const weaveSizeBytes = Number(reader.uint(WEAVE_SIZE_PREFIX_BYTES));
  if (weaveSizeBytes > NOTE_SIZE_BYTES) throw new BadLengthError("weave_size", "wider than u256");
  const weaveSize = reader.uint(weaveSizeBytes);
  const txRoot = reader.take(Number(reader.uint(1)));
  assertTxRoot(txRoot);
  return { hash, weaveSize, txRoot };
}

/** Decodes the wire form and returns the entries newest first, like the JSON range. */
export function decodeBlockIndex2(body: Uint8Array): BlockIndexEntry[] {
  const reader = new ByteReader(body, "block_index2");
  const oldestFirst: BlockIndexEntry[] = [];
  while (!reader.done()) {
    if (oldestFirst.length === BLOCK_INDEX_RANGE_ENTRIES_MAX) {
      throw new PayloadTooLargeError("block_index2", `over ${BLOCK_INDEX_RANGE_ENTRIES_MAX} entries`);
    }
    const entry = readBlockIndexEntry(reader);
    const previous = oldestFirst[oldestFirst.length - 1];
    if (previous !== undefined && entry.weaveSize < previous.weaveSize) {
      throw new MalformedPayloadError("block_index2", "weave sizes must not shrink from oldest to newest");
    }
    oldestFirst.push(entry);
  }
  return oldestFirst.reverse();
}

// ---------------------------------------------------------------------------------------------
// /data_sync_record as ETF: exactly the shape term_to_binary gives a list of 2-tuples of 32-byte
// binaries; anything else (other tags, compression, improper lists) is rejected.

const ETF_VERSION = 131;
const ETF_NIL = 0x6a;
const ETF_LIST = 0x6c;
const ETF_SMALL_TUPLE = 0x68;
const ETF_BINARY = 0x6d;
const ETF_LIST_COUNT_BYTES = 4;
const ETF_BINARY_LENGTH_BYTES = 4;
/** Tag + u32 length + 32 bytes. */
const ETF_U256_BYTES = 1 + ETF_BINARY_LENGTH_BYTES + NOTE_SIZE_BYTES;
/** Each interval: small tuple tag + arity + two u256 binaries. */
const ETF_INTERVAL_BYTES = 2 + 2 * ETF_U256_BYTES;
/** Version + list header + intervals + nil tail. */
export const SYNC_RECORD_ETF_BYTES_MAX = 2 + ETF_LIST_COUNT_BYTES + SYNC_RECORD_INTERVALS_MAX * ETF_INTERVAL_BYTES + 1;

function expectByte(reader: ByteReader, expected: number, what: string): void {
  if (Number(reader.uint(1)) !== expected) throw new MalformedPayloadError("data_sync_record", `expected ${what}`);
}

function readEtfU256(reader: ByteReader): bigint {
  expectByte(reader, ETF_BINARY, "a binary");
  if (Number(reader.uint(ETF_BINARY_LENGTH_BYTES)) !== NOTE_SIZE_BYTES) {
    throw new BadLengthError("data_sync_record", "interval bounds must be 32-byte binaries");
  }
  return reader.uint(NOTE_SIZE_BYTES);
}

function readEtfIntervals(reader: ByteReader): SyncInterval[] {
  const count = Number(reader.uint(ETF_LIST_COUNT_BYTES));
  if (count > SYNC_RECORD_INTERVALS_MAX) throw new PayloadTooLargeError("data_sync_record", `${count} intervals`);
  const intervals: SyncInterval[] = [];
  for (let i = 0; i < count; i += 1) {
    expectByte(reader, ETF_SMALL_TUPLE, "a tuple");
    expectByte(reader, 2, "a 2-tuple");
    const end = readEtfU256(reader);
    intervals.push({ end, start: readEtfU256(reader) });
  }
  expectByte(reader, ETF_NIL, "a proper list");
  return intervals;
}

export function decodeSyncRecordEtf(body: Uint8Array): SyncInterval[] {
  if (body.length > SYNC_RECORD_ETF_BYTES_MAX) throw new PayloadTooLargeError("data_sync_record", "body too large");
  const reader = new ByteReader(body, "data_sync_record");
  expectByte(reader, ETF_VERSION, "ETF version 131");
  const tag = Number(reader.uint(1));
  if (tag !== ETF_NIL && tag !== ETF_LIST) throw new MalformedPayloadError("data_sync_record", "expected a list");
  const intervals = tag === ETF_NIL ? [] : readEtfIntervals(reader);
  if (!reader.done()) throw new MalformedPayloadError("data_sync_record", "trailing bytes");
  assertSyncIntervals(intervals);
  return intervals;
}

function etfU256(value: bigint): Uint8Array[] {
  return [Uint8Array.of(ETF_BINARY), uintBytes(NOTE_SIZE_BYTES, ETF_BINARY_LENGTH_BYTES), u256be(value)];
}

export function encodeSyncRecordEtf(intervals: readonly SyncInterval[]): Uint8Array {
  assertSyncIntervals(intervals);
  if (intervals.length === 0) return Uint8Array.of(ETF_VERSION, ETF_NIL);
  const parts: Uint8Array[] = [Uint8Array.of(ETF_VERSION, ETF_LIST), uintBytes(intervals.length, ETF_LIST_COUNT_BYTES)];
  for (const { end, start } of intervals) {
    parts.push(Uint8Array.of(ETF_SMALL_TUPLE, 2), ...etfU256(end), ...etfU256(start));
  }
  parts.push(Uint8Array.of(ETF_NIL));
  return concatBytes(parts);
}
