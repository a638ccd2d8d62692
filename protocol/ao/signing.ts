// Building and signing data items: used by tests and by the scheduler to sign assignments.
import { constants, createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { ans104TagLimits, encodeAvroTags, type TagInput } from "./avro-tags.ts";
import { fromBase64Url } from "./bytes.ts";
import {
  anchorBytes,
  dataItemSignatureMessage,
  parseDataItem,
  serializeDataItem,
  signatureLayouts,
  signatureTypeArweave,
  signatureTypeEd25519,
  type DataItem,
  type ParseOptions,
  targetBytes,
  type SignatureType,
} from "./data-item.ts";
import { BadFieldLengthError, UnsupportedKeyError } from "./errors.ts";
import { arweavePublicExponent } from "./rsa-pss.ts";

/** Something that can sign the 48-byte signature message for one signature type. */
export interface DataItemSigner {
  readonly signatureType: SignatureType;
  readonly owner: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export const rsaModulusBits = 4096;
/** The largest PSS salt for RSA-4096 with SHA-256: emLen - hLen - 2 = 512 - 32 - 2. */
export const pssSaltLengthBytesMax = 478;
export const ed25519SeedBytes = 32;

export interface RsaSignerOptions {
  /**
   * Defaults to the maximum (478), which is what the ao SU and arbundles' ArweaveSigner produce;
   * WebCrypto wallets use 32. Verifiers recover it either way.
   */
  readonly pssSaltLengthBytes?: number;
}

// DER of a PKCS#8 Ed25519 private key (RFC 8410) up to the 32-byte seed that follows it.
const ed25519Pkcs8SeedPrefix = Buffer.from("302e020100300506032b657004220420", "hex");

/** The ed25519 private key for an RFC 8032 32-byte seed. */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== ed25519SeedBytes) throw new BadFieldLengthError("ed25519 seed", seed.length, ed25519SeedBytes);
  return createPrivateKey({ key: Buffer.concat([ed25519Pkcs8SeedPrefix, seed]), format: "der", type: "pkcs8" });
}

function publicJwk(privateKey: KeyObject): JsonWebKey {
  return createPublicKey(privateKey).export({ format: "jwk" });
}

function ed25519Signer(privateKey: KeyObject): DataItemSigner {
  const owner = fromBase64Url(publicJwk(privateKey).x ?? "", "ed25519 public key");
  return {
    signatureType: signatureTypeEd25519,
    owner,
    sign: (message) => sign(null, message, privateKey),
  };
}

function checkRsaKey(privateKey: KeyObject): void {
  const details = privateKey.asymmetricKeyDetails;
  if (details?.modulusLength !== rsaModulusBits || details.publicExponent !== arweavePublicExponent) {
    throw new UnsupportedKeyError(`an Arweave key must be RSA-${rsaModulusBits} with e = 65537`);
  }
}

function checkSaltLength(saltLength: number): void {
  if (!Number.isInteger(saltLength) || saltLength < 0 || saltLength > pssSaltLengthBytesMax) {
    throw new UnsupportedKeyError(`PSS salt length ${saltLength} is not in 0..${pssSaltLengthBytesMax}`);
  }
}

function rsaSigner(privateKey: KeyObject, options: RsaSignerOptions): DataItemSigner {
  checkRsaKey(privateKey);
  const saltLength = options.pssSaltLengthBytes ?? pssSaltLengthBytesMax;
  checkSaltLength(saltLength);
  const owner = fromBase64Url(publicJwk(privateKey).n ?? "", "RSA modulus");
  const padding = constants.RSA_PKCS1_PSS_PADDING;
  return {
    signatureType: signatureTypeArweave,
    owner,
    sign: (message) => sign("sha256", message, { key: privateKey, padding, saltLength }),
  };
}

/** A signer for an ed25519 key (type 2) or an RSA-4096 key with e = 65537 (type 1, RSA-PSS). */
export function signerFromPrivateKey(privateKey: KeyObject, options: RsaSignerOptions = {}): DataItemSigner {
  if (privateKey.type !== "private") throw new UnsupportedKeyError(`a ${privateKey.type} key cannot sign`);
  if (privateKey.asymmetricKeyType === "ed25519") return ed25519Signer(privateKey);
  if (privateKey.asymmetricKeyType === "rsa") return rsaSigner(privateKey, options);
  throw new UnsupportedKeyError(`unsupported key type ${privateKey.asymmetricKeyType ?? "unknown"}`);
}

/** A signer for a private JWK, e.g. an Arweave wallet file. */
export function signerFromJwk(jwk: JsonWebKey, options: RsaSignerOptions = {}): DataItemSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  } catch (cause) {
    throw new UnsupportedKeyError("the JWK is not a usable private key", { cause });
  }
  return signerFromPrivateKey(privateKey, options);
}

export interface DataItemFields {
  /** 32 bytes (an id, decoded), or absent. */
  readonly target?: Uint8Array;
  /** 32 arbitrary bytes, or absent. */
  readonly anchor?: Uint8Array;
  readonly tags?: readonly TagInput[];
  readonly data?: Uint8Array;
}

// Checked before signing so that nothing is ever signed over fields that cannot be serialized.
function checkFieldSizes(fields: DataItemFields, signer: DataItemSigner): void {
  const layout = signatureLayouts[signer.signatureType];
  if (signer.owner.length !== layout.ownerBytes) {
    throw new BadFieldLengthError("owner", signer.owner.length, layout.ownerBytes);
  }
  if (fields.target !== undefined && fields.target.length !== targetBytes) {
    throw new BadFieldLengthError("target", fields.target.length, targetBytes);
  }
  if (fields.anchor !== undefined && fields.anchor.length !== anchorBytes) {
    throw new BadFieldLengthError("anchor", fields.anchor.length, anchorBytes);
  }
}

/**
 * Builds, signs and re-parses a data item. The re-parse means the result went through exactly the
 * checks an incoming item does, so a signer bug cannot produce an item our own parser rejects.
 */
export function createSignedDataItem(
  fields: DataItemFields,
  signer: DataItemSigner,
  options: ParseOptions = {},
): DataItem {
  checkFieldSizes(fields, signer);
  const tags = fields.tags ?? [];
  const unsigned = {
    signatureType: signer.signatureType,
    owner: signer.owner,
    target: fields.target,
    anchor: fields.anchor,
    tagBytes: encodeAvroTags(tags, options.tagLimits ?? ans104TagLimits),
    data: fields.data ?? new Uint8Array(0),
  };
  const signature = signer.sign(dataItemSignatureMessage(unsigned));
  return parseDataItem(serializeDataItem({ ...unsigned, signature, tagCount: tags.length }), options);
}
