// Public surface of `arkube status` (the health of a real cluster's arkube objects).
export { parseStatusArgs, parseDurationMs, requestTimeoutMsDefault, statusUsage, type OutputFormat, type StatusOptions } from "./args.ts";
export type { ArkubeKind, ConditionSummary, Problem, Severity } from "./conditions.ts";
export {
  ApiRequestError, ClusterStatusError, ClusterUnreachableError, CrdsMissingError, KubeconfigError, UsageError,
  type ClusterStatusErrorCode,
} from "./errors.ts";
export { formatJson, formatTable, statusDocument, verdict, type StatusDocument, type StatusTarget } from "./format.ts";
export {
  partitionPhases, summarize,
  type AOProcessesHealth, type ClusterHealth, type ClusterObjects, type HashChainHealth, type PartitionPhase,
  type PartitionRow, type PartitionsHealth, type PhaseSummary, type ReplicaHealth,
} from "./health.ts";
export { loadKubeTarget, processEnvironment, type KubeconfigEnvironment, type KubeTarget } from "./kubeconfig.ts";
export { listClusterObjects, listPageItemsMax } from "./list.ts";
export { processIo, statusExitCodes, statusMain, type StatusIo } from "./main.ts";
