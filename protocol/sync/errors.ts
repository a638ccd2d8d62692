// One error class per failure kind, each with a stable `code`; callers switch on `code` (or
// instanceof), never on message text.
import type { PathRejectReason } from "./validate-path.ts";

export type SyncErrorCode =
  | "ERR_SYNC_BAD_ARGUMENT"
  | "ERR_SYNC_PATH_TOO_LONG"
  | "ERR_SYNC_BAD_PROOF"
  | "ERR_SYNC_CHUNK_HASH_MISMATCH"
  | "ERR_SYNC_CHUNK_SIZE_MISMATCH"
  | "ERR_SYNC_OFFSET_OUTSIDE_BLOCK"
  | "ERR_SYNC_OFFSET_OUTSIDE_PROOF"
  | "ERR_SYNC_REDUNDANT_REBASE_MARKER"
  | "ERR_SYNC_NON_POSITIVE_LEAF_SIZE"
  | "ERR_SYNC_BAD_B64URL"
  | "ERR_SYNC_BAD_LENGTH"
  | "ERR_SYNC_PAYLOAD_TOO_LARGE"
  | "ERR_SYNC_MALFORMED_PAYLOAD"
  | "ERR_SYNC_BAD_INTEGER"
  | "ERR_SYNC_UNKNOWN_PACKING"
  | "ERR_SYNC_BAD_INTERVALS";

type ErrorOptions = { cause?: unknown };

export class SyncError extends Error {
  readonly code: SyncErrorCode;
  constructor(code: SyncErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A caller passed a value outside the domain (negative offset, right bound <= 0, inconsistent chunk ends). */
export class BadArgumentError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_ARGUMENT", message, options);
  }
}

export type ProofKind = "tx_path" | "data_path";

/** A tx_path or data_path is longer than MAX_PATH_SIZE_BYTES. */
export class PathTooLongError extends SyncError {
  readonly proof: ProofKind;
  readonly pathBytes: number;
  constructor(proof: ProofKind, pathBytes: number, options?: ErrorOptions) {
    super("ERR_SYNC_PATH_TOO_LONG", `${proof} is ${pathBytes} bytes, over the limit`, options);
    this.proof = proof;
    this.pathBytes = pathBytes;
  }
}

/** A Merkle path does not prove anything under the ruleset (malformed, hash mismatch, borders, split). */
export class BadProofError extends SyncError {
  readonly proof: ProofKind;
  readonly reason: PathRejectReason;
  constructor(proof: ProofKind, reason: PathRejectReason, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_PROOF", `${proof} rejected: ${reason}`, options);
    this.proof = proof;
    this.reason = reason;
  }
}

/** SHA-256 of the (unpacked) chunk differs from the chunk id the data_path proves. */
export class ChunkHashMismatchError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_CHUNK_HASH_MISMATCH", message, options);
  }
}

/** The chunk's byte length differs from end - start proven by the data_path. */
export class ChunkSizeMismatchError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_CHUNK_SIZE_MISMATCH", message, options);
  }
}

/** The requested offset does not fall inside the block the proof is checked against. */
export class OffsetOutsideBlockError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_OFFSET_OUTSIDE_BLOCK", message, options);
  }
}

/** A path validated, but its returned [start, end) does not contain the destination (clamping trap). */
export class OffsetOutsideProofError extends SyncError {
  readonly proof: ProofKind;
  constructor(proof: ProofKind, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_OFFSET_OUTSIDE_PROOF", message, options);
    this.proof = proof;
  }
}

/** HEAD rule: a rebase marker that shifts nothing (it could only forge "last chunk" status). */
export class RedundantRebaseMarkerError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_REDUNDANT_REBASE_MARKER", message, options);
  }
}

/** HEAD rule: the leaf's end offset is not beyond its left bound. */
export class NonPositiveLeafSizeError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_NON_POSITIVE_LEAF_SIZE", message, options);
  }
}

/** A field is not canonical unpadded RFC 4648 base64url. */
export class BadBase64UrlError extends SyncError {
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_B64URL", `${field}: ${message}`, options);
    this.field = field;
  }
}

/** A decoded field has the wrong byte length (e.g. a 31-byte tx_root). */
export class BadLengthError extends SyncError {
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_LENGTH", `${field}: ${message}`, options);
    this.field = field;
  }
}

/** A payload or field exceeds its named bound. */
export class PayloadTooLargeError extends SyncError {
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_PAYLOAD_TOO_LARGE", `${field}: ${message}`, options);
    this.field = field;
  }
}

/** Not JSON, a missing field, a field of the wrong type, truncated or trailing binary. */
export class MalformedPayloadError extends SyncError {
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_MALFORMED_PAYLOAD", `${field}: ${message}`, options);
    this.field = field;
  }
}

/** A decimal integer field is not canonical, negative, or over u256. */
export class BadIntegerError extends SyncError {
  readonly field: string;
  constructor(field: string, message: string, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_INTEGER", `${field}: ${message}`, options);
    this.field = field;
  }
}

/** The packing string is none of the known forms. */
export class UnknownPackingError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_UNKNOWN_PACKING", message, options);
  }
}

/** A sync record's intervals are empty, overlapping, or out of order. */
export class BadIntervalsError extends SyncError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_SYNC_BAD_INTERVALS", message, options);
  }
}
