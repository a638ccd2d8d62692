// One error class per failure of the VDF wire protocol, each with a stable `code`. Consumers branch
// on `code` (or instanceof), never on message text.

export type VdfProtocolErrorCode =
  | "ERR_VDF_BAD_CHAIN_NAME"
  | "ERR_VDF_PAYLOAD_TOO_LARGE"
  | "ERR_VDF_BAD_JSON"
  | "ERR_VDF_UNSUPPORTED_VERSION"
  | "ERR_VDF_BAD_FIELD"
  | "ERR_VDF_INCONSISTENT";

/** Base class of every error thrown by protocol/vdf. */
export class VdfProtocolError extends Error {
  readonly code: VdfProtocolErrorCode;
  constructor(code: VdfProtocolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A chain name that cannot be used in a NATS subject, stream or KV key. */
export class BadChainNameError extends VdfProtocolError {
  constructor(message: string) {
    super("ERR_VDF_BAD_CHAIN_NAME", message);
  }
}

/** The payload exceeds the bound; checked before any parsing work. */
export class PayloadTooLargeError extends VdfProtocolError {
  constructor(message: string) {
    super("ERR_VDF_PAYLOAD_TOO_LARGE", message);
  }
}

/** The payload is not UTF-8 JSON of an object. */
export class BadJsonError extends VdfProtocolError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_VDF_BAD_JSON", message, options);
  }
}

/** The payload's `v` is not a version this code understands. */
export class UnsupportedVersionError extends VdfProtocolError {
  constructor(message: string) {
    super("ERR_VDF_UNSUPPORTED_VERSION", message);
  }
}

/** A field is missing, unknown, of the wrong type or out of range. */
export class BadFieldError extends VdfProtocolError {
  constructor(message: string) {
    super("ERR_VDF_BAD_FIELD", message);
  }
}

/** Fields are individually valid but contradict each other (output vs checkpoints, interval vs step). */
export class InconsistentStepError extends VdfProtocolError {
  constructor(message: string) {
    super("ERR_VDF_INCONSISTENT", message);
  }
}
