// Byte helpers shared by the ao modules: strict base64url, SHA-256, concatenation, UTF-8.
import { createHash } from "node:crypto";
import { BadBase64UrlError, BadIdError } from "./errors.ts";

/** Size of every ao id (item id, process id, Hash-Chain): a SHA-256 digest. */
export const idBytes = 32;

// Only the RFC 4648 url-safe alphabet, no padding. Node's decoder would silently accept padding,
// '+', '/' and junk characters, so untrusted strings are checked before decoding.
const base64UrlPattern = /^[A-Za-z0-9_-]*$/;

/** RFC 4648 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/**
 * Decodes canonical unpadded base64url. Rejects other alphabets, padding, impossible lengths and
 * non-zero unused trailing bits, so that every byte string has exactly one accepted spelling.
 */
export function fromBase64Url(text: string, field = "value"): Uint8Array {
  if (!base64UrlPattern.test(text) || text.length % 4 === 1) throw new BadBase64UrlError(field);
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) throw new BadBase64UrlError(field);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a 32-byte id written in base64url (43 characters), as the ao SU does. */
export function decodeId(text: string, field = "id"): Uint8Array {
  const bytes = fromBase64Url(text, field);
  if (bytes.length !== idBytes) throw new BadIdError(field, bytes.length);
  return bytes;
}

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

// A fatal decoder is stateless when used without `stream: true`, so one shared constant is safe.
// ignoreBOM keeps a leading U+FEFF as a character instead of silently dropping it.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, or returns undefined for bytes that are not well-formed UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
