// A mining solution carries everything a block proof needs (partition, recall bytes, nonce, H0,
// H1/H2, VDF step and session, packed chunks with their paths). Before it is published it is
// re-verified by code that shares nothing with the hot path but H0: recall starts in pure bigint
// math, H1/H2 with node:crypto, chunk bytes re-read from disk, unpacked, and the full chunk proof.
import { createHash } from "node:crypto";
import { computeH0, type RandomxContext } from "../../native/index.ts";
import { sync } from "../../protocol/index.ts";
import { SolutionInvalidError } from "../errors.ts";
import type { Packer } from "../packing/packer.ts";
import { bucketEnd, CHUNK_BYTES } from "../storage/layout.ts";
import type { BlockRange } from "../storage/records.ts";
import { nonceByte, recallStarts } from "./recall.ts";

export interface SolutionChunk {
  partition: number;
  slot: number;
  absoluteEnd: bigint;
  chunkSize: number;
  /** The packed 256 KiB slot exactly as stored. */
  packed: Uint8Array;
  txPath: Uint8Array;
  dataPath: Uint8Array;
}

export interface Solution {
  kind: "h1" | "h2";
  chain: string;
  step: number;
  vdfOutput: Uint8Array;
  session: { interval: number; seed: Uint8Array };
  partition: number;
  partitionUpperBound: bigint;
  partitionSizeBytes: bigint;
  miningAddress: Uint8Array;
  nonce: number;
  h0: Uint8Array;
  h1: Uint8Array;
  h2: Uint8Array | undefined;
  recallByte1: bigint;
  recallByte2: bigint | undefined;
  chunk1: SolutionChunk;
  chunk2: SolutionChunk | undefined;
  /** Node that found it, and the node that computed H2 (coordinated mining). */
  foundBy: string;
  h2By: string | undefined;
}

