// Coordinated mining between nodes of one Replica over NATS: when recall range 2 lands in a partition
// another node holds, the H1s go to that node (request/reply on a per-partition subject, queue group
// so one holder answers); it computes H2 from its own chunks and answers with any solutions found,
// with the chunk and proofs the requester needs to build and re-verify the full solution.
import type { SolutionChunk } from "./solution.ts";

export const h2QueueGroup = "arkube-mining-h2";
/** Solutions per reply (each carries a 256 KiB chunk; NATS's default payload limit is 1 MiB). */
export const h2ReplySolutionsMax = 2;

export function h2Subject(replica: string, partition: number): string {
  if (!/^[a-z0-9-]{1,63}$/.test(replica)) throw new RangeError(`replica ${JSON.stringify(replica)} is not a subject token`);
  return `arkube.mining.${replica}.h2.${partition}`;
}

export interface H2Request {
  chain: string;
  step: number;
  session: string;
  requester: string;
  h0: Uint8Array;
  /** Start of recall range 2 (byte). */
  range2Start: bigint;
  partition2: number;
  /** Nonces and their H1s (32 bytes each, same order). */
  nonces: number[];
  h1s: Uint8Array;
}

/** A solution found by the holder: its chunk (the partition is the request's partition2) and H2. */
export interface H2Found extends Omit<SolutionChunk, "partition"> {
  nonce: number;
  h2: Uint8Array;
}

export interface H2Reply {
  status: "ok" | "stale" | "not-held";
  responder: string;
  hashed: number;
  found: H2Found[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

export function encodeH2Request(r: H2Request): Uint8Array {
  return Buffer.from(JSON.stringify({ ...r, h0: hex(r.h0), range2Start: r.range2Start.toString(), h1s: hex(r.h1s) }));
}

export function decodeH2Request(data: Uint8Array): H2Request {
  const j = JSON.parse(Buffer.from(data).toString("utf8"));
  const h1s = Buffer.from(j.h1s, "hex");
  if (!Array.isArray(j.nonces) || h1s.length !== j.nonces.length * 32) throw new RangeError("h1s must hold 32 bytes per nonce");
  return { chain: j.chain, step: j.step, session: j.session, requester: j.requester, h0: Buffer.from(j.h0, "hex"), range2Start: BigInt(j.range2Start), partition2: j.partition2, nonces: j.nonces, h1s };
}

export function encodeH2Reply(r: H2Reply): Uint8Array {
  const found = r.found.map((f) => ({ ...f, h2: hex(f.h2), absoluteEnd: f.absoluteEnd.toString(), packed: b64(f.packed), txPath: b64(f.txPath), dataPath: b64(f.dataPath) }));
  return Buffer.from(JSON.stringify({ ...r, found }));
}

export function decodeH2Reply(data: Uint8Array): H2Reply {
  const j = JSON.parse(Buffer.from(data).toString("utf8"));
  type Wire = { nonce: number; h2: string; slot: number; absoluteEnd: string; chunkSize: number; packed: string; txPath: string; dataPath: string };
  const found = (j.found as Wire[]).map((f) => ({
    nonce: f.nonce,
    h2: Buffer.from(f.h2, "hex"),
    slot: f.slot,
    absoluteEnd: BigInt(f.absoluteEnd),
    chunkSize: f.chunkSize,
    packed: Buffer.from(f.packed, "base64"),
    txPath: Buffer.from(f.txPath, "base64"),
    dataPath: Buffer.from(f.dataPath, "base64"),
  }));
  return { status: j.status, responder: j.responder, hashed: j.hashed, found };
}
