import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ans104TagLimits,
  decodeAvroLong,
  decodeAvroTags,
  encodeAvroLong,
  encodeAvroTags,
  type TagInput,
} from "./avro-tags.ts";
import type { AoProtocolErrorCode } from "./errors.ts";
import {
  assertThrowsCode,
  fromHex,
  loadAns104Vectors,
  tagsAsHex,
  toHex,
  vectorTagBytes,
  vectorTagsAsHex,
} from "./test-support.ts";

const vectors = loadAns104Vectors();

describe("avro long (zig-zag varint)", () => {
  it("has the vectors", () => assert.equal(vectors.avro_long.length, 27));
  for (const vector of vectors.avro_long) {
    it(`${vector.value} <-> ${vector.hex}`, () => {
      assert.equal(toHex(encodeAvroLong(BigInt(vector.value))), vector.hex);
      const decoded = decodeAvroLong(fromHex(vector.hex), 0);
      assert.equal(decoded.value, BigInt(vector.value));
      assert.equal(decoded.nextOffset, vector.hex.length / 2);
    });
  }

  it("decodes at an offset", () => {
    assert.deepEqual(decodeAvroLong(fromHex("ff8010"), 1), { value: 1024n, nextOffset: 3 });
  });

  it("rejects an 11-byte varint and a 10th byte carrying more than one bit", () => {
    assertThrowsCode(() => decodeAvroLong(fromHex("8080808080808080808000"), 0), "ERR_ANS104_AVRO_BAD_VARINT");
    assertThrowsCode(() => decodeAvroLong(fromHex("feffffffffffffffff02"), 0), "ERR_ANS104_AVRO_BAD_VARINT");
  });

  it("rejects a varint cut short", () => {
    assertThrowsCode(() => decodeAvroLong(fromHex("8080"), 0), "ERR_ANS104_AVRO_TRUNCATED");
    assertThrowsCode(() => decodeAvroLong(new Uint8Array(0), 0), "ERR_ANS104_AVRO_TRUNCATED");
  });

  it("refuses to encode values outside signed 64 bits", () => {
    assertThrowsCode(() => encodeAvroLong(1n << 63n), "ERR_ANS104_AVRO_LONG_OUT_OF_RANGE");
    assertThrowsCode(() => encodeAvroLong(-(1n << 63n) - 1n), "ERR_ANS104_AVRO_LONG_OUT_OF_RANGE");
  });
});

describe("avro tags: encode and decode", () => {
  it("has the vectors", () => assert.equal(vectors.avro_tags.length, 13));
  for (const vector of vectors.avro_tags) {
    it(vector.name, () => {
      const inputs: TagInput[] = vector.tags.map(vectorTagBytes);
      const encoded = encodeAvroTags(inputs);
      assert.equal(toHex(encoded), vector.encoded_hex);
      assert.equal(encoded.length, vector.encoded_length);
      assert.deepEqual(tagsAsHex(decodeAvroTags(fromHex(vector.encoded_hex))), vectorTagsAsHex(vector.tags));
    });
  }

  it("encodes string tags as UTF-8", () => {
    const single = vectors.avro_tags.find((vector) => vector.name === "single_ascii");
    assert.ok(single);
    assert.equal(toHex(encodeAvroTags([{ name: "Data-Protocol", value: "ao" }])), single.encoded_hex);
  });
});

describe("avro tags: decode-only forms (multi-block, negative count, bare terminator)", () => {
  it("has the vectors", () => assert.equal(vectors.avro_tags_decode_only.length, 3));
  for (const vector of vectors.avro_tags_decode_only) {
    it(vector.name, () => {
      const tags = decodeAvroTags(fromHex(vector.encoded_hex));
      assert.deepEqual(tagsAsHex(tags), vectorTagsAsHex(vector.tags));
      assert.equal(toHex(encodeAvroTags(tags)), vector.canonical_reencoding_hex);
    });
  }
});

