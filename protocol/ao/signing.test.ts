import assert from "node:assert/strict";
import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { describe, it } from "node:test";
import { dataItemSignatureMessage, ownerAddress, parseDataItem } from "./data-item.ts";
import {
  createSignedDataItem,
  ed25519PrivateKeyFromSeed,
  signerFromJwk,
  signerFromPrivateKey,
  type DataItemFields,
  type DataItemSigner,
} from "./signing.ts";
import {
  assertThrowsCode,
  ed25519VectorSeed,
  fromHex,
  loadAns104Vectors,
  rebuildEd25519Item,
  toHex,
} from "./test-support.ts";
import { checkDataItemSignature, parseVerifiedDataItem, verifyDataItem } from "./verify.ts";

const vectors = loadAns104Vectors();
const rsaJwk = vectors.keys.rsa.private_jwk as JsonWebKey;

const sampleFields: DataItemFields = {
  target: fromHex("11".repeat(32)),
  anchor: fromHex("22".repeat(32)),
  tags: [
    { name: "Data-Protocol", value: "ao" },
    { name: "Bin", value: Uint8Array.of(0xff, 0xfe, 0x00) },
  ],
  data: new Uint8Array(Buffer.from("round trip")),
};

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

describe("rebuilding the ed25519 vectors from their inputs", () => {
  // RSA items are randomized; the noncanonical-Avro item's tag bytes cannot come from our
  // (canonical) encoder; the 1 MiB item is rebuilt in data-item.test.ts. Everything else is here.
  const excluded = ["ed25519_noncanonical_avro_blocks", "ed25519_data_1MiB"];
  const ed25519Items = vectors.valid_items.filter((vector) => vector.signature_type === 2);
  const rebuildable = ed25519Items.filter((vector) => !excluded.includes(vector.name));

  it("covers every other ed25519 item", () => {
    assert.equal(rebuildable.length, ed25519Items.length - excluded.length);
    assert.equal(rebuildable.length, 13);
  });
  for (const vector of rebuildable) {
    it(`${vector.name} is byte-identical`, () => {
      assert.equal(toHex(rebuildEd25519Item(vector, vectors).bytes), vector.item_hex);
    });
  }

  it("derives each vector public key from its seed", () => {
    for (const key of vectors.keys.ed25519) {
      const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(ed25519VectorSeed(vectors, key.index)));
      assert.equal(toHex(signer.owner), key.public_key_hex);
      assert.equal(ownerAddress(signer.owner), key.owner_address);
    }
  });
});

describe("sign -> parse -> verify", () => {
  it("ed25519", () => {
    const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(ed25519VectorSeed(vectors, 0)));
    const item = parseVerifiedDataItem(createSignedDataItem(sampleFields, signer).bytes);
    assert.equal(item.signatureType, 2);
    assert.equal(toHex(item.target!), "11".repeat(32));
    assert.equal(toHex(item.anchor!), "22".repeat(32));
    assert.deepEqual(item.tags.map((tag) => toHex(tag.value)), ["616f", "fffe00"]);
    assert.equal(Buffer.from(item.data).toString(), "round trip");
    assert.equal(verifyDataItem(parseDataItem(flipLastByte(item.bytes))), false);
  });

  for (const pssSaltLengthBytes of [undefined, 32, 0]) {
    it(`RSA-PSS-4096, salt length ${pssSaltLengthBytes ?? "default (maximum)"}`, () => {
      const signer = signerFromJwk(rsaJwk, pssSaltLengthBytes === undefined ? {} : { pssSaltLengthBytes });
      const item = parseDataItem(createSignedDataItem(sampleFields, signer).bytes);
      assert.equal(item.signatureType, 1);
      assert.equal(ownerAddress(item.owner), vectors.keys.rsa.owner_address);
      assert.deepEqual(checkDataItemSignature(item), { valid: true, pssSaltLengthBytes: pssSaltLengthBytes ?? 478 });
      assert.equal(verifyDataItem(parseDataItem(flipLastByte(item.bytes))), false);
    });
  }

  it("signs an empty item", () => {
    const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(ed25519VectorSeed(vectors, 0)));
    const minimal = vectors.valid_items.find((vector) => vector.name === "ed25519_minimal_empty_data");
    assert.equal(toHex(createSignedDataItem({}, signer).bytes), minimal?.item_hex);
  });
});

describe("signing refuses what it cannot do", () => {
  const ed25519 = signerFromPrivateKey(ed25519PrivateKeyFromSeed(ed25519VectorSeed(vectors, 0)));

  it("fields of the wrong size", () => {
    const badLength = "ERR_ANS104_BAD_FIELD_LENGTH";
    assertThrowsCode(() => createSignedDataItem({ target: new Uint8Array(31) }, ed25519), badLength);
    assertThrowsCode(() => createSignedDataItem({ anchor: new Uint8Array(33) }, ed25519), badLength);
    assertThrowsCode(() => ed25519PrivateKeyFromSeed(new Uint8Array(31)), "ERR_ANS104_BAD_FIELD_LENGTH");
  });

  it("a signer whose owner or signature has the wrong size", () => {
    const shortOwner: DataItemSigner = { ...ed25519, owner: ed25519.owner.subarray(1) };
    assertThrowsCode(() => createSignedDataItem({}, shortOwner), "ERR_ANS104_BAD_FIELD_LENGTH");
    const longSignature: DataItemSigner = {
      ...ed25519,
      sign: (message) => Buffer.concat([ed25519.sign(message), Uint8Array.of(0)]),
    };
    assertThrowsCode(() => createSignedDataItem({}, longSignature), "ERR_ANS104_BAD_FIELD_LENGTH");
  });

  it("tags over the ANS-104 limits", () => {
    const tags = Array.from({ length: 129 }, (_, index) => ({ name: `T${index}`, value: "x" }));
    assertThrowsCode(() => createSignedDataItem({ tags }, ed25519), "ERR_ANS104_TOO_MANY_TAGS");
    const emptyName = [{ name: "", value: "x" }];
    assertThrowsCode(() => createSignedDataItem({ tags: emptyName }, ed25519), "ERR_ANS104_EMPTY_TAG_NAME");
  });

  it("keys that are not ed25519 or RSA-4096/65537, public keys, bad salt lengths", () => {
    const rsa2048 = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    assertThrowsCode(() => signerFromPrivateKey(rsa2048), "ERR_ANS104_UNSUPPORTED_KEY");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    assertThrowsCode(() => signerFromPrivateKey(ec), "ERR_ANS104_UNSUPPORTED_KEY");
    const publicKey = generateKeyPairSync("ed25519").publicKey;
    assertThrowsCode(() => signerFromPrivateKey(publicKey), "ERR_ANS104_UNSUPPORTED_KEY");
    const publicJwk: JsonWebKey = { kty: rsaJwk.kty, n: rsaJwk.n, e: rsaJwk.e };
    assertThrowsCode(() => signerFromJwk(publicJwk), "ERR_ANS104_UNSUPPORTED_KEY");
    assertThrowsCode(() => signerFromJwk(rsaJwk, { pssSaltLengthBytes: 479 }), "ERR_ANS104_UNSUPPORTED_KEY");
  });

  it("signs exactly the deep-hash message", () => {
    let signed: Uint8Array | undefined;
    const spy: DataItemSigner = { ...ed25519, sign: (message) => ((signed = message), ed25519.sign(message)) };
    const item = createSignedDataItem(sampleFields, spy);
    assert.equal(toHex(signed!), toHex(dataItemSignatureMessage(item)));
  });
});
