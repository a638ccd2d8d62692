// Binary codecs of the storage index (pure). Keys sort as the offsets they encode (big-endian), so a
// RocksDB range scan walks slots, writes and blocks in order.
import { StorageCorruptError } from "../errors.ts";

export const HASH_BYTES = 32;
const RECORD_VERSION = 1;
const RECORD_BYTES = 2 + 4 + 8 + 3 * HASH_BYTES;

/** Packings a slot can hold. Only spora_2_6 is written today; the byte leaves room for 2.9. */
export type StoredPacking = "spora_2_6";
const packingCodes: Record<StoredPacking, number> = { spora_2_6: 1 };

export interface ChunkRecord {
  readonly slot: number;
  /** Unpadded absolute end: the offset in the packing key. */
  readonly absoluteEnd: bigint;
  /** Unpacked size (the packed slot is always 256 KiB). */
  readonly chunkSize: number;
  /** SHA256 of the unpacked chunk (the data_path leaf). */
  readonly chunkId: Uint8Array;
  /** SHA256 of the 256 KiB packed slot: lets the start-up tail check see torn writes without unpacking. */
  readonly packedHash: Uint8Array;
  readonly packing: StoredPacking;
  /** Write sequence number (the tail check walks the newest ones). */
  readonly seq: number;
}

export interface BlockRange {
  readonly start: bigint;
  /** Exclusive: the block's weave_size. */
  readonly end: bigint;
  /** Empty for a block without txs. */
  readonly txRoot: Uint8Array;
}

export function u256(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

function readU256(buf: Buffer, at: number): bigint {
  return BigInt(`0x${buf.subarray(at, at + 32).toString("hex")}`);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

export const keys = {
  meta: Buffer.from("meta"),
  chunk: (slot: number) => Buffer.concat([Buffer.from("c"), u32(slot)]),
  chunkPrefix: Buffer.from("c"),
  proof: (slot: number) => Buffer.concat([Buffer.from("p"), u32(slot)]),
  write: (seq: number) => {
    const b = Buffer.alloc(9);
    b.write("s");
    b.writeBigUInt64BE(BigInt(seq), 1);
    return b;
  },
  writePrefix: Buffer.from("s"),
  block: (end: bigint) => Buffer.concat([Buffer.from("b"), u256(end)]),
  blockPrefix: Buffer.from("b"),
} as const;

/** The exclusive upper key of a one-letter prefix. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}

export function slotOfKey(key: Buffer): number {
  return key.readUInt32BE(1);
}

export function encodeRecord(r: ChunkRecord): Buffer {
  const b = Buffer.alloc(RECORD_BYTES);
  b[0] = RECORD_VERSION;
  b[1] = packingCodes[r.packing];
  b.writeUInt32BE(r.chunkSize, 2);
  b.writeBigUInt64BE(BigInt(r.seq), 6);
  u256(r.absoluteEnd).copy(b, 14);
  Buffer.from(r.chunkId).copy(b, 46);
  Buffer.from(r.packedHash).copy(b, 78);
  return b;
}

export function decodeRecord(slot: number, b: Buffer): ChunkRecord {
  if (b.length !== RECORD_BYTES || b[0] !== RECORD_VERSION || b[1] !== packingCodes.spora_2_6) {
    throw new StorageCorruptError(`index record of slot ${slot} is malformed (${b.length} bytes)`);
  }
  return {
    slot,
    packing: "spora_2_6",
    chunkSize: b.readUInt32BE(2),
    seq: Number(b.readBigUInt64BE(6)),
    absoluteEnd: readU256(b, 14),
    chunkId: b.subarray(46, 78),
    packedHash: b.subarray(78, 110),
  };
}

export interface StoredProofs {
  readonly txPath: Uint8Array;
  readonly dataPath: Uint8Array;
}

export function encodeProofs(p: StoredProofs): Buffer {
  return Buffer.concat([u32(p.txPath.length), p.txPath, p.dataPath]);
}

export function decodeProofs(b: Buffer): StoredProofs {
  const txLength = b.readUInt32BE(0);
  return { txPath: b.subarray(4, 4 + txLength), dataPath: b.subarray(4 + txLength) };
}

export function encodeBlock(r: BlockRange): Buffer {
  return Buffer.concat([u256(r.start), Buffer.from([r.txRoot.length]), r.txRoot]);
}

export function decodeBlock(key: Buffer, value: Buffer): BlockRange {
  return { end: readU256(key, 1), start: readU256(value, 0), txRoot: value.subarray(33, 33 + value[32]!) };
}
