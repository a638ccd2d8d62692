// One error class per failure, each with a stable `code` (never match on message text).

export type NativeErrorCode =
  | "ERR_ARKUBE_BAD_LENGTH"
  | "ERR_ARKUBE_BAD_ARGUMENT"
  | "ERR_ARKUBE_BAD_CONFIG"
  | "ERR_ARKUBE_NO_CPU_FEATURE"
  | "ERR_ARKUBE_UNSUPPORTED_PLATFORM"
  | "ERR_ARKUBE_BAD_PADDING"
  | "ERR_ARKUBE_NATIVE_FAILURE";

export class NativeError extends Error {
  readonly code: NativeErrorCode;
  constructor(code: NativeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A buffer argument has the wrong size (e.g. a 31-byte hash, a chunk over 256 KiB). */
export class BadLengthError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_BAD_LENGTH", message, options);
  }
}

/** A non-buffer argument is out of range (e.g. iterations < 2, a negative partition number). */
export class BadArgumentError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_BAD_ARGUMENT", message, options);
  }
}

/** An unknown or inconsistent configuration (e.g. a RandomX config name that does not exist). */
export class BadConfigError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_BAD_CONFIG", message, options);
  }
}

/** A CPU feature was required explicitly (e.g. `sha: "ni"`) but the CPU lacks it. */
export class NoCpuFeatureError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_NO_CPU_FEATURE", message, options);
  }
}

/** The addon cannot run here (wrong OS/arch/endianness, or it was not built). */
export class UnsupportedPlatformError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_UNSUPPORTED_PLATFORM", message, options);
  }
}

/** An unpacked chunk's padding (bytes past its size) is not all zero: wrong key or corrupt data. */
export class BadPaddingError extends NativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_ARKUBE_BAD_PADDING", message, options);
  }
}

const codeToClass: Record<string, new (message: string, options?: { cause?: unknown }) => NativeError> = {
  ERR_ARKUBE_BAD_LENGTH: BadLengthError,
  ERR_ARKUBE_BAD_ARGUMENT: BadArgumentError,
  ERR_ARKUBE_BAD_CONFIG: BadConfigError,
  ERR_ARKUBE_NO_CPU_FEATURE: NoCpuFeatureError,
};

/**
 * The C++ binding throws plain Errors whose `code` property is one of the codes above; this turns
 * them into the typed classes. Anything else is wrapped as ERR_ARKUBE_NATIVE_FAILURE.
 */
export function toNativeError(err: unknown): NativeError {
  if (err instanceof NativeError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const ErrorClass = typeof code === "string" ? codeToClass[code] : undefined;
  if (ErrorClass) return new ErrorClass(message, { cause: err });
  return new NativeError("ERR_ARKUBE_NATIVE_FAILURE", message, { cause: err });
}

/** Calls a native function, converting its thrown errors into typed NativeErrors. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toNativeError(err);
  }
}

/** Awaits a native promise, converting its rejection into a typed NativeError. */
export async function awaitNative<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw toNativeError(err);
  }
}
