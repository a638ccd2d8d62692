// API paths for the resources the operator touches. A ResourceRef is all a path needs.
import { aoProcessResource, hashChainResource, partitionResource, replicaResource } from "../../protocol/crds/index.ts";

export interface ResourceRef {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const resources = {
  replica: replicaResource,
  partition: partitionResource,
  hashChain: hashChainResource,
  aoProcess: aoProcessResource,
  node: { group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false },
  pod: { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true },
  configMap: { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  deployment: { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  lease: { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true },
} as const satisfies Record<string, ResourceRef>;

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group === "" ? ref.version : `${ref.group}/${ref.version}`;
}

/** Collection path (namespace undefined: all namespaces, or a cluster-scoped resource). */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group === "" ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${ref.plural}`;
}

export function objectPath(ref: ResourceRef, name: string, namespace?: string): string {
  return `${collectionPath(ref, namespace)}/${encodeURIComponent(name)}`;
}
