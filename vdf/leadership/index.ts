// Public surface of vdf/leadership.
export * from "./types.ts";
export { Elector, decide, type ElectorOptions, type Decision, type Observation } from "./elector.ts";
export { NatsKvLeaseStore } from "./nats-kv.ts";
export { KubeLeaseStore, stepAnnotation, stepTimeAnnotation } from "./kube-lease.ts";
