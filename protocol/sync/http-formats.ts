// Codecs for the Arweave HTTP API payloads a syncing node agent reads (and the devnet's synthetic
// weave server writes): GET /chunk/{offset} JSON, block header fields, /block_index/{from}/{to}
// JSON and /data_sync_record JSON. The binary forms (/chunk2, /block_index2, ETF sync record)
// live in http-binary.ts and are re-exported here.
import { DATA_CHUNK_SIZE_BYTES, HASH_SIZE_BYTES, MAX_PATH_SIZE_BYTES } from "./constants.ts";
import { MalformedPayloadError } from "./errors.ts";
import {
  BLOCK_HASH_BYTES,
  BLOCK_INDEX_RANGE_ENTRIES_MAX,
  BLOCK_JSON_BYTES_MAX,
  BLOCK_TX_COUNT_MAX,
  CHUNK_JSON_BODY_BYTES_MAX,
  SYNC_RECORD_INTERVALS_MAX,
  TX_ID_BYTES,
  assertChunkLength,
  assertPathLength,
  assertSyncIntervals,
} from "./http-shapes.ts";
import type { BlockIndexEntry, ChunkReply, SyncInterval } from "./http-shapes.ts";
import {
  asArray,
  asRecord,
  decodeB64Url,
  encodeB64Url,
  formatPacking,
  parseDecimalU256,
  parseJsonBody,
  parsePacking,
  readB64Field,
  readString,
  readUintField,
} from "./wire.ts";
import type { JsonRecord } from "./wire.ts";

export * from "./http-binary.ts";
export * from "./http-shapes.ts";
export type { ChunkPacking } from "./wire.ts";
export { parsePacking, formatPacking, decodeB64Url, encodeB64Url, parseDecimalU256 } from "./wire.ts";

/** A sync record reply: JSON keys and values are decimal u256 (<= 78 digits each). */
export const SYNC_RECORD_JSON_BYTES_MAX = SYNC_RECORD_INTERVALS_MAX * (2 * 78 + 8) + 2;

/** tx_root is <<>> for a block without txs, else 32 bytes. */
const TX_ROOT_LENGTHS = { exactly: [0, HASH_SIZE_BYTES] } as const;

// ---------------------------------------------------------------------------------------------
// GET /chunk/{offset}

function readOptionalUint(record: JsonRecord, key: string): bigint | undefined {
  return record[key] === undefined ? undefined : readUintField(record, key, false);
}

export function decodeChunkJson(body: string | Uint8Array): ChunkReply {
  const record = asRecord(parseJsonBody(body, "chunk reply", CHUNK_JSON_BODY_BYTES_MAX), "chunk reply");
  const packing = parsePacking(readString(record, "packing"));
  const chunk = readB64Field(record, "chunk", { maxBytes: DATA_CHUNK_SIZE_BYTES });
  assertChunkLength(chunk, packing);
  return {
    chunk,
    txPath: readB64Field(record, "tx_path", { maxBytes: MAX_PATH_SIZE_BYTES }),
    dataPath: readB64Field(record, "data_path", { maxBytes: MAX_PATH_SIZE_BYTES }),
    packing,
    absoluteEndOffset: readOptionalUint(record, "absolute_end_offset"),
    chunkSize: readOptionalUint(record, "chunk_size"),
  };
}

export function encodeChunkJson(reply: ChunkReply): string {
  assertChunkLength(reply.chunk, reply.packing);
  assertPathLength(reply.txPath, "tx_path");
  assertPathLength(reply.dataPath, "data_path");
  const body: Record<string, string> = {
    chunk: encodeB64Url(reply.chunk),
    tx_path: encodeB64Url(reply.txPath),
    data_path: encodeB64Url(reply.dataPath),
    packing: formatPacking(reply.packing),
  };
  if (reply.absoluteEndOffset !== undefined) body["absolute_end_offset"] = reply.absoluteEndOffset.toString();
  if (reply.chunkSize !== undefined) body["chunk_size"] = reply.chunkSize.toString();
  return JSON.stringify(body);
}

// ---------------------------------------------------------------------------------------------
// GET /block/height/{h} or /block/hash/{b64}: the fields sync needs

export interface BlockHeaderFields {
  readonly indepHash: Uint8Array;
  readonly height: number;
  /** Empty for a block without txs. */
  readonly txRoot: Uint8Array;
  readonly weaveSize: bigint;
  readonly blockSize: bigint;
  /** weave_size - block_size: the previous block's weave_size. */
  readonly blockStart: bigint;
  readonly txIds: readonly Uint8Array[];
}

function readHeight(record: JsonRecord): number {
  const height = record["height"];
  if (typeof height !== "number" || !Number.isSafeInteger(height) || height < 0) {
    throw new MalformedPayloadError("height", "expected a non-negative integer");
  }
  return height;
}

