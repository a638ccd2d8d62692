// Test-only helpers for protocol/ao: loading the known-answer vectors (../shared/vectors/ao, or
// $ARKUBE_VECTORS_DIR/ao) and rebuilding the byte strings they describe. Not exported by index.ts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tag } from "./avro-tags.ts";
import { dataItemSignatureMessage, ownerAddress, type DataItem } from "./data-item.ts";
import { AoProtocolError, type AoProtocolErrorCode } from "./errors.ts";
import {
  createSignedDataItem,
  ed25519PrivateKeyFromSeed,
  signerFromPrivateKey,
  type DataItemFields,
} from "./signing.ts";
import { checkDataItemSignature } from "./verify.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export function vectorsDir(): string {
  return process.env.ARKUBE_VECTORS_DIR ?? join(repoRoot, "..", "shared", "vectors");
}

/** Reads a vector file; a missing file fails the test rather than skipping it. */
export function loadVectorFile<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), relativePath), "utf8")) as T;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(hex: string): Uint8Array {
  assert.match(hex, /^([0-9a-f]{2})*$/, "vector hex must be lowercase and even-length");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** prng_stream(label, v, n): the first n bytes of B0 ‖ B1 ‖ …, Bj = SHA256(label ‖ u32be(v) ‖ u32be(j)). */
export function prngStream(label: string, v: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const counters = Buffer.alloc(8);
  counters.writeUInt32BE(v, 0);
  for (let block = 0; block * 32 < n; block++) {
    counters.writeUInt32BE(block, 4);
    const digest = createHash("sha256").update(label, "ascii").update(counters).digest();
    out.set(digest.subarray(0, Math.min(32, n - block * 32)), block * 32);
  }
  return out;
}

export type ByteSpec = { hex: string } | { utf8: string } | { prng: [string, number, number] };

/** `{prefix}` in a prng label stands for the file's prng_prefix: never hard-coded here. */
export function bytesFromSpec(spec: ByteSpec, prngPrefix: string): Uint8Array {
  if ("hex" in spec) return fromHex(spec.hex);
  if ("utf8" in spec) return new Uint8Array(Buffer.from(spec.utf8, "utf8"));
  const [label, v, n] = spec.prng;
  return prngStream(label.replaceAll("{prefix}", prngPrefix), v, n);
}

/** A tag as the vectors write it: UTF-8 strings, or *_hex where the bytes are not UTF-8. */
export interface VectorTag {
  readonly name?: string;
  readonly value?: string;
  readonly name_hex?: string;
  readonly value_hex?: string;
}

function vectorTagPart(text: string | undefined, hex: string | undefined): Uint8Array {
  if (hex !== undefined) return fromHex(hex);
  assert.ok(text !== undefined, "vector tag part has neither text nor hex");
  return new Uint8Array(Buffer.from(text, "utf8"));
}

export function vectorTagBytes(tag: VectorTag): Tag {
  return { name: vectorTagPart(tag.name, tag.name_hex), value: vectorTagPart(tag.value, tag.value_hex) };
}

/** Tags as hex pairs, for deepEqual comparisons that show readable diffs. */
export function tagsAsHex(tags: readonly Tag[]): { name: string; value: string }[] {
  return tags.map((tag) => ({ name: toHex(tag.name), value: toHex(tag.value) }));
}

export function vectorTagsAsHex(tags: readonly VectorTag[]): { name: string; value: string }[] {
  return tagsAsHex(tags.map(vectorTagBytes));
}

/** Asserts that `run` throws an AoProtocolError with this code (never matching on message text). */
export function assertThrowsCode(run: () => unknown, code: AoProtocolErrorCode, context = ""): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AoProtocolError, `${context}: expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `${context}: ${error.message}`);
    return true;
  });
}

// Shapes of the vector files (only the fields the tests read).

export interface Ed25519VectorKey {
  readonly index: number;
  readonly seed_preimage: string;
  readonly seed_hex: string;
  readonly public_key_hex: string;
  readonly owner_b64url: string;
  readonly owner_address: string;
}

export interface ItemInputs {
  readonly key: string;
  readonly target?: string | null;
  readonly anchor?: null;
  readonly anchor_utf8?: string;
  readonly anchor_hex?: string;
  readonly tags?: readonly VectorTag[];
  readonly tags_ref?: string;
  readonly tag_bytes_hex?: string;
  readonly data: ByteSpec;
}

export interface ValidItemVector {
  readonly name: string;
  readonly inputs?: ItemInputs;
  readonly signature_type: number;
  readonly item_length: number;
  readonly item_hex?: string;
  readonly item_sha256?: string;
  readonly item_head_hex?: string;
  readonly item_tail_hex?: string;
  readonly id: string;
  readonly id_hex: string;
  readonly signature: string;
  readonly owner: string;
  readonly owner_address: string;
  readonly target: string;
  readonly target_present: boolean;
  readonly anchor: string;
  readonly anchor_hex: string;
  readonly anchor_present: boolean;
  readonly tag_count: number;
  readonly tag_bytes_hex: string;
  readonly tags: readonly VectorTag[];
  readonly data_length: number;
  readonly data_sha256: string;
  readonly data: ByteSpec;
  readonly offsets: {
    readonly target_presence: number;
    readonly anchor_presence: number;
    readonly tag_count: number;
    readonly tag_bytes: number;
    readonly data: number;
  };
  readonly signature_data_hex: string;
  readonly verify: boolean;
  readonly pss_salt_length?: number;
  readonly bundle_header?: { readonly size: number; readonly id: string };
}

export interface InvalidItemVector {
  readonly name: string;
  readonly reason: string;
  readonly spec_verdict: string;
  readonly item_length: number;
  readonly item_hex: string;
  readonly oracle_agrees_with_spec: boolean;
}

export interface DisputedItemVector {
  readonly name: string;
  readonly item_hex: string;
  readonly item_length: number;
  readonly id: string;
  readonly spec_verdict: string;
  readonly signature_valid: boolean;
  readonly recommended: "accept" | "reject";
}

export interface AvroTagsVector {
  readonly name: string;
  readonly tags: readonly VectorTag[];
  readonly encoded_hex: string;
  readonly encoded_length?: number;
  readonly canonical_reencoding_hex?: string;
}

export type DeepHashVectorInput = ByteSpec | readonly DeepHashVectorInput[];

export interface Ans104Vectors {
  readonly prng_prefix: string;
  readonly avro_long: readonly { readonly value: string; readonly hex: string }[];
  readonly avro_tags: readonly AvroTagsVector[];
  readonly avro_tags_decode_only: readonly AvroTagsVector[];
  readonly avro_tags_invalid: readonly {
    readonly name: string;
    readonly encoded_hex: string;
    readonly reason: string;
  }[];
  readonly deep_hash: readonly {
    readonly name: string;
    readonly input: DeepHashVectorInput;
    readonly sha384_deep_hash_hex: string;
    readonly b64url: string;
  }[];
  readonly keys: {
    readonly ed25519: readonly Ed25519VectorKey[];
    readonly rsa: {
      readonly private_jwk: Record<string, string>;
      readonly owner_address: string;
      readonly modulus_bits: number;
    };
  };
  readonly valid_items: readonly ValidItemVector[];
  readonly invalid_items: readonly InvalidItemVector[];
  readonly disputed_items: readonly DisputedItemVector[];
  readonly real_world: {
    readonly bundle_length: number;
    readonly bundle_sha256: string;
    readonly bundle_item_count: number;
    readonly items: readonly ValidItemVector[];
  };
}

export function loadAns104Vectors(): Ans104Vectors {
  return loadVectorFile<Ans104Vectors>("ao/ans104.json");
}

export interface AssignmentVector {
  readonly nonce: number;
  readonly message_id: string | null;
  readonly message_item_hex: string | null;
  readonly message_signer: string | null;
  readonly prev_assignment_id: string | null;
  readonly prev_hash_chain: string | null;
  readonly hash_input_hex: string;
  readonly hash_chain: string;
  readonly hash_chain_hex: string;
  readonly assignment_tags: readonly VectorTag[];
  readonly assignment_id: string;
  readonly assignment_item_hex: string;
}

export interface HashChainVectors {
  readonly keys: {
    readonly scheduler: {
      readonly seed_preimage: string;
      readonly seed_hex: string;
      readonly owner_b64url: string;
      readonly address: string;
    };
    readonly process_owner: { readonly seed_preimage: string; readonly owner_b64url: string; readonly address: string };
  };
  readonly process: { readonly id: string; readonly item_hex: string; readonly tags: readonly VectorTag[] };
  readonly assignments: readonly AssignmentVector[];
  readonly pure_function_vectors: readonly {
    readonly prev_assignment_id: string | null;
    readonly prev_hash_chain: string;
    readonly hash_chain: string;
  }[];
}

export function loadHashChainVectors(): HashChainVectors {
  return loadVectorFile<HashChainVectors>("ao/hashchain.json");
}

function b64url(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : Buffer.from(bytes).toString("base64url");
}

/** Compares a parsed item with a valid_items / real_world entry, field by field. */
export function assertItemMatchesVector(item: DataItem, vector: ValidItemVector, prngPrefix: string): void {
  assert.equal(item.bytes.length, vector.item_length, "item_length");
  assert.equal(item.signatureType, vector.signature_type, "signature_type");
  assert.equal(item.id, vector.id, "id");
  assert.equal(sha256Hex(item.signature), vector.id_hex, "id_hex = SHA-256(signature)");
  assert.equal(b64url(item.signature), vector.signature, "signature");
  assert.equal(b64url(item.owner), vector.owner, "owner");
  assert.equal(ownerAddress(item.owner), vector.owner_address, "owner_address");
  assert.equal(b64url(item.target), vector.target, "target");
  assert.equal(item.target !== undefined, vector.target_present, "target_present");
  assert.equal(item.anchor === undefined ? "" : toHex(item.anchor), vector.anchor_hex, "anchor_hex");
  assert.equal(b64url(item.anchor), vector.anchor, "anchor");
  assert.equal(item.anchor !== undefined, vector.anchor_present, "anchor_present");
  assert.equal(item.tags.length, vector.tag_count, "tag_count");
  assert.equal(toHex(item.tagBytes), vector.tag_bytes_hex, "tag_bytes_hex");
  assert.deepEqual(tagsAsHex(item.tags), vectorTagsAsHex(vector.tags), "tags");
  assert.equal(item.data.length, vector.data_length, "data_length");
  assert.equal(sha256Hex(item.data), vector.data_sha256, "data_sha256");
  assert.equal(toHex(item.data), toHex(bytesFromSpec(vector.data, prngPrefix)), "data");
  assert.deepEqual(item.offsets, {
    targetPresence: vector.offsets.target_presence,
    anchorPresence: vector.offsets.anchor_presence,
    tagCount: vector.offsets.tag_count,
    tagBytes: vector.offsets.tag_bytes,
    data: vector.offsets.data,
  }, "offsets");
  assert.equal(toHex(dataItemSignatureMessage(item)), vector.signature_data_hex, "signature_data_hex");
  const check = checkDataItemSignature(item);
  assert.equal(check.valid, vector.verify, "verify");
  if (check.valid) assert.equal(check.pssSaltLengthBytes, vector.pss_salt_length, "pss_salt_length");
}

/** The ed25519 seed of keys.ed25519[index], checked against the seed rule SHA256("<prefix>-ed25519-<i>"). */
export function ed25519VectorSeed(vectors: Ans104Vectors, index: number): Uint8Array {
  const key = vectors.keys.ed25519.find((candidate) => candidate.index === index);
  assert.ok(key, `no ed25519 key ${index}`);
  assert.equal(key.seed_preimage, `${vectors.prng_prefix}-ed25519-${index}`);
  assert.equal(sha256Hex(Buffer.from(key.seed_preimage, "ascii")), key.seed_hex);
  return fromHex(key.seed_hex);
}

function inputTags(inputs: ItemInputs, vectors: Ans104Vectors): readonly VectorTag[] {
  if (inputs.tags !== undefined) return inputs.tags;
  const reference = /^avro_tags\[(.+)\]\.tags$/.exec(inputs.tags_ref ?? "");
  const named = vectors.avro_tags.find((vector) => vector.name === reference?.[1]);
  assert.ok(named, `cannot resolve tags of ${JSON.stringify(inputs)}`);
  return named.tags;
}

function inputAnchor(inputs: ItemInputs): Uint8Array | undefined {
  if (inputs.anchor_utf8 !== undefined) return new Uint8Array(Buffer.from(inputs.anchor_utf8, "utf8"));
  if (inputs.anchor_hex !== undefined) return fromHex(inputs.anchor_hex);
  return undefined;
}

/** The builder fields an ed25519 valid item was made from (its `inputs`). */
export function fieldsFromInputs(inputs: ItemInputs, vectors: Ans104Vectors): DataItemFields {
  return {
    ...(inputs.target ? { target: new Uint8Array(Buffer.from(inputs.target, "base64url")) } : {}),
    ...(inputAnchor(inputs) === undefined ? {} : { anchor: inputAnchor(inputs) }),
    tags: inputTags(inputs, vectors).map(vectorTagBytes),
    data: bytesFromSpec(inputs.data, vectors.prng_prefix),
  };
}

/** Rebuilds an ed25519 valid item from its inputs (ed25519 signing is deterministic). */
export function rebuildEd25519Item(vector: ValidItemVector, vectors: Ans104Vectors): DataItem {
  const inputs = vector.inputs;
  const keyIndex = /^ed25519\[(\d+)\]$/.exec(inputs?.key ?? "");
  assert.ok(inputs && keyIndex, `${vector.name} is not an ed25519 item with inputs`);
  const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(ed25519VectorSeed(vectors, Number(keyIndex[1]))));
  return createSignedDataItem(fieldsFromInputs(inputs, vectors), signer);
}