// The vectors' reasons mapped to our codes. Every vector must be listed (so a new one fails here).
const invalidAvroCodes: Record<string, AoProtocolErrorCode> = {
  string_runs_past_end: "ERR_ANS104_AVRO_TRUNCATED",
  truncated_varint: "ERR_ANS104_AVRO_TRUNCATED",
  missing_terminator: "ERR_ANS104_AVRO_TRUNCATED",
  trailing_bytes_after_terminator: "ERR_ANS104_AVRO_TRAILING_BYTES",
  negative_string_length: "ERR_ANS104_AVRO_NEGATIVE_LENGTH",
  block_size_mismatch: "ERR_ANS104_AVRO_BLOCK_SIZE_MISMATCH",
};

describe("avro tags: invalid encodings", () => {
  it("maps every vector to a code", () => {
    const names = vectors.avro_tags_invalid.map((vector) => vector.name);
    assert.deepEqual(names.sort(), Object.keys(invalidAvroCodes).sort());
  });
  for (const vector of vectors.avro_tags_invalid) {
    it(`${vector.name}: ${vector.reason}`, () => {
      const code = invalidAvroCodes[vector.name];
      assert.ok(code, `no code mapped for ${vector.name}`);
      assertThrowsCode(() => decodeAvroTags(fromHex(vector.encoded_hex)), code, vector.name);
    });
  }
});

describe("avro tags: ANS-104 limits", () => {
  const oneTag = (name: string, value: string): TagInput[] => [{ name, value }];

  it("accepts the maxima and rejects one byte or one tag more, both ways", () => {
    const atMax = encodeAvroTags(oneTag("n".repeat(1024), "v".repeat(3072)));
    assert.equal(decodeAvroTags(atMax).length, 1);
    assertThrowsCode(() => encodeAvroTags(oneTag("n".repeat(1025), "v")), "ERR_ANS104_TAG_NAME_TOO_LONG");
    assertThrowsCode(() => encodeAvroTags(oneTag("n", "v".repeat(3073))), "ERR_ANS104_TAG_VALUE_TOO_LONG");
    const many = Array.from({ length: 129 }, (_, index) => ({ name: `T${index}`, value: "x" }));
    assertThrowsCode(() => encodeAvroTags(many), "ERR_ANS104_TOO_MANY_TAGS");
    const manyEncoded = encodeAvroTags(many, { ...ans104TagLimits, tagCountMax: 129 });
    assertThrowsCode(() => decodeAvroTags(manyEncoded), "ERR_ANS104_TOO_MANY_TAGS");
  });

  it("rejects an empty name but accepts an empty value (disputed_items: empty_tag_value)", () => {
    assertThrowsCode(() => encodeAvroTags(oneTag("", "v")), "ERR_ANS104_EMPTY_TAG_NAME");
    assertThrowsCode(() => decodeAvroTags(fromHex("0200027600")), "ERR_ANS104_EMPTY_TAG_NAME");
    assert.equal(decodeAvroTags(encodeAvroTags(oneTag("Empty", ""))).length, 1);
  });

  it("rejects a huge block count before reading any item", () => {
    // count 2^62 in one block, followed by nothing: the count alone must be refused.
    assertThrowsCode(() => decodeAvroTags(encodeAvroLong(1n << 62n)), "ERR_ANS104_TOO_MANY_TAGS");
    assertThrowsCode(() => decodeAvroTags(encodeAvroLong(-(1n << 62n))), "ERR_ANS104_TOO_MANY_TAGS");
  });

  it("counts tags across blocks against the limit", () => {
    const item = fromHex("02410278"); // name "A", value "x"
    const block = (count: number): Uint8Array => Buffer.concat([encodeAvroLong(count), ...Array(count).fill(item)]);
    const twoBlocks = Buffer.concat([block(100), block(29), Uint8Array.of(0)]);
    assertThrowsCode(() => decodeAvroTags(twoBlocks), "ERR_ANS104_TOO_MANY_TAGS");
    const allowed = Buffer.concat([block(100), block(28), Uint8Array.of(0)]);
    assert.equal(decodeAvroTags(allowed).length, 128);
  });

  it("rejects a negative block byte size", () => {
    assertThrowsCode(() => decodeAvroTags(fromHex("010102410231" + "00")), "ERR_ANS104_AVRO_NEGATIVE_LENGTH");
  });
});