function readTxIds(record: JsonRecord): Uint8Array[] {
  return asArray(record["txs"], "txs", BLOCK_TX_COUNT_MAX).map((id) => {
    if (typeof id !== "string") throw new MalformedPayloadError("txs", "expected tx id strings");
    return decodeB64Url(id, "txs", { exactly: [TX_ID_BYTES] });
  });
}

export function decodeBlockHeaderJson(body: string | Uint8Array): BlockHeaderFields {
  const record = asRecord(parseJsonBody(body, "block", BLOCK_JSON_BYTES_MAX), "block");
  // Headers before 2.4 carry weave_size/block_size as JSON integers; later ones as strings.
  const weaveSize = readUintField(record, "weave_size", true);
  const blockSize = readUintField(record, "block_size", true);
  if (blockSize > weaveSize) throw new MalformedPayloadError("block_size", "larger than weave_size");
  return {
    indepHash: readB64Field(record, "indep_hash", { exactly: [BLOCK_HASH_BYTES] }),
    height: readHeight(record),
    txRoot: readB64Field(record, "tx_root", TX_ROOT_LENGTHS),
    weaveSize,
    blockSize,
    blockStart: weaveSize - blockSize,
    txIds: readTxIds(record),
  };
}

// ---------------------------------------------------------------------------------------------
// GET /block_index/{from}/{to} (JSON, newest first)

/** Hashes only (x-block-format 2 or absent), or full entries (any other x-block-format). */
export type BlockIndexJson =
  | { readonly kind: "hashes"; readonly hashesNewestFirst: readonly Uint8Array[] }
  | { readonly kind: "entries"; readonly entriesNewestFirst: readonly BlockIndexEntry[] };

function decodeBlockIndexEntry(value: unknown): BlockIndexEntry {
  const record = asRecord(value, "block_index entry");
  return {
    hash: readB64Field(record, "hash", { exactly: [BLOCK_HASH_BYTES] }),
    weaveSize: readUintField(record, "weave_size", false),
    txRoot: readB64Field(record, "tx_root", TX_ROOT_LENGTHS),
  };
}

function assertNewestFirst(entries: readonly BlockIndexEntry[]): void {
  for (let i = 1; i < entries.length; i += 1) {
    if ((entries[i] as BlockIndexEntry).weaveSize > (entries[i - 1] as BlockIndexEntry).weaveSize) {
      throw new MalformedPayloadError("block_index", "weave sizes must not grow from newest to oldest");
    }
  }
}

export function decodeBlockIndexJson(body: string | Uint8Array): BlockIndexJson {
  const maxBytes = BLOCK_INDEX_RANGE_ENTRIES_MAX * 256;
  const items = asArray(parseJsonBody(body, "block_index", maxBytes), "block_index", BLOCK_INDEX_RANGE_ENTRIES_MAX);
  if (items.length > 0 && items.every((item) => typeof item === "string")) {
    const hashes = items.map((item) => decodeB64Url(item as string, "block_index", { exactly: [BLOCK_HASH_BYTES] }));
    return { kind: "hashes", hashesNewestFirst: hashes };
  }
  const entries = items.map(decodeBlockIndexEntry);
  assertNewestFirst(entries);
  return { kind: "entries", entriesNewestFirst: entries };
}

export function encodeBlockIndexJson(entriesNewestFirst: readonly BlockIndexEntry[]): string {
  return JSON.stringify(
    entriesNewestFirst.map((entry) => ({
      hash: encodeB64Url(entry.hash),
      weave_size: entry.weaveSize.toString(),
      tx_root: encodeB64Url(entry.txRoot),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// GET /data_sync_record (Content-Type: application/json): [{"<End>":"<Start>"}, ...]

function decodeIntervalObject(value: unknown): SyncInterval {
  const record = asRecord(value, "data_sync_record");
  const keys = Object.keys(record);
  if (keys.length !== 1) throw new MalformedPayloadError("data_sync_record", "each interval is one {end: start} pair");
  const endText = keys[0] as string;
  const startText = record[endText];
  if (typeof startText !== "string") throw new MalformedPayloadError("data_sync_record", "start is not a string");
  return { end: parseDecimalU256(endText, "interval end"), start: parseDecimalU256(startText, "interval start") };
}

export function decodeSyncRecordJson(body: string | Uint8Array): SyncInterval[] {
  const parsed = parseJsonBody(body, "data_sync_record", SYNC_RECORD_JSON_BYTES_MAX);
  const intervals = asArray(parsed, "data_sync_record", SYNC_RECORD_INTERVALS_MAX).map(decodeIntervalObject);
  assertSyncIntervals(intervals);
  return intervals;
}

export function encodeSyncRecordJson(intervals: readonly SyncInterval[]): string {
  assertSyncIntervals(intervals);
  return JSON.stringify(intervals.map(({ end, start }) => ({ [end.toString()]: start.toString() })));
}
