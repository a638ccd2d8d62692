// The agent's connection to the API server: credentials from a kubeconfig file or the pod's service
// account (client-node resolves certificates, tokens and their rotation), the operator's thin JSON
// client over them, and the namespace the Partitions and the inventory live in.
import { readFile } from "node:fs/promises";
import { KubeConfig } from "@kubernetes/client-node";
import { createKubeClient, type KubeApi } from "../../operator/kube/client.ts";
import type { KubernetesConfig } from "../config.ts";
import { KubeSetupError } from "../errors.ts";

/** Where a pod's service account namespace is mounted. */
export const serviceAccountNamespacePath = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

export interface KubeConnection {
  api: KubeApi;
  namespace: string;
}

export async function connectKube(cfg: KubernetesConfig, env: { KUBERNETES_SERVICE_HOST?: string } = process.env): Promise<KubeConnection> {
  const kc = new KubeConfig();
  if (cfg.kubeconfig !== undefined) {
    kc.loadFromFile(cfg.kubeconfig);
  } else {
    // loadFromCluster() does not check that it runs in a pod: without this it would dial "undefined".
    if (env.KUBERNETES_SERVICE_HOST === undefined) throw new KubeSetupError("kubernetes.kubeconfig is not set and this is not a pod (no KUBERNETES_SERVICE_HOST)");
    kc.loadFromCluster();
  }
  const namespace = cfg.namespace ?? (await serviceAccountNamespace());
  try {
    return { api: await createKubeClient(kc), namespace };
  } catch (err) {
    throw new KubeSetupError(`cannot build a client for ${kc.getCurrentCluster()?.server ?? "?"}`, err);
  }
}

async function serviceAccountNamespace(): Promise<string> {
  try {
    return (await readFile(serviceAccountNamespacePath, "utf8")).trim();
  } catch (err) {
    throw new KubeSetupError(`kubernetes.namespace is not set, POD_NAMESPACE is empty and ${serviceAccountNamespacePath} cannot be read`, err);
  }
}
