// Strict primitives for the Arweave HTTP payloads: canonical unpadded base64url, canonical decimal
// integers (u256), JSON field access, and the packing string. Every failure is a typed SyncError.
import { U256_MAX } from "./constants.ts";
import {
  BadBase64UrlError,
  BadIntegerError,
  BadLengthError,
  MalformedPayloadError,
  PayloadTooLargeError,
  UnknownPackingError,
} from "./errors.ts";

const B64URL_ALPHABET = /^[A-Za-z0-9_-]*$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
/** 2^256 - 1 has 78 decimal digits. */
const U256_DECIMAL_DIGITS_MAX = 78;

export interface ByteLengthRule {
  /** Exact lengths allowed (e.g. [0, 32] for a tx_root). */
  readonly exactly?: readonly number[];
  readonly maxBytes?: number;
}

/** RFC 4648 base64url without padding, accepting only the canonical spelling of each value. */
export function decodeB64Url(text: string, field: string, rule: ByteLengthRule = {}): Uint8Array {
  if (!B64URL_ALPHABET.test(text)) throw new BadBase64UrlError(field, "character outside the base64url alphabet");
  if (text.length % 4 === 1) throw new BadBase64UrlError(field, "impossible length");
  if (rule.maxBytes !== undefined && Math.floor((text.length * 3) / 4) > rule.maxBytes) {
    throw new PayloadTooLargeError(field, `over ${rule.maxBytes} bytes`);
  }
  const bytes = new Uint8Array(Buffer.from(text, "base64url"));
  // Non-zero unused trailing bits give a second spelling of the same bytes: reject it.
  if (Buffer.from(bytes).toString("base64url") !== text) throw new BadBase64UrlError(field, "not canonical");
  if (rule.exactly !== undefined && !rule.exactly.includes(bytes.length)) {
    throw new BadLengthError(field, `expected ${rule.exactly.join(" or ")} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function encodeB64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** A non-negative decimal string without sign, leading zeros or spaces, at most 2^256 - 1. */
export function parseDecimalU256(text: string, field: string): bigint {
  if (text.length > U256_DECIMAL_DIGITS_MAX || !DECIMAL.test(text)) {
    throw new BadIntegerError(field, "not a canonical non-negative decimal");
  }
  const value = BigInt(text);
  if (value > U256_MAX) throw new BadIntegerError(field, "over 2^256 - 1");
  return value;
}

/** Decimal string, or (older headers, e.g. pre-2.4 weave_size) a non-negative safe JSON integer. */
export function readUintField(record: JsonRecord, key: string, allowNumber: boolean): bigint {
  const value = record[key];
  if (typeof value === "string") return parseDecimalU256(value, key);
  if (allowNumber && typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new BadIntegerError(key, "missing or not a decimal string");
}

export type JsonRecord = Readonly<Record<string, unknown>>;

/** Parses a JSON body after checking its size bound (UTF-8 bytes). */
export function parseJsonBody(body: string | Uint8Array, field: string, maxBytes: number): unknown {
  const size = typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
  if (size > maxBytes) throw new PayloadTooLargeError(field, `body is ${size} bytes, over ${maxBytes}`);
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MalformedPayloadError(field, "not JSON", { cause: err });
  }
}

export function asRecord(value: unknown, field: string): JsonRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedPayloadError(field, "expected a JSON object");
  }
  return value as JsonRecord;
}

export function asArray(value: unknown, field: string, maxItems: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new MalformedPayloadError(field, "expected a JSON array");
  if (value.length > maxItems) throw new PayloadTooLargeError(field, `${value.length} items, over ${maxItems}`);
  return value;
}

export function readString(record: JsonRecord, key: string): string {
  const value = record[key];
  if (typeof value !== "string") throw new MalformedPayloadError(key, "missing or not a string");
  return value;
}

export function readB64Field(record: JsonRecord, key: string, rule: ByteLengthRule): Uint8Array {
  return decodeB64Url(readString(record, key), key, rule);
}

// ---------------------------------------------------------------------------------------------
// Packing strings (the body's `packing` field; the request header x-packing chooses it)

/** Longest base64url reward address the reference accepts in a packing string. */
export const PACKING_ADDRESS_B64_CHARS_MAX = 64;
/** Highest composite packing difficulty (?MAX_PACKING_DIFFICULTY). */
export const COMPOSITE_PACKING_DIFFICULTY_MAX = 32;

export type ChunkPacking =
  | { readonly kind: "unpacked" }
  | { readonly kind: "unpacked_padded" }
  | { readonly kind: "spora_2_5" }
  | { readonly kind: "spora_2_6"; readonly rewardAddress: Uint8Array }
  | { readonly kind: "composite"; readonly rewardAddress: Uint8Array; readonly difficulty: number }
  | { readonly kind: "replica_2_9"; readonly rewardAddress: Uint8Array };

function decodePackingAddress(text: string): Uint8Array {
  if (text.length === 0 || text.length > PACKING_ADDRESS_B64_CHARS_MAX) {
    throw new UnknownPackingError("packing address missing or too long");
  }
  return decodeB64Url(text, "packing");
}

function parseComposite(rest: string): ChunkPacking {
  const dot = rest.lastIndexOf(".");
  const difficultyText = rest.slice(dot + 1);
  const difficulty = Number(difficultyText);
  const valid = dot > 0 && DECIMAL.test(difficultyText) && difficulty >= 1;
  if (!valid || difficulty > COMPOSITE_PACKING_DIFFICULTY_MAX) {
    throw new UnknownPackingError("composite packing needs <address>.<difficulty 1..32>");
  }
  return { kind: "composite", rewardAddress: decodePackingAddress(rest.slice(0, dot)), difficulty };
}

const PACKING_PREFIXES = ["spora_2_6_", "replica_2_9_", "composite_"] as const;

export function parsePacking(text: string): ChunkPacking {
  if (text === "unpacked" || text === "unpacked_padded" || text === "spora_2_5") return { kind: text };
  const prefix = PACKING_PREFIXES.find((candidate) => text.startsWith(candidate));
  if (prefix === undefined) throw new UnknownPackingError(`unknown packing ${JSON.stringify(text.slice(0, 32))}`);
  const rest = text.slice(prefix.length);
  if (prefix === "composite_") return parseComposite(rest);
  const rewardAddress = decodePackingAddress(rest);
  return prefix === "spora_2_6_" ? { kind: "spora_2_6", rewardAddress } : { kind: "replica_2_9", rewardAddress };
}

export function formatPacking(packing: ChunkPacking): string {
  switch (packing.kind) {
    case "unpacked":
    case "unpacked_padded":
    case "spora_2_5":
      return packing.kind;
    case "spora_2_6":
      return `spora_2_6_${encodeB64Url(packing.rewardAddress)}`;
    case "replica_2_9":
      return `replica_2_9_${encodeB64Url(packing.rewardAddress)}`;
    case "composite":
      return `composite_${encodeB64Url(packing.rewardAddress)}.${packing.difficulty}`;
  }
}
