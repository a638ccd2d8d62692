// Shared set-up for the integration tests: a real control plane (etcd + kube-apiserver, optionally
// kwok), the arkube CRDs installed, a namespace, and a KubeApi for the admin kubeconfig.
import { KubeConfig } from "@kubernetes/client-node";
import { ensureControlPlaneBinaries, kwokNodeAnnotation, startControlPlane, type ControlPlane } from "../../test/k8s/index.ts";
import { createKubeClient, type KubeApi } from "../kube/client.ts";
import { installCrds } from "../kube/crds.ts";
import { resources } from "../kube/resources.ts";

export interface Cluster {
  cp: ControlPlane;
  api: KubeApi;
  kubeConfig: KubeConfig;
  stop(): Promise<void>;
}

export async function startCluster(opts: { kwok?: boolean; controllerManager?: boolean; namespaces?: string[] }): Promise<Cluster> {
  const binDir = await ensureControlPlaneBinaries();
  const cp = await startControlPlane({ binDir, kwok: opts.kwok === true, controllerManager: opts.controllerManager === true });
  try {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(cp.kubeconfigPath);
    const api = await createKubeClient(kubeConfig);
    await installCrds(api, "arkube-test");
    for (const ns of opts.namespaces ?? []) {
      await api.create({ group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false }, { metadata: { name: ns } });
    }
    return {
      cp, api, kubeConfig,
      async stop() {
        api.close();
        await cp.stop();
      },
    };
  } catch (err) {
    await cp.stop();
    throw err;
  }
}

/** A kwok-managed Node labelled as a storage node. */
export async function createStorageNode(api: KubeApi, name: string, labels: Record<string, string> = {}): Promise<void> {
  await api.create(resources.node, {
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation.key]: kwokNodeAnnotation.value },
      labels: { "kubernetes.io/hostname": name, "arkube.dev/storage": "true", ...labels },
    },
  });
}

export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
