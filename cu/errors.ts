// One error class per failure, each with a stable `code` (callers branch on `code`, never on text).
// `httpStatus` is how the HTTP shells report the failure; it lives here so every route maps the same
// failure to the same status.

export type CuErrorCode =
  | "ERR_CU_CONFIG"
  | "ERR_CU_BAD_REQUEST"
  | "ERR_CU_BAD_ITEM"
  | "ERR_CU_BAD_SIGNATURE"
  | "ERR_CU_ITEM_TOO_LARGE"
  | "ERR_CU_UNKNOWN_PROCESS"
  | "ERR_CU_UNKNOWN_MESSAGE"
  | "ERR_CU_UNKNOWN_MODULE"
  | "ERR_CU_UNSUPPORTED_MODULE"
  | "ERR_CU_BAD_CRON"
  | "ERR_CU_NOT_FOUND"
  | "ERR_CU_WORKER_CRASHED"
  | "ERR_CU_MODULE_LOAD"
  | "ERR_CU_NONCE_CONFLICT"
  | "ERR_CU_CORRUPT_LOG"
  | "ERR_CU_TIMEOUT"
  | "ERR_CU_CLOSED"
  | "ERR_CU_OWNER_UNREACHABLE"
  | "ERR_CU_BAD_FRAME";

const cuErrorCodes: ReadonlySet<string> = new Set<CuErrorCode>([
  "ERR_CU_CONFIG", "ERR_CU_BAD_REQUEST", "ERR_CU_BAD_ITEM", "ERR_CU_BAD_SIGNATURE", "ERR_CU_ITEM_TOO_LARGE",
  "ERR_CU_UNKNOWN_PROCESS", "ERR_CU_UNKNOWN_MESSAGE", "ERR_CU_UNKNOWN_MODULE", "ERR_CU_UNSUPPORTED_MODULE",
  "ERR_CU_BAD_CRON", "ERR_CU_NOT_FOUND", "ERR_CU_WORKER_CRASHED", "ERR_CU_MODULE_LOAD", "ERR_CU_NONCE_CONFLICT", "ERR_CU_CORRUPT_LOG",
  "ERR_CU_TIMEOUT", "ERR_CU_CLOSED", "ERR_CU_OWNER_UNREACHABLE", "ERR_CU_BAD_FRAME",
]);

export function isCuErrorCode(value: unknown): value is CuErrorCode {
  return typeof value === "string" && cuErrorCodes.has(value);
}

export class CuError extends Error {
  readonly code: CuErrorCode;
  readonly httpStatus: number;
  constructor(code: CuErrorCode, httpStatus: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.httpStatus = httpStatus;
    this.name = new.target.name;
  }
}

export class ConfigError extends CuError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CU_CONFIG", 500, message, options);
  }
}

/** A query parameter or body that is not what the route expects. */
export class BadRequestError extends CuError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CU_BAD_REQUEST", 400, message, options);
  }
}

/** The body is not a well-formed ANS-104 ao data item (the protocol error is the cause). */
export class BadItemError extends CuError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CU_BAD_ITEM", 400, message, options);
  }
}

export class BadSignatureError extends CuError {
  constructor(itemId: string) {
    super("ERR_CU_BAD_SIGNATURE", 400, `data item ${itemId} has an invalid signature`);
  }
}

export class ItemTooLargeError extends CuError {
  constructor(bytes: number, bytesMax: number) {
    super("ERR_CU_ITEM_TOO_LARGE", 413, `data item of ${bytes} bytes exceeds ${bytesMax}`);
  }
}

export class UnknownProcessError extends CuError {
  constructor(readonly processId: string) {
    super("ERR_CU_UNKNOWN_PROCESS", 404, `unknown process ${processId}`);
  }
}

export class UnknownMessageError extends CuError {
  constructor(readonly messageId: string) {
    super("ERR_CU_UNKNOWN_MESSAGE", 404, `no message ${messageId} is scheduled for that process`);
  }
}

export class UnknownModuleError extends CuError {
  constructor(readonly moduleId: string) {
    super("ERR_CU_UNKNOWN_MODULE", 400, `module ${moduleId} is not available to this cluster`);
  }
}

export class UnsupportedModuleError extends CuError {
  constructor(message: string) {
    super("ERR_CU_UNSUPPORTED_MODULE", 400, message);
  }
}

/** A process's Cron-Interval / Cron-Tag-* tags do not parse (the reference CU refuses to evaluate it too). */
export class BadCronError extends CuError {
  constructor(message: string) {
    super("ERR_CU_BAD_CRON", 400, message);
  }
}

export class NotFoundError extends CuError {
  constructor(what: string) {
    super("ERR_CU_NOT_FOUND", 404, `${what} not found`);
  }
}

/** The evaluator worker exited or failed outside a message (the message itself gets an Error result). */
export class WorkerCrashedError extends CuError {
  constructor(processId: string, detail: string, options?: ErrorOptions) {
    super("ERR_CU_WORKER_CRASHED", 500, `evaluator worker of ${processId} crashed: ${detail}`, options);
  }
}

export class ModuleLoadError extends CuError {
  constructor(detail: string, options?: ErrorOptions) {
    super("ERR_CU_MODULE_LOAD", 500, `cannot load module: ${detail}`, options);
  }
}

/** Another writer assigned the nonce first and the bounded retries ran out. */
export class NonceConflictError extends CuError {
  constructor(processId: string, attempts: number) {
    super("ERR_CU_NONCE_CONFLICT", 503, `gave up assigning to ${processId} after ${attempts} conflicting attempts`);
  }
}

/** The assignment log holds something this code did not write: crash rather than limp on. */
export class CorruptLogError extends CuError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_CU_CORRUPT_LOG", 500, message, options);
  }
}

export class TimeoutError extends CuError {
  constructor(what: string, timeoutMs: number) {
    super("ERR_CU_TIMEOUT", 504, `${what} did not finish within ${timeoutMs} ms`);
  }
}

export class ClosedError extends CuError {
  constructor(what: string) {
    super("ERR_CU_CLOSED", 503, `${what} is closed`);
  }
}

/** The owning pod could not be reached over gRPC (down, restarting, or not yet listening). */
export class OwnerUnreachableError extends CuError {
  constructor(memberId: string, detail: string, options?: ErrorOptions) {
    super("ERR_CU_OWNER_UNREACHABLE", 503, `owner ${memberId} unreachable: ${detail}`, options);
  }
}

/** The owner answered a forwarded request with its own failure: same code and status as if local. */
export class ForwardedError extends CuError {
  constructor(code: CuErrorCode, httpStatus: number, message: string, readonly memberId: string) {
    super(code, httpStatus, message);
  }
}

/** A gRPC frame between pods that does not decode (a version mismatch or corruption). */
export class BadFrameError extends CuError {
  constructor(detail: string, options?: ErrorOptions) {
    super("ERR_CU_BAD_FRAME", 500, `bad gRPC frame: ${detail}`, options);
  }
}
