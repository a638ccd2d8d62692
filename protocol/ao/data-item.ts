// ANS-104 data items: the binary layout, a strict parser, the serializer, the id and the signature
// message. Verification is in verify.ts and signing in signing.ts.
//
// Layout: signature type (u16 LE) | signature | owner | target presence (0/1) [+ 32 bytes] |
// anchor presence (0/1) [+ 32 bytes] | tag count (u64 LE) | tag byte length (u64 LE) | Avro tags | data.
// Nothing stores the item's own length: data runs to the end, so the parser needs the exact bytes.
import { ans104TagLimits, decodeAvroTags, type Tag, type TagLimits } from "./avro-tags.ts";
import { concatBytes, sha256, toBase64Url, utf8Bytes } from "./bytes.ts";
import { deepHash } from "./deep-hash.ts";
import {
  BadFieldLengthError,
  BadPresenceByteError,
  BadSignatureTypeError,
  ItemTooLargeError,
  TagCountMismatchError,
  TruncatedItemError,
} from "./errors.ts";

/** 1 = Arweave (RSA-PSS-4096, SHA-256), 2 = ed25519. Other ANS-104 types are not supported here. */
export type SignatureType = 1 | 2;
export const signatureTypeArweave: SignatureType = 1;
export const signatureTypeEd25519: SignatureType = 2;

export interface SignatureTypeLayout {
  readonly signatureBytes: number;
  /** Type 1: the RSA modulus n, big-endian (e is always 65537). Type 2: the ed25519 public key. */
  readonly ownerBytes: number;
}

export const signatureLayouts: Readonly<Record<SignatureType, SignatureTypeLayout>> = Object.freeze({
  1: Object.freeze({ signatureBytes: 512, ownerBytes: 512 }),
  2: Object.freeze({ signatureBytes: 64, ownerBytes: 32 }),
});

export const signatureTypeFieldBytes = 2;
export const presenceFieldBytes = 1;
export const targetBytes = 32;
export const anchorBytes = 32;
export const tagCountFieldBytes = 8 as const;
export const tagBytesLengthFieldBytes = 8 as const;

/**
 * Default bound on a whole item. ANS-104 sets none; ao messages and process spawns are small, and
 * modules are uploaded to Arweave rather than to the scheduler, so 16 MiB leaves ample headroom
 * while capping what one request can make us hash. Override per call with `dataItemBytesMax`.
 */
export const dataItemBytesMaxDefault = 16 * 1024 * 1024;

export interface ParseOptions {
  readonly dataItemBytesMax?: number;
  readonly tagLimits?: TagLimits;
}

/** Byte offsets of the variable-position fields, as in the vectors' `offsets`. */
export interface DataItemOffsets {
  readonly targetPresence: number;
  readonly anchorPresence: number;
  readonly tagCount: number;
  readonly tagBytes: number;
  readonly data: number;
}

/** The fields covered by the signature. */
export interface SignedFields {
  readonly signatureType: SignatureType;
  readonly owner: Uint8Array;
  readonly target: Uint8Array | undefined;
  readonly anchor: Uint8Array | undefined;
  /** The raw Avro tag bytes exactly as signed (never re-encoded). */
  readonly tagBytes: Uint8Array;
  readonly data: Uint8Array;
}

/** A structurally valid data item. Byte fields are views into `bytes`: copy them if it is reused. */
export interface DataItem extends SignedFields {
  readonly bytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly tags: readonly Tag[];
  /** b64url(SHA-256(signature)). */
  readonly id: string;
  readonly offsets: DataItemOffsets;
}

/** id = b64url(SHA-256(raw signature)). */
export function dataItemId(signature: Uint8Array): string {
  return toBase64Url(sha256(signature));
}

/** The address the ao SU derives for an owner of any signature type: b64url(SHA-256(owner)). */
export function ownerAddress(owner: Uint8Array): string {
  return toBase64Url(sha256(owner));
}

const signatureMessageKind = utf8Bytes("dataitem");
const signatureMessageVersion = utf8Bytes("1");
const emptyField = new Uint8Array(0);

/**
 * The 48-byte message that is signed: deepHash(["dataitem", "1", "<signature type>", owner, target,
 * anchor, raw tag bytes, data]). The published ANS-104 text omits the signature-type element and
 * shows tags as pairs; every deployed implementation (arbundles, the ao SU, HyperBEAM) uses this
 * 8-element form, and so do the vectors. Absent target/anchor are empty byte strings.
 */
export function dataItemSignatureMessage(fields: SignedFields): Uint8Array {
  return deepHash([
    signatureMessageKind,
    signatureMessageVersion,
    utf8Bytes(String(fields.signatureType)),
    fields.owner,
    fields.target ?? emptyField,
    fields.anchor ?? emptyField,
    fields.tagBytes,
    fields.data,
  ]);
}

export function isSignatureType(value: number): value is SignatureType {
  return value === signatureTypeArweave || value === signatureTypeEd25519;
}

// A cursor over the item. Each parse makes its own, so there is no shared state.
class ItemReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(length: number, field: string): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new TruncatedItemError(field);
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  u64le(field: string, fieldBytes: 8): bigint {
    const slice = this.take(fieldBytes, field);
    return new DataView(slice.buffer, slice.byteOffset, fieldBytes).getBigUint64(0, true);
  }
}

