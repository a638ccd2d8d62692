// The HashChain the operator applies when it starts leading (--default-hashchain FILE: the chart renders
// its vdf.hashChain values into a ConfigMap mounted as that file).
//
// Why the operator and not the chart: Helm maps every object of a release to an API resource before it
// creates anything, so an install that brings the CRD cannot also carry an object of that kind (hooks
// race the CRD's discovery). The chart hands the object to the operator instead.
//
// Server-side apply with its own field manager: the fields in the file are asserted again at every
// start (a chart upgrade changes the file and restarts the operator); fields set by others stay.
import { parse } from "yaml";
import type { HashChainSpec } from "../../protocol/crds/index.ts";
import { DefaultHashChainError, KubeApiError } from "../errors.ts";
import type { KubeApi } from "../kube/client.ts";
import { resources } from "../kube/resources.ts";
import type { Logger } from "../log.ts";

export const defaultHashChainFieldManager = "arkube-operator-defaults";

export interface HashChainApply {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: HashChainSpec;
}

/** Pure: the object to apply, from the file's text. Only the API server validates the spec itself. */
export function parseDefaultHashChain(text: string, namespace: string): HashChainApply {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new DefaultHashChainError("the default HashChain is not YAML", { cause: err });
  }
  const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown>; spec?: unknown } | null;
  if (typeof o !== "object" || o === null) throw new DefaultHashChainError("the default HashChain must be a mapping");
  if (o.apiVersion !== resources.hashChain.apiVersion || o.kind !== resources.hashChain.kind) {
    throw new DefaultHashChainError(`the default HashChain must be apiVersion ${resources.hashChain.apiVersion}, kind HashChain`);
  }
  const meta = o.metadata ?? {};
  if (typeof meta["name"] !== "string" || meta["name"] === "") throw new DefaultHashChainError("the default HashChain needs metadata.name");
  if (meta["namespace"] !== undefined && meta["namespace"] !== namespace) {
    throw new DefaultHashChainError(`the default HashChain must be in the operator's namespace ${namespace}, not ${String(meta["namespace"])}`);
  }
  if (typeof o.spec !== "object" || o.spec === null) throw new DefaultHashChainError("the default HashChain needs a spec");
  const metadata: HashChainApply["metadata"] = { name: meta["name"], namespace };
  if (meta["labels"] !== undefined) metadata.labels = meta["labels"] as Record<string, string>;
  if (meta["annotations"] !== undefined) metadata.annotations = meta["annotations"] as Record<string, string>;
  return { metadata, spec: o.spec as HashChainSpec };
}

/** Applies the file's HashChain; a rejection by the API server (schema, CEL) is a DefaultHashChainError. */
export async function applyDefaultHashChain(api: KubeApi, text: string, namespace: string, log: Logger): Promise<void> {
  const hc = parseDefaultHashChain(text, namespace);
  try {
    await api.apply(resources.hashChain, hc as never, { fieldManager: defaultHashChainFieldManager });
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 422 || err.status === 400)) {
      throw new DefaultHashChainError(`the API server rejected the default HashChain ${hc.metadata.name}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  log({ event: "default_hashchain_applied", namespace, name: hc.metadata.name });
}
