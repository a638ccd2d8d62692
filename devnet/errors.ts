// One Error class per devnet failure, each with a stable `code`: callers and tests branch on the
// code, never on message text.
export type DevnetErrorCode =
  | "ERR_DEVNET_CONFIG"
  | "ERR_DEVNET_LOCKED"
  | "ERR_DEVNET_NOT_RUNNING"
  | "ERR_DEVNET_NOT_READY"
  | "ERR_DEVNET_COMPONENT_EXITED"
  | "ERR_DEVNET_SPAWN"
  | "ERR_DEVNET_PROCESSES_LEFT"
  | "ERR_DEVNET_AO";

abstract class DevnetError extends Error {
  abstract readonly code: DevnetErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** devnet.yaml is unreadable or invalid; the message names the key. */
export class DevnetConfigError extends DevnetError {
  readonly code = "ERR_DEVNET_CONFIG";
}

/** Another devnet holds the lock file of this data directory. */
export class DevnetLockedError extends DevnetError {
  readonly code = "ERR_DEVNET_LOCKED";
}

/** `down` / `status` found no running devnet for this data directory. */
export class DevnetNotRunningError extends DevnetError {
  readonly code = "ERR_DEVNET_NOT_RUNNING";
}

/** A component did not become ready within its bound. */
export class ComponentNotReadyError extends DevnetError {
  readonly code = "ERR_DEVNET_NOT_READY";
}

/** A component exited while the devnet was starting (after start it is only shown as down). */
export class ComponentExitedError extends DevnetError {
  readonly code = "ERR_DEVNET_COMPONENT_EXITED";
}

/** A process could not be spawned (missing binary). */
export class SpawnError extends DevnetError {
  readonly code = "ERR_DEVNET_SPAWN";
}

/** A process group still existed after SIGKILL and the wait bound; `names` are its components. */
export class ProcessesLeftError extends DevnetError {
  readonly code = "ERR_DEVNET_PROCESSES_LEFT";
  constructor(readonly names: readonly string[]) {
    super(`still running after SIGKILL: ${names.join(", ")}`);
  }
}

/** The compute cluster refused or failed an ao request (spawn, message, result). */
export class AoRequestError extends DevnetError {
  readonly code = "ERR_DEVNET_AO";
  constructor(message: string, readonly httpStatus: number, options?: ErrorOptions) {
    super(message, options);
  }
}
