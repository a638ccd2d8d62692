// Byte helpers shared by the sync modules: SHA-256, u256 big-endian notes, comparisons.
import { createHash } from "node:crypto";
import { NOTE_SIZE_BYTES, U256_MAX } from "./constants.ts";
import { BadArgumentError } from "./errors.ts";

/** SHA-256 over the concatenation of `parts`. */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** u256be(value): the 32-byte big-endian note used in Merkle ids and paths. */
export function u256be(value: bigint): Uint8Array {
  if (value < 0n || value > U256_MAX) {
    throw new BadArgumentError(`u256 note out of range: ${value}`);
  }
  const out = new Uint8Array(NOTE_SIZE_BYTES);
  let rest = value;
  for (let i = NOTE_SIZE_BYTES - 1; i >= 0 && rest > 0n; i -= 1) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** Reads an unsigned big-endian integer of any length (0 bytes reads as 0). */
export function readUintBE(bytes: Uint8Array, start: number, length: number): bigint {
  let value = 0n;
  for (let i = start; i < start + length; i += 1) {
    value = (value << 8n) | BigInt(bytes[i] ?? 0);
  }
  return value;
}

/** Minimal big-endian bytes of a non-negative integer (0 gives zero bytes). */
export function minimalUintBE(value: bigint): Uint8Array {
  if (value < 0n) throw new BadArgumentError(`negative integer: ${value}`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Uint8Array.from(bytes);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Erlang binary order: bytewise, a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function isAllZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) if (bytes[i] !== 0) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
