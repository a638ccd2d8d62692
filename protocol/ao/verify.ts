// Signature verification of parsed data items (type 1 RSA-PSS-4096, type 2 ed25519).
import { createPublicKey, verify as verifySignature } from "node:crypto";
import { toBase64Url } from "./bytes.ts";
import {
  dataItemSignatureMessage,
  parseDataItem,
  signatureTypeArweave,
  type DataItem,
  type ParseOptions,
} from "./data-item.ts";
import { BadSignatureError } from "./errors.ts";
import { recoverPssSaltLength } from "./rsa-pss.ts";

export type SignatureCheck =
  | { readonly valid: false }
  /** pssSaltLengthBytes is set for type 1 (RSA-PSS) items only. */
  | { readonly valid: true; readonly pssSaltLengthBytes: number | undefined };

const invalid: SignatureCheck = Object.freeze({ valid: false });

// Invalid curve points in the owner or in R make OpenSSL fail (or throw); both mean "invalid".
function verifyEd25519(owner: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(owner) }, format: "jwk" });
    return verifySignature(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Checks the signature of a parsed item and, for RSA-PSS, reports the salt length the signer used. */
export function checkDataItemSignature(item: DataItem): SignatureCheck {
  const message = dataItemSignatureMessage(item);
  if (item.signatureType === signatureTypeArweave) {
    const pssSaltLengthBytes = recoverPssSaltLength(item.owner, item.signature, message);
    return pssSaltLengthBytes === undefined ? invalid : { valid: true, pssSaltLengthBytes };
  }
  return verifyEd25519(item.owner, item.signature, message) ? { valid: true, pssSaltLengthBytes: undefined } : invalid;
}

export function verifyDataItem(item: DataItem): boolean {
  return checkDataItemSignature(item).valid;
}

/** Throws BadSignatureError unless the item's signature verifies. */
export function assertDataItemSignature(item: DataItem): void {
  if (!verifyDataItem(item)) throw new BadSignatureError(item.id);
}

/** Strict parse followed by signature verification: what the scheduler's POST / needs. */
export function parseVerifiedDataItem(bytes: Uint8Array, options: ParseOptions = {}): DataItem {
  const item = parseDataItem(bytes, options);
  assertDataItemSignature(item);
  return item;
}
