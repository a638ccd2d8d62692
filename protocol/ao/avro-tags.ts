// The ANS-104 tag array: Avro `array<record{name: bytes, value: bytes}>` with zig-zag varint longs.
// Decoding is strict (every declared byte consumed, spec limits enforced while reading, so a hostile
// item never makes us walk more than the limits allow). Tags stay bytes: the signature covers the
// raw Avro bytes, and tag values need not be UTF-8.
import { concatBytes, utf8Bytes } from "./bytes.ts";
import {
  AvroBadVarintError,
  AvroBlockSizeMismatchError,
  AvroLongOutOfRangeError,
  AvroNegativeLengthError,
  AvroTrailingBytesError,
  AvroTruncatedError,
  EmptyTagNameError,
  TagNameTooLongError,
  TagValueTooLongError,
  TooManyTagsError,
} from "./errors.ts";

/** A decoded tag. Both fields are views into the tag bytes they came from. */
export interface Tag {
  readonly name: Uint8Array;
  readonly value: Uint8Array;
}

/** A tag to encode: strings are written as UTF-8. */
export interface TagInput {
  readonly name: string | Uint8Array;
  readonly value: string | Uint8Array;
}

/** Per-item tag bounds. */
export interface TagLimits {
  readonly tagCountMax: number;
  readonly tagNameBytesMax: number;
  readonly tagValueBytesMax: number;
}

/**
 * ANS-104 section 2.1. There is deliberately no bound on the total tag bytes: arbundles' 4096-byte
 * MAX_TAG_BYTES is not in the spec, and neither the ao SU nor HyperBEAM has it.
 */
export const ans104TagLimits: TagLimits = Object.freeze({
  tagCountMax: 128,
  tagNameBytesMax: 1024,
  tagValueBytesMax: 3072,
});

/** A 64-bit long needs at most 10 varint bytes (7 bits each); the 10th may only carry 1 bit. */
export const avroLongBytesMax = 10;

const longMin = -(1n << 63n);
const longMax = (1n << 63n) - 1n;

export function encodeAvroLong(value: bigint | number): Uint8Array {
  const signed = BigInt(value);
  if (signed < longMin || signed > longMax) throw new AvroLongOutOfRangeError(signed);
  let zigzag = signed >= 0n ? signed << 1n : ((-signed) << 1n) - 1n;
  const out: number[] = [];
  while (zigzag >= 0x80n) {
    out.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  out.push(Number(zigzag));
  return Uint8Array.from(out);
}

export interface DecodedLong {
  readonly value: bigint;
  readonly nextOffset: number;
}

/**
 * Reads one zig-zag varint long. Running out of bytes is AvroTruncatedError; more than 64 bits is
 * AvroBadVarintError. Redundant high zero groups (e.g. 80 00) are valid Avro and accepted: the bytes
 * are signed as they are, so accepting them cannot change what a signature covers.
 */
export function decodeAvroLong(bytes: Uint8Array, offset: number): DecodedLong {
  let zigzag = 0n;
  for (let index = 0; index < avroLongBytesMax; index++) {
    const byte = bytes[offset + index];
    if (byte === undefined) throw new AvroTruncatedError(offset + index);
    zigzag |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) {
      if (index === avroLongBytesMax - 1 && byte > 1) throw new AvroBadVarintError(offset);
      const value = (zigzag & 1n) === 0n ? zigzag >> 1n : -(zigzag >> 1n) - 1n;
      return { value, nextOffset: offset + index + 1 };
    }
  }
  throw new AvroBadVarintError(offset);
}

function toTagBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? utf8Bytes(text) : text;
}

function checkTagSizes(tag: Tag, tagIndex: number, limits: TagLimits): void {
  if (tag.name.length === 0) throw new EmptyTagNameError(tagIndex);
  if (tag.name.length > limits.tagNameBytesMax) {
    throw new TagNameTooLongError(BigInt(tag.name.length), limits.tagNameBytesMax);
  }
  if (tag.value.length > limits.tagValueBytesMax) {
    throw new TagValueTooLongError(BigInt(tag.value.length), limits.tagValueBytesMax);
  }
}

/**
 * Encodes tags the way every deployed encoder does: nothing at all for no tags, otherwise one block
 * with a positive count followed by the 00 terminator. Refuses tags that break the ANS-104 limits.
 */
