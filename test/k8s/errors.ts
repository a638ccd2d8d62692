// One error class for the control-plane harness; callers branch on `code`, never on message text.

export type ControlPlaneErrorCode =
  | "BUILD_FAILED" // test/k8s/build-control-plane.sh exited non-zero
  | "OPENSSL_FAILED" // certificate generation with the openssl CLI failed
  | "PORT_UNAVAILABLE" // no free loopback port could be reserved
  | "SPAWN_FAILED" // a component binary could not be started
  | "PROCESS_EXITED" // a component exited while we were waiting for it
  | "TIMEOUT" // a named wait ran past its bound
  | "HTTP_FAILED"; // a request to a component failed at the transport level

export class ControlPlaneError extends Error {
  readonly code: ControlPlaneErrorCode;

  constructor(code: ControlPlaneErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = "ControlPlaneError";
    this.code = code;
  }
}
