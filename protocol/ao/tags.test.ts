import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeAvroTags, encodeAvroTags, type TagInput } from "./avro-tags.ts";
import { parseDataItem } from "./data-item.ts";
import {
  aoProtocolTags,
  aoTypeOf,
  assignmentTags,
  formatBlockHeight,
  isAoItem,
  readAssignment,
  requireTagValue,
  tagValue,
  tagValues,
} from "./tags.ts";
import { assertThrowsCode, fromHex, loadAns104Vectors, toHex } from "./test-support.ts";

const vectors = loadAns104Vectors();

function itemTags(name: string) {
  const candidates = [...vectors.valid_items, ...vectors.real_world.items];
  const vector = candidates.find((entry) => entry.name === name);
  assert.ok(vector?.item_hex, `no item ${name}`);
  return parseDataItem(fromHex(vector.item_hex)).tags;
}

const tagsOf = (inputs: TagInput[]) => decodeAvroTags(encodeAvroTags(inputs));

describe("ao tags", () => {
  it("writes Data-Protocol, Variant, Type as aoconnect does", () => {
    const expected = vectors.avro_tags.find((vector) => vector.name === "ao_message_tags");
    const tags = [...aoProtocolTags("Message"), { name: "Action", value: "Eval" }, { name: "SDK", value: "aoconnect" }];
    assert.equal(toHex(encodeAvroTags(tags)), expected?.encoded_hex);
  });

  it("reads tags by name, first wins, all in order", () => {
    const tags = itemTags("ed25519_duplicate_tag_names");
    assert.equal(tagValue(tags, "A"), "1");
    assert.deepEqual(tagValues(tags, "A"), ["1", "3"]);
    assert.equal(tagValue(tags, "a"), undefined, "names are case-sensitive");
    assertThrowsCode(() => requireTagValue(tags, "C"), "ERR_AO_MISSING_TAG");
  });

  it("refuses to read a value that is not UTF-8", () => {
    const tags = itemTags("ed25519_non_utf8_tag_value");
    assertThrowsCode(() => tagValue(tags, "Bin"), "ERR_AO_BAD_TAG_VALUE");
  });

  it("keeps a leading byte-order mark", () => {
    assert.equal(tagValue(tagsOf([{ name: "K", value: "\uFEFFv" }]), "K"), "\uFEFFv");
  });

  it("knows ao items and their types", () => {
    assert.equal(aoTypeOf(itemTags("ed25519_ao_process_spawn")), "Process");
    assert.equal(isAoItem(itemTags("ed25519_target_only_ao_message")), true);
    assert.equal(isAoItem(itemTags("ed25519_data_1_byte")), false);
    assertThrowsCode(() => aoTypeOf(tagsOf([{ name: "Type", value: "Bogus" }])), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => aoTypeOf(itemTags("ed25519_data_1_byte")), "ERR_AO_MISSING_TAG");
  });

  it("zero-pads Block-Height to 12 digits", () => {
    assert.equal(formatBlockHeight(1736676), "000001736676");
    assert.equal(formatBlockHeight(0), "000000000000");
    assertThrowsCode(() => formatBlockHeight(-1), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => formatBlockHeight(1.5), "ERR_AO_BAD_TAG_VALUE");
  });
});

describe("assignment tags", () => {
  const realAssignment = vectors.real_world.items.find((item) => item.name === "message_bin_item_0");
  const realMessage = vectors.real_world.items.find((item) => item.name === "message_bin_item_1");
  assert.ok(realAssignment && realMessage);

  it("reads a real mainnet SU assignment", () => {
    assert.deepEqual(readAssignment(itemTags(realAssignment.name)), {
      process: "Krim6GbXWi6x1eP1eEvEqX6z1Pnl0uGqr0ULKhErNVQ",
      epoch: 0,
      nonce: 247050,
      hashChain: "OgKFCi0cOIeuZMadzvxXtzbobNFGsOiJkR6tZJS7DXM",
      blockHeight: 1736676,
      timestamp: 1755708950818,
      message: realMessage.id,
      exclude: [],
    });
  });

  it("writes the same tag bytes as the real SU", () => {
    const fields = readAssignment(itemTags(realAssignment.name));
    assert.equal(toHex(encodeAvroTags(assignmentTags(fields))), realAssignment.tag_bytes_hex);
  });

  it("puts Message and Exclude last, in order", () => {
    const fields = readAssignment(itemTags(realAssignment.name));
    const tags = tagsOf(assignmentTags({ ...fields, exclude: ["a", "b"] }));
    assert.deepEqual(tags.slice(-3).map((tag) => Buffer.from(tag.name).toString()), ["Message", "Exclude", "Exclude"]);
    assert.deepEqual(readAssignment(tags).exclude, ["a", "b"]);
    const ownAssignment = tagsOf(assignmentTags({ ...fields, message: undefined }));
    assert.equal(readAssignment(ownAssignment).message, undefined);
    assert.equal(ownAssignment.length, 9);
  });

  it("rejects malformed assignments", () => {
    const fields = readAssignment(itemTags(realAssignment.name));
    const good = assignmentTags(fields);
    const replace = (name: string, value: string) =>
      tagsOf(good.map((tag) => (tag.name === name ? { name, value } : tag)));
    const drop = (name: string) => tagsOf(good.filter((tag) => tag.name !== name));
    assertThrowsCode(() => readAssignment(replace("Type", "Message")), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => readAssignment(replace("Nonce", "007")), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => readAssignment(replace("Timestamp", "1e3")), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => readAssignment(replace("Block-Height", "-00001")), "ERR_AO_BAD_TAG_VALUE");
    assertThrowsCode(() => readAssignment(replace("Process", "shor")), "ERR_AO_BAD_ID");
    assertThrowsCode(() => readAssignment(drop("Hash-Chain")), "ERR_AO_MISSING_TAG");
    assertThrowsCode(() => assignmentTags({ ...fields, nonce: -1 }), "ERR_AO_BAD_TAG_VALUE");
  });
});
