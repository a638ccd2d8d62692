// One error class per failure, each with a stable `code`. Callers branch on `code` (or instanceof),
// never on message text: the messages are for humans and may change. `ErrorOptions` is the
// standard `{ cause }` bag from lib.es2022.

export type AoProtocolErrorCode =
  | "ERR_ANS104_ITEM_TOO_LARGE"
  | "ERR_ANS104_TRUNCATED"
  | "ERR_ANS104_BAD_SIGNATURE_TYPE"
  | "ERR_ANS104_BAD_PRESENCE_BYTE"
  | "ERR_ANS104_TAG_COUNT_MISMATCH"
  | "ERR_ANS104_AVRO_TRUNCATED"
  | "ERR_ANS104_AVRO_BAD_VARINT"
  | "ERR_ANS104_AVRO_LONG_OUT_OF_RANGE"
  | "ERR_ANS104_AVRO_NEGATIVE_LENGTH"
  | "ERR_ANS104_AVRO_BLOCK_SIZE_MISMATCH"
  | "ERR_ANS104_AVRO_TRAILING_BYTES"
  | "ERR_ANS104_TOO_MANY_TAGS"
  | "ERR_ANS104_TAG_NAME_TOO_LONG"
  | "ERR_ANS104_TAG_VALUE_TOO_LONG"
  | "ERR_ANS104_EMPTY_TAG_NAME"
  | "ERR_ANS104_BAD_SIGNATURE"
  | "ERR_ANS104_BAD_FIELD_LENGTH"
  | "ERR_ANS104_UNSUPPORTED_KEY"
  | "ERR_AO_BAD_BASE64URL"
  | "ERR_AO_BAD_ID"
  | "ERR_AO_MISSING_TAG"
  | "ERR_AO_BAD_TAG_VALUE"
  | "ERR_AO_HASH_CHAIN_MISMATCH";