export function encodeAvroTags(tags: readonly TagInput[], limits: TagLimits = ans104TagLimits): Uint8Array {
  if (tags.length === 0) return new Uint8Array(0);
  if (tags.length > limits.tagCountMax) throw new TooManyTagsError(BigInt(tags.length), limits.tagCountMax);
  const parts: Uint8Array[] = [encodeAvroLong(tags.length)];
  tags.forEach((input, tagIndex) => {
    const tag = { name: toTagBytes(input.name), value: toTagBytes(input.value) };
    checkTagSizes(tag, tagIndex, limits);
    parts.push(encodeAvroLong(tag.name.length), tag.name, encodeAvroLong(tag.value.length), tag.value);
  });
  parts.push(Uint8Array.of(0));
  return concatBytes(parts);
}

type TooLongError = new (length: bigint, lengthMax: number) => Error;

interface DecodedBytes {
  readonly bytes: Uint8Array;
  readonly nextOffset: number;
}

function readAvroBytes(
  bytes: Uint8Array,
  offset: number,
  lengthMax: number,
  TooLong: TooLongError,
): DecodedBytes {
  const length = decodeAvroLong(bytes, offset);
  if (length.value < 0n) throw new AvroNegativeLengthError(length.value, offset);
  if (length.value > BigInt(lengthMax)) throw new TooLong(length.value, lengthMax);
  const end = length.nextOffset + Number(length.value);
  if (end > bytes.length) throw new AvroTruncatedError(bytes.length);
  return { bytes: bytes.subarray(length.nextOffset, end), nextOffset: end };
}

interface BlockHeader {
  readonly itemCount: number;
  /** Present only for negative-count blocks, which carry their byte size. */
  readonly byteSize: bigint | undefined;
  readonly nextOffset: number;
}

function readBlockHeader(bytes: Uint8Array, offset: number, tagsSoFar: number, limits: TagLimits): BlockHeader {
  const count = decodeAvroLong(bytes, offset);
  const itemCount = count.value < 0n ? -count.value : count.value;
  // Checked before reading any item, so a huge count costs nothing.
  if (BigInt(tagsSoFar) + itemCount > BigInt(limits.tagCountMax)) {
    throw new TooManyTagsError(BigInt(tagsSoFar) + itemCount, limits.tagCountMax);
  }
  if (count.value >= 0n) return { itemCount: Number(itemCount), byteSize: undefined, nextOffset: count.nextOffset };
  const size = decodeAvroLong(bytes, count.nextOffset);
  if (size.value < 0n) throw new AvroNegativeLengthError(size.value, count.nextOffset);
  return { itemCount: Number(itemCount), byteSize: size.value, nextOffset: size.nextOffset };
}

interface DecodedTag {
  readonly tag: Tag;
  readonly nextOffset: number;
}

function readTag(bytes: Uint8Array, offset: number, tagIndex: number, limits: TagLimits): DecodedTag {
  const name = readAvroBytes(bytes, offset, limits.tagNameBytesMax, TagNameTooLongError);
  if (name.bytes.length === 0) throw new EmptyTagNameError(tagIndex);
  // Empty values are accepted although ANS-104 2.1 says "non-empty": arbundles, HyperBEAM and the
  // ao SU all accept them and real ao messages carry them (vectors: disputed_items[empty_tag_value]).
  const value = readAvroBytes(bytes, name.nextOffset, limits.tagValueBytesMax, TagValueTooLongError);
  return { tag: { name: name.bytes, value: value.bytes }, nextOffset: value.nextOffset };
}

/**
 * Decodes the tag bytes of a data item. Zero bytes mean no tags (what deployed encoders write);
 * otherwise the bytes must be exactly one Avro array: any number of blocks (positive or
 * negative-count), the 00 terminator, and nothing after it.
 */
export function decodeAvroTags(bytes: Uint8Array, limits: TagLimits = ans104TagLimits): Tag[] {
  const tags: Tag[] = [];
  if (bytes.length === 0) return tags;
  let offset = 0;
  for (;;) {
    const block = readBlockHeader(bytes, offset, tags.length, limits);
    offset = block.nextOffset;
    if (block.itemCount === 0) break;
    const blockStart = offset;
    for (let item = 0; item < block.itemCount; item++) {
      const decoded = readTag(bytes, offset, tags.length, limits);
      tags.push(decoded.tag);
      offset = decoded.nextOffset;
    }
    if (block.byteSize !== undefined && block.byteSize !== BigInt(offset - blockStart)) {
      throw new AvroBlockSizeMismatchError(block.byteSize, offset - blockStart);
    }
  }
  if (offset !== bytes.length) throw new AvroTrailingBytesError(bytes.length - offset);
  return tags;
}
