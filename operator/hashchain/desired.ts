// Pure: the children a HashChain needs: the ConfigMap <name>-vdf holding the vdf config file and the
// two-pod vdf Deployment <name>-vdf that mounts it. Both are owned by the HashChain (garbage-collected
// with it) and server-side applied by the controller.
//
// Contract with the vdf component (operator/README.md, "vdf Lease"): the pods run `vdf/main.ts --config`
// on the rendered file, elect their leader on the Lease <name>-vdf (holderIdentity = pod name), and the
// leader records its latest step in that Lease's annotations; status.ts reads them.
import type { HashChain } from "../../protocol/crds/index.ts";
import { configHash, vdfConfigDir, vdfConfigKey, vdfMetricsPort } from "./vdf-config.ts";

export const vdfReplicas = 2;
export const hashChainLabel = "arkube.dev/hashchain";
export const configHashAnnotation = "arkube.dev/config-hash";
export const vdfServiceAccount = "arkube-vdf";
/** Labels copied from the HashChain to its children, so selectors of whoever created it (the chart's PodMonitor and NetworkPolicies) find the vdf pods. */
export const inheritedLabels = ["app.kubernetes.io/instance", "app.kubernetes.io/part-of"] as const;

/** The Deployment, its ConfigMap and the Lease of HashChain `hc` share this name. */
export function vdfName(hc: string): string {
  return `${hc}-vdf`;
}

interface Owned {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  ownerReferences: unknown[];
}

export interface ConfigMapApply {
  metadata: Owned;
  data: Record<string, string>;
}

export interface DeploymentApply {
  metadata: Owned;
  spec: Record<string, unknown>;
}

export function vdfLabels(hc: HashChain): Record<string, string> {
  const inherited = Object.fromEntries(inheritedLabels.flatMap((k) => {
    const v = hc.metadata.labels?.[k];
    return v === undefined ? [] : [[k, v]];
  }));
  return {
    ...inherited,
    "app.kubernetes.io/name": "arkube",
    "app.kubernetes.io/component": "vdf",
    "app.kubernetes.io/managed-by": "arkube-operator",
    [hashChainLabel]: hc.metadata.name ?? "",
  };
}

function owned(hc: HashChain): Owned {
  const name = hc.metadata.name ?? "";
  return {
    name: vdfName(name), namespace: hc.metadata.namespace, labels: vdfLabels(hc),
    ownerReferences: [{ apiVersion: hc.apiVersion, kind: hc.kind, name, uid: hc.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
  };
}

export function vdfConfigMap(hc: HashChain, configText: string): ConfigMapApply {
  return { metadata: owned(hc), data: { [vdfConfigKey]: configText } };
}

export function vdfDeployment(hc: HashChain, configText: string): DeploymentApply {
  const name = hc.metadata.name ?? "";
  const labels = vdfLabels(hc);
  const s = hc.spec;
  return {
    metadata: owned(hc),
    spec: {
      replicas: vdfReplicas,
      selector: { matchLabels: { [hashChainLabel]: name, "app.kubernetes.io/component": "vdf" } },
      // Replace one pod at a time: the survivor keeps (or takes) the lease and the chain keeps going.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        metadata: { labels, annotations: { [configHashAnnotation]: configHash(configText) } },
        spec: {
          serviceAccountName: vdfServiceAccount,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { [hashChainLabel]: name } } },
          }] } },
          ...(s.nodeSelector !== undefined ? { nodeSelector: s.nodeSelector } : {}),
          ...(s.tolerations !== undefined ? { tolerations: s.tolerations } : {}),
          ...(s.imagePullSecrets !== undefined ? { imagePullSecrets: s.imagePullSecrets } : {}),
          containers: [vdfContainer(hc)],
          volumes: [
            { name: "config", configMap: { name: vdfName(name) } },
            // tsx keeps its compile cache in the temp dir; the root filesystem is read-only.
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
    },
  };
}

function vdfContainer(hc: HashChain): Record<string, unknown> {
  const s = hc.spec;
  return {
    name: "vdf",
    image: s.image,
    ...(s.imagePullPolicy !== undefined ? { imagePullPolicy: s.imagePullPolicy } : {}),
    // The image's ENTRYPOINT is vdf/main.ts (Dockerfile, target vdf).
    args: ["--config", `${vdfConfigDir}/${vdfConfigKey}`],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ],
    ports: [{ name: "metrics", containerPort: vdfMetricsPort, protocol: "TCP" }],
    // vdf serves these once NATS and its stream are reachable: the startup probe allows for that (and a
    // NATS that is itself still starting) before liveness counts. A step computation may hold the event
    // loop for a while on a busy node: generous timeouts.
    startupProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 90 },
    livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    readinessProbe: { httpGet: { path: "/readyz", port: "metrics" }, periodSeconds: 5, timeoutSeconds: 5 },
    ...(s.resources !== undefined ? { resources: s.resources } : {}),
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    volumeMounts: [
      { name: "config", mountPath: vdfConfigDir, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}