export interface SolutionCheckDeps {
  ctx: RandomxContext;
  packer: Packer;
  blockAt: (byte: bigint) => Promise<BlockRange | undefined>;
  rules: sync.DataPathRules;
  difficulty: bigint;
  difficultyH1: bigint;
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

export function h1Of(h0: Uint8Array, nonce: number, packed: Uint8Array): Buffer {
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(BigInt(nonce));
  return sha256(h0, sha256(h0, n, packed));
}

export function h2Of(h0: Uint8Array, h1: Uint8Array, packed: Uint8Array): Buffer {
  return sha256(h0, sha256(h1, packed));
}

export function hashValue(hash: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(hash).toString("hex")}`);
}

function ensure(ok: boolean, what: string): void {
  if (!ok) throw new SolutionInvalidError(what);
}

async function checkChunk(deps: SolutionCheckDeps, address: Uint8Array, chunk: SolutionChunk, byte: bigint, label: string): Promise<void> {
  ensure(chunk.packed.length === CHUNK_BYTES, `${label}: packed chunk is not 256 KiB`);
  ensure(bucketEnd(chunk.absoluteEnd) === bucketEnd(byte + 1n), `${label}: chunk ending at ${chunk.absoluteEnd} does not hold recall byte ${byte}`);
  const block = await deps.blockAt(chunk.absoluteEnd - 1n);
  ensure(block !== undefined, `${label}: no block for the chunk`);
  const unpacked = await deps.packer.unpack(chunk.absoluteEnd, block!.txRoot, address, chunk.packed, chunk.chunkSize);
  const result = sync.validateChunkProof(
    { txRoot: block!.txRoot, blockStart: block!.start, blockSize: block!.end - block!.start, requestedOffset: chunk.absoluteEnd, bucketBased: false, txPath: chunk.txPath, dataPath: chunk.dataPath, rules: deps.rules },
    unpacked,
  );
  ensure(result.ok, `${label}: chunk proof fails (${result.ok ? "" : result.error.code})`);
  ensure(result.ok && result.value.absoluteEnd === chunk.absoluteEnd, `${label}: proof ends elsewhere`);
}

/** Throws SolutionInvalidError naming the first check that fails. */
export async function checkSolution(s: Solution, deps: SolutionCheckDeps): Promise<void> {
  const h0 = await computeH0(deps.ctx, { vdfOutput: s.vdfOutput, partitionNumber: s.partition, seed: s.session.seed, miningAddress: s.miningAddress });
  ensure(h0.equals(Buffer.from(s.h0)), "H0 does not match the VDF output, partition, seed and address");
  const { r1, r2 } = recallStarts(h0, s.partition, s.partitionUpperBound, s.partitionSizeBytes);
  ensure(s.recallByte1 === nonceByte(r1, s.nonce), "recall byte 1 is not r1 + nonce * 256 KiB");
  ensure(h1Of(h0, s.nonce, s.chunk1.packed).equals(Buffer.from(s.h1)), "H1 does not match chunk 1");
  await checkChunk(deps, s.miningAddress, s.chunk1, s.recallByte1, "chunk1");
  if (s.kind === "h1") {
    ensure(hashValue(s.h1) > deps.difficultyH1, "H1 does not beat the H1 difficulty");
    return;
  }
  ensure(s.h2 !== undefined && s.chunk2 !== undefined && s.recallByte2 !== undefined, "an H2 solution needs H2, chunk 2 and recall byte 2");
  ensure(s.recallByte2 === nonceByte(r2, s.nonce), "recall byte 2 is not r2 + nonce * 256 KiB");
  ensure(h2Of(h0, s.h1, s.chunk2!.packed).equals(Buffer.from(s.h2!)), "H2 does not match H1 and chunk 2");
  ensure(hashValue(s.h2!) > deps.difficulty, "H2 does not beat the difficulty");
  await checkChunk(deps, s.miningAddress, s.chunk2!, s.recallByte2!, "chunk2");
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");

function chunkJson(c: SolutionChunk) {
  return { partition: c.partition, slot: c.slot, absoluteEnd: c.absoluteEnd.toString(), chunkSize: c.chunkSize, packed: b64(c.packed), txPath: b64(c.txPath), dataPath: b64(c.dataPath) };
}

function chunkFromJson(j: ReturnType<typeof chunkJson>): SolutionChunk {
  return { partition: j.partition, slot: j.slot, absoluteEnd: BigInt(j.absoluteEnd), chunkSize: j.chunkSize, packed: Buffer.from(j.packed, "base64"), txPath: Buffer.from(j.txPath, "base64"), dataPath: Buffer.from(j.dataPath, "base64") };
}

/** JSON on the solutions stream: hex hashes, base64 chunks and paths, decimal offsets. */
export function encodeSolution(s: Solution): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      ...s,
      vdfOutput: hex(s.vdfOutput),
      session: { interval: s.session.interval, seed: hex(s.session.seed) },
      partitionUpperBound: s.partitionUpperBound.toString(),
      partitionSizeBytes: s.partitionSizeBytes.toString(),
      miningAddress: hex(s.miningAddress),
      h0: hex(s.h0),
      h1: hex(s.h1),
      h2: s.h2 === undefined ? undefined : hex(s.h2),
      recallByte1: s.recallByte1.toString(),
      recallByte2: s.recallByte2?.toString(),
      chunk1: chunkJson(s.chunk1),
      chunk2: s.chunk2 === undefined ? undefined : chunkJson(s.chunk2),
    }),
  );
}

export function decodeSolution(data: Uint8Array): Solution {
  const j = JSON.parse(Buffer.from(data).toString("utf8"));
  const buf = (h: string) => Buffer.from(h, "hex");
  return {
    kind: j.kind,
    chain: j.chain,
    step: j.step,
    vdfOutput: buf(j.vdfOutput),
    session: { interval: j.session.interval, seed: buf(j.session.seed) },
    partition: j.partition,
    partitionUpperBound: BigInt(j.partitionUpperBound),
    partitionSizeBytes: BigInt(j.partitionSizeBytes),
    miningAddress: buf(j.miningAddress),
    nonce: j.nonce,
    h0: buf(j.h0),
    h1: buf(j.h1),
    h2: j.h2 === undefined ? undefined : buf(j.h2),
    recallByte1: BigInt(j.recallByte1),
    recallByte2: j.recallByte2 === undefined ? undefined : BigInt(j.recallByte2),
    chunk1: chunkFromJson(j.chunk1),
    chunk2: j.chunk2 === undefined ? undefined : chunkFromJson(j.chunk2),
    foundBy: j.foundBy,
    h2By: j.h2By,
  };
}