function readSignatureType(reader: ItemReader): SignatureType {
  const field = reader.take(signatureTypeFieldBytes, "signature type");
  const value = field[0]! | (field[1]! << 8);
  if (!isSignatureType(value)) throw new BadSignatureTypeError(value);
  return value;
}

interface SignerFields {
  readonly signatureType: SignatureType;
  readonly signature: Uint8Array;
  readonly owner: Uint8Array;
}

function readSigner(reader: ItemReader): SignerFields {
  const signatureType = readSignatureType(reader);
  const layout = signatureLayouts[signatureType];
  const signature = reader.take(layout.signatureBytes, "signature");
  const owner = reader.take(layout.ownerBytes, "owner");
  return { signatureType, signature, owner };
}

// Presence bytes are not signed, so anything but 0 or 1 is rejected here (as the spec and the
// ao SU do); arbundles' "anything but 1 is absent" would let anyone alter an item's bytes.
function readOptionalField(reader: ItemReader, field: "target" | "anchor", fieldBytes: number): Uint8Array | undefined {
  const presence = reader.take(presenceFieldBytes, `${field} presence byte`)[0]!;
  if (presence === 0) return undefined;
  if (presence !== 1) throw new BadPresenceByteError(field, presence);
  return reader.take(fieldBytes, field);
}

interface TagSection {
  readonly tagBytes: Uint8Array;
  readonly tags: Tag[];
}

function readTagSection(reader: ItemReader, limits: TagLimits): TagSection {
  const declaredCount = reader.u64le("tag count", tagCountFieldBytes);
  const tagBytesLength = reader.u64le("tag byte length", tagBytesLengthFieldBytes);
  if (tagBytesLength > BigInt(reader.bytes.length - reader.offset)) throw new TruncatedItemError("tag bytes");
  const tagBytes = reader.take(Number(tagBytesLength), "tag bytes");
  const tags = decodeAvroTags(tagBytes, limits);
  // The count field is not signed: only this check stops it from disagreeing with the tags.
  if (declaredCount !== BigInt(tags.length)) throw new TagCountMismatchError(declaredCount, tags.length);
  return { tagBytes, tags };
}

/**
 * Parses a data item strictly: supported signature type, exact field sizes, presence bytes 0 or 1,
 * tag count equal to the decoded tags, Avro bytes consumed exactly, ANS-104 tag limits. It does NOT
 * verify the signature (see verifyDataItem / parseVerifiedDataItem).
 */
export function parseDataItem(bytes: Uint8Array, options: ParseOptions = {}): DataItem {
  const itemBytesMax = options.dataItemBytesMax ?? dataItemBytesMaxDefault;
  if (bytes.length > itemBytesMax) throw new ItemTooLargeError(bytes.length, itemBytesMax);
  const reader = new ItemReader(bytes);
  const { signatureType, signature, owner } = readSigner(reader);
  const targetPresence = reader.offset;
  const target = readOptionalField(reader, "target", targetBytes);
  const anchorPresence = reader.offset;
  const anchor = readOptionalField(reader, "anchor", anchorBytes);
  const tagCount = reader.offset;
  const { tagBytes, tags } = readTagSection(reader, options.tagLimits ?? ans104TagLimits);
  const tagBytesOffset = tagCount + tagCountFieldBytes + tagBytesLengthFieldBytes;
  const offsets = { targetPresence, anchorPresence, tagCount, tagBytes: tagBytesOffset, data: reader.offset };
  const data = bytes.subarray(reader.offset);
  const id = dataItemId(signature);
  return { bytes, signatureType, signature, owner, target, anchor, tagBytes, tags, data, id, offsets };
}

function optionalField(value: Uint8Array | undefined, field: string, expectedBytes: number): Uint8Array[] {
  if (value === undefined) return [Uint8Array.of(0)];
  if (value.length !== expectedBytes) throw new BadFieldLengthError(field, value.length, expectedBytes);
  return [Uint8Array.of(1), value];
}

function u64le(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

export interface SerializableItem extends SignedFields {
  readonly signature: Uint8Array;
  readonly tagCount: number;
}

/** Writes the binary item. Field sizes are checked; the signature is not. */
export function serializeDataItem(item: SerializableItem): Uint8Array {
  const layout = signatureLayouts[item.signatureType];
  if (item.signature.length !== layout.signatureBytes) {
    throw new BadFieldLengthError("signature", item.signature.length, layout.signatureBytes);
  }
  if (item.owner.length !== layout.ownerBytes) {
    throw new BadFieldLengthError("owner", item.owner.length, layout.ownerBytes);
  }
  return concatBytes([
    Uint8Array.of(item.signatureType & 0xff, item.signatureType >> 8),
    item.signature,
    item.owner,
    ...optionalField(item.target, "target", targetBytes),
    ...optionalField(item.anchor, "anchor", anchorBytes),
    u64le(item.tagCount),
    u64le(item.tagBytes.length),
    item.tagBytes,
    item.data,
  ]);
}
