// RSASSA-PSS verification (RFC 8017 section 9.1.2) with SHA-256 and MGF1-SHA-256 that RECOVERS the salt
// length instead of assuming one: signers on the real network use 32 (WebCrypto wallets) and the
// maximum, 478 for a 4096-bit key (Node's default, arbundles, the ao SU). OpenSSL does the modular
// exponentiation (publicDecrypt without padding yields the encoded message EM); the EMSA-PSS
// decoding below is ours so that the salt length comes out.
import { constants, createPublicKey, publicDecrypt, timingSafeEqual, type KeyObject } from "node:crypto";
import { sha256, toBase64Url } from "./bytes.ts";

/** Arweave keys always use e = 65537; the owner field carries only the modulus. */
export const arweavePublicExponent = 65537n;
const arweavePublicExponentJwk = "AQAB";

const hashBytes = 32; // SHA-256
const pssTrailerByte = 0xbc;
const pssPrefixZeroBytes = 8;

/** MGF1 with SHA-256: SHA-256(seed ‖ u32be(0)) ‖ SHA-256(seed ‖ u32be(1)) ‖ … cut to maskBytes. */
function mgf1Sha256(seed: Uint8Array, maskBytes: number): Uint8Array {
  const mask = new Uint8Array(maskBytes);
  const counter = new Uint8Array(4);
  for (let block = 0; block * hashBytes < maskBytes; block++) {
    new DataView(counter.buffer).setUint32(0, block, false);
    const digest = sha256(seed, counter);
    mask.set(digest.subarray(0, Math.min(hashBytes, maskBytes - block * hashBytes)), block * hashBytes);
  }
  return mask;
}

export function rsaPublicKeyFromModulus(modulus: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "RSA", n: toBase64Url(modulus), e: arweavePublicExponentJwk }, format: "jwk" });
}

// s^e mod n as emBytes big-endian bytes, or undefined when OpenSSL refuses (e.g. s >= n).
function encodedMessage(key: KeyObject, signature: Uint8Array): Uint8Array | undefined {
  try {
    return publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return undefined;
  }
}

/**
 * EMSA-PSS-VERIFY. `em` is the full k-byte RSA output; emBits = modBits - 1. Returns the salt
 * length when the encoding is consistent with mHash, else undefined.
 */
function emsaPssDecode(mHash: Uint8Array, em: Uint8Array, modulusBits: number): number | undefined {
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // When emBits is a multiple of 8 the RSA output has one more leading byte, which must be zero.
  if (em.length - emLen > 0 && em.subarray(0, em.length - emLen).some((byte) => byte !== 0)) return undefined;
  const encoded = em.subarray(em.length - emLen);
  if (emLen < hashBytes + 2 || encoded[emLen - 1] !== pssTrailerByte) return undefined;
  const maskedDb = encoded.subarray(0, emLen - hashBytes - 1);
  const h = encoded.subarray(emLen - hashBytes - 1, emLen - 1);
  const unusedTopBits = 8 * emLen - emBits;
  const topMask = 0xff >> unusedTopBits;
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return undefined;
  const db = mgf1Sha256(h, maskedDb.length).map((maskByte, index) => maskByte ^ maskedDb[index]!);
  db[0]! &= topMask;
  const separator = db.findIndex((byte) => byte !== 0);
  if (separator < 0 || db[separator] !== 0x01) return undefined;
  const salt = db.subarray(separator + 1);
  const expected = sha256(new Uint8Array(pssPrefixZeroBytes), mHash, salt);
  return timingSafeEqual(expected, h) ? salt.length : undefined;
}

/**
 * Verifies an RSASSA-PSS (SHA-256, MGF1-SHA-256, e = 65537) signature over `message` by the RSA key
 * with this big-endian modulus. Returns the recovered salt length in bytes, or undefined when the
 * signature is invalid.
 */
export function recoverPssSaltLength(
  modulus: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): number | undefined {
  let key: KeyObject;
  try {
    key = rsaPublicKeyFromModulus(modulus);
  } catch {
    return undefined;
  }
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined || signature.length !== Math.ceil(modulusBits / 8)) return undefined;
  const em = encodedMessage(key, signature);
  return em === undefined ? undefined : emsaPssDecode(sha256(message), em, modulusBits);
}
