// One error class per failure kind, each with a stable `code`; callers switch on `code` (or
// instanceof), never on message text.
export type OperatorErrorCode =
  | "ERR_KUBE_API"
  | "ERR_KUBE_CONFLICT"
  | "ERR_KUBE_WATCH_EXPIRED"
  | "ERR_INVENTORY_FORMAT"
  | "ERR_RING_EMPTY"
  | "ERR_PLACEMENT_INPUT"
  | "ERR_QUEUE_CLOSED"
  | "ERR_FLAG"
  | "ERR_DEFAULT_HASHCHAIN";

type ErrorOptions = { cause?: unknown };

export class OperatorError extends Error {
  readonly code: OperatorErrorCode;
  constructor(code: OperatorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The API server answered with an unexpected HTTP status. */
export class KubeApiError extends OperatorError {
  readonly status: number;
  readonly reason: string | undefined;
  constructor(status: number, reason: string | undefined, message: string, options?: ErrorOptions) {
    super("ERR_KUBE_API", message, options);
    this.status = status;
    this.reason = reason;
  }
}

/** 409 on an optimistic-concurrency write (stale resourceVersion): re-read and retry. */
export class KubeConflictError extends OperatorError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_KUBE_CONFLICT", message, options);
  }
}

/** A watch's resourceVersion is too old (410 Gone): the caller must list again. */
export class WatchExpiredError extends OperatorError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_KUBE_WATCH_EXPIRED", message, options);
  }
}

/** A node agent's inventory ConfigMap does not follow the documented format. */
export class InventoryFormatError extends OperatorError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_INVENTORY_FORMAT", message, options);
  }
}

/** A consistent-hash lookup on a ring with no members. */
export class RingEmptyError extends OperatorError {
  constructor(message: string) {
    super("ERR_RING_EMPTY", message);
  }
}

/** The placement function was called with inconsistent input (a caller bug). */
export class PlacementInputError extends OperatorError {
  constructor(message: string) {
    super("ERR_PLACEMENT_INPUT", message);
  }
}

/** add() on a work queue after shutdown(). */
export class QueueClosedError extends OperatorError {
  constructor(message: string) {
    super("ERR_QUEUE_CLOSED", message);
  }
}

/** A bad command-line flag. */
export class FlagError extends OperatorError {
  constructor(message: string) {
    super("ERR_FLAG", message);
  }
}

/** The --default-hashchain file is not a HashChain manifest for the operator's namespace. */
export class DefaultHashChainError extends OperatorError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_DEFAULT_HASHCHAIN", message, options);
  }
}

/** The object is gone (404): a reconcile that was finishing it has nothing left to do. */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

/** Runs a write whose target may have vanished meanwhile; a 404 resolves to false. */
export async function unlessGone(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
