// Installs the CRDs from crds/ (server-side apply, so re-running is harmless) and waits until each is
// Established. Used by the integration tests and the bench; in a cluster the Helm chart installs them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { KubeApiError } from "../errors.ts";
import type { KubeApi, KubeObject } from "./client.ts";
import type { ResourceRef } from "./resources.ts";

export const crdDirDefault = fileURLToPath(new URL("../../crds", import.meta.url));
export const crdEstablishTimeoutMs = 30_000;
const pollIntervalMs = 100;

const crdResource: ResourceRef = {
  group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false,
};

export function loadCrds(dir: string = crdDirDefault): KubeObject[] {
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as KubeObject);
}

export async function installCrds(api: KubeApi, fieldManager: string, dir: string = crdDirDefault): Promise<void> {
  const crds = loadCrds(dir);
  for (const crd of crds) await api.apply(crdResource, crd, { fieldManager });
  const deadline = Date.now() + crdEstablishTimeoutMs;
  for (const crd of crds) {
    const name = crd.metadata.name ?? "";
    for (;;) {
      const got = await api.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(crdResource, name);
      if (got?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new KubeApiError(0, "Timeout", `CRD ${name} not Established within ${crdEstablishTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollIntervalMs));
    }
  }
}
