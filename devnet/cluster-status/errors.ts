// One Error class per way `arkube status` can fail to read a cluster, each with a stable `code`: the CLI
// maps codes to exit statuses and tests branch on them, never on message text. The messages are written
// to be printed as they are, on one line, to someone who just typed the command.
export type ClusterStatusErrorCode =
  | "ERR_STATUS_USAGE"
  | "ERR_STATUS_KUBECONFIG"
  | "ERR_STATUS_UNREACHABLE"
  | "ERR_STATUS_CRDS_MISSING"
  | "ERR_STATUS_API";

export abstract class ClusterStatusError extends Error {
  abstract readonly code: ClusterStatusErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command line (unknown flag, missing value, bad --output). */
export class UsageError extends ClusterStatusError {
  readonly code = "ERR_STATUS_USAGE";
}

/** No kubeconfig, an unreadable or invalid one, or a context / cluster it does not define. */
export class KubeconfigError extends ClusterStatusError {
  readonly code = "ERR_STATUS_KUBECONFIG";
}

/** The API server did not answer: connection refused, DNS, TLS handshake, or the request timeout. */
export class ClusterUnreachableError extends ClusterStatusError {
  readonly code = "ERR_STATUS_UNREACHABLE";
  constructor(readonly server: string, detail: string, options?: ErrorOptions) {
    super(`cannot reach the cluster at ${server}: ${detail}`, options);
  }
}

/** The API server does not serve some arkube.dev kinds: the CRDs are not installed. */
export class CrdsMissingError extends ClusterStatusError {
  readonly code = "ERR_STATUS_CRDS_MISSING";
  constructor(readonly missing: readonly string[]) {
    super(`CRDs not installed (${missing.join(", ")} not served): run \`helm install arkube charts/arkube -n arkube --create-namespace\` ` +
      "or `kubectl apply -f crds/`");
  }
}

/** The API server answered with an error other than a missing kind (401, 403, 5xx...). */
export class ApiRequestError extends ClusterStatusError {
  readonly code = "ERR_STATUS_API";
  constructor(readonly httpStatus: number, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