/** Base class of every error thrown by protocol/ao. */
export class AoProtocolError extends Error {
  readonly code: AoProtocolErrorCode;
  constructor(code: AoProtocolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The item is longer than the configured bound (checked before any parsing work). */
export class ItemTooLargeError extends AoProtocolError {
  constructor(
    readonly itemBytes: number,
    readonly itemBytesMax: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_ITEM_TOO_LARGE", `data item is ${itemBytes} bytes (max ${itemBytesMax})`, options);
  }
}

/** The item ends inside a fixed field, or a length field points past its end. */
export class TruncatedItemError extends AoProtocolError {
  constructor(
    readonly field: string,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_TRUNCATED", `data item truncated in ${field}`, options);
  }
}

/** The signature type is not one this project supports (1 = Arweave RSA-PSS, 2 = ed25519). */
export class BadSignatureTypeError extends AoProtocolError {
  constructor(
    readonly signatureType: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_BAD_SIGNATURE_TYPE", `unsupported signature type ${signatureType}`, options);
  }
}

/** A target/anchor presence byte is neither 0 nor 1 (presence bytes are not signed). */
export class BadPresenceByteError extends AoProtocolError {
  constructor(
    readonly field: "target" | "anchor",
    readonly value: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_BAD_PRESENCE_BYTE", `${field} presence byte is ${value} (must be 0 or 1)`, options);
  }
}

/** The tag count field disagrees with the number of Avro-decoded tags (the count is not signed). */
export class TagCountMismatchError extends AoProtocolError {
  constructor(
    readonly declaredCount: bigint,
    readonly decodedCount: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_TAG_COUNT_MISMATCH", `tag count field ${declaredCount} != ${decodedCount} decoded tags`, options);
  }
}

/** The Avro tag bytes end inside a varint or a string (includes a missing array terminator). */
export class AvroTruncatedError extends AoProtocolError {
  constructor(
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_AVRO_TRUNCATED", `avro tag bytes end early (at offset ${offset})`, options);
  }
}

/** An Avro varint is longer than 10 bytes or does not fit in 64 bits. */
export class AvroBadVarintError extends AoProtocolError {
  constructor(
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_AVRO_BAD_VARINT", `avro varint at offset ${offset} overflows 64 bits`, options);
  }
}

/** A value given to the Avro long encoder is outside the signed 64-bit range. */
export class AvroLongOutOfRangeError extends AoProtocolError {
  constructor(
    readonly value: bigint,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_AVRO_LONG_OUT_OF_RANGE", `${value} is not a signed 64-bit integer`, options);
  }
}

/** An Avro string length or block byte size is negative. */
export class AvroNegativeLengthError extends AoProtocolError {
  constructor(
    readonly length: bigint,
    readonly offset: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_AVRO_NEGATIVE_LENGTH", `avro length ${length} at offset ${offset} is negative`, options);
  }
}

/** A negative-count Avro block declares a byte size that its items do not have. */
export class AvroBlockSizeMismatchError extends AoProtocolError {
  constructor(
    readonly declaredBytes: bigint,
    readonly actualBytes: number,
    options?: ErrorOptions,
  ) {
    const message = `avro block declares ${declaredBytes} bytes, its items use ${actualBytes}`;
    super("ERR_ANS104_AVRO_BLOCK_SIZE_MISMATCH", message, options);
  }
}

/** Bytes remain after the Avro array terminator, inside the declared tag byte length. */
export class AvroTrailingBytesError extends AoProtocolError {
  constructor(
    readonly trailingBytes: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_AVRO_TRAILING_BYTES", `${trailingBytes} byte(s) after the avro array terminator`, options);
  }
}

/** More tags than ANS-104 allows (128). */
export class TooManyTagsError extends AoProtocolError {
  constructor(
    readonly tagCount: bigint,
    readonly tagCountMax: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_TOO_MANY_TAGS", `too many tags: ${tagCount} > ${tagCountMax}`, options);
  }
}

/** A tag name longer than ANS-104 allows (1024 bytes). */
export class TagNameTooLongError extends AoProtocolError {
  constructor(
    readonly nameBytes: bigint,
    readonly nameBytesMax: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_TAG_NAME_TOO_LONG", `tag name too long: ${nameBytes} > ${nameBytesMax} bytes`, options);
  }
}

/** A tag value longer than ANS-104 allows (3072 bytes). */
export class TagValueTooLongError extends AoProtocolError {
  constructor(
    readonly valueBytes: bigint,
    readonly valueBytesMax: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_TAG_VALUE_TOO_LONG", `tag value too long: ${valueBytes} > ${valueBytesMax} bytes`, options);
  }
}

/** A tag with an empty name (ANS-104 2.1 requires non-empty names). */
export class EmptyTagNameError extends AoProtocolError {
  constructor(
    readonly tagIndex: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_EMPTY_TAG_NAME", `tag ${tagIndex} has an empty name`, options);
  }
}

/** The signature does not verify against the owner and the signed fields. */
export class BadSignatureError extends AoProtocolError {
  constructor(
    readonly itemId: string,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_BAD_SIGNATURE", `signature of data item ${itemId} does not verify`, options);
  }
}

/** A field given to the item builder has the wrong size (target/anchor not 32 bytes, owner size). */
export class BadFieldLengthError extends AoProtocolError {
  constructor(
    readonly field: string,
    readonly actualBytes: number,
    readonly expectedBytes: number,
    options?: ErrorOptions,
  ) {
    super("ERR_ANS104_BAD_FIELD_LENGTH", `${field} is ${actualBytes} bytes (expected ${expectedBytes})`, options);
  }
}

/** A signing key that cannot make a type 1 or type 2 signature (wrong algorithm, not RSA-4096/65537). */
export class UnsupportedKeyError extends AoProtocolError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_ANS104_UNSUPPORTED_KEY", message, options);
  }
}

/** A string that is not canonical unpadded RFC 4648 base64url. */
export class BadBase64UrlError extends AoProtocolError {
  constructor(
    readonly field: string,
    options?: ErrorOptions,
  ) {
    super("ERR_AO_BAD_BASE64URL", `${field} is not canonical unpadded base64url`, options);
  }
}

/** An id (item id, process id, Hash-Chain) that does not decode to exactly 32 bytes. */
export class BadIdError extends AoProtocolError {
  constructor(
    readonly field: string,
    readonly decodedBytes: number,
    options?: ErrorOptions,
  ) {
    super("ERR_AO_BAD_ID", `${field} decodes to ${decodedBytes} bytes (expected 32)`, options);
  }
}

/** A tag that the ao protocol requires is absent. */
export class MissingTagError extends AoProtocolError {
  constructor(
    readonly tagName: string,
    options?: ErrorOptions,
  ) {
    super("ERR_AO_MISSING_TAG", `missing tag ${tagName}`, options);
  }
}

/** An ao tag value that is not valid UTF-8 or not in the format the protocol requires. */
export class BadTagValueError extends AoProtocolError {
  constructor(
    readonly tagName: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super("ERR_AO_BAD_TAG_VALUE", `tag ${tagName}: ${reason}`, options);
  }
}

/** A Hash-Chain tag that does not follow from the previous assignment (the CU answers 422). */
export class HashChainMismatchError extends AoProtocolError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    options?: ErrorOptions,
  ) {
    super("ERR_AO_HASH_CHAIN_MISMATCH", `Hash-Chain ${actual} does not match expected ${expected}`, options);
  }
}
