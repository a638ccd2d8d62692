// Public surface of protocol/ao: ANS-104 data items (parse, verify, sign), the Avro tag codec, the
// deep hash, ao tags and the scheduler Hash-Chain. Everything else in this folder is internal.
export * from "./errors.ts";
export { decodeId, fromBase64Url, idBytes, toBase64Url } from "./bytes.ts";
export {
  ans104TagLimits,
  avroLongBytesMax,
  decodeAvroLong,
  decodeAvroTags,
  encodeAvroLong,
  encodeAvroTags,
  type DecodedLong,
  type Tag,
  type TagInput,
  type TagLimits,
} from "./avro-tags.ts";
export { deepHash, deepHashBytes, type DeepHashInput } from "./deep-hash.ts";
export {
  anchorBytes,
  dataItemBytesMaxDefault,
  dataItemId,
  dataItemSignatureMessage,
  isSignatureType,
  ownerAddress,
  parseDataItem,
  presenceFieldBytes,
  serializeDataItem,
  signatureLayouts,
  signatureTypeArweave,
  signatureTypeEd25519,
  signatureTypeFieldBytes,
  tagBytesLengthFieldBytes,
  tagCountFieldBytes,
  targetBytes,
  type DataItem,
  type DataItemOffsets,
  type ParseOptions,
  type SerializableItem,
  type SignatureType,
  type SignatureTypeLayout,
  type SignedFields,
} from "./data-item.ts";
export { arweavePublicExponent, recoverPssSaltLength } from "./rsa-pss.ts";
export {
  assertDataItemSignature,
  checkDataItemSignature,
  parseVerifiedDataItem,
  verifyDataItem,
  type SignatureCheck,
} from "./verify.ts";
export {
  createSignedDataItem,
  ed25519PrivateKeyFromSeed,
  ed25519SeedBytes,
  pssSaltLengthBytesMax,
  rsaModulusBits,
  signerFromJwk,
  signerFromPrivateKey,
  type DataItemFields,
  type DataItemSigner,
  type RsaSignerOptions,
} from "./signing.ts";
export * from "./tags.ts";
export * from "./hash-chain.ts";
