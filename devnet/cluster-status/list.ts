// The thin I/O shell of `arkube status`: lists the four arkube kinds through client-node's
// CustomObjectsApi (credentials from the KubeConfig), page by page, each request bounded by a timeout,
// and turns every failure into one ClusterStatusError.
import { ApiException, CustomObjectsApi, Observable, type ObservableMiddleware } from "@kubernetes/client-node";
import {
  aoProcessResource, hashChainResource, partitionResource, replicaResource,
  type AOProcess, type HashChain, type Partition, type Replica,
} from "../../protocol/crds/index.ts";
import { ApiRequestError, ClusterStatusError, ClusterUnreachableError, CrdsMissingError } from "./errors.ts";
import type { ClusterObjects } from "./health.ts";
import type { KubeTarget } from "./kubeconfig.ts";

/** Objects per list request: a big cluster's Partitions arrive in pages instead of one huge answer. */
export const listPageItemsMax = 500;
/** Pages per kind; a continue token that never ends must not loop forever. */
export const listPagesMax = 1_000;

interface Resource {
  group: string;
  version: string;
  kind: string;
  plural: string;
}

interface ListPage<T> {
  items?: T[];
  metadata?: { continue?: string };
}

export async function listClusterObjects(target: KubeTarget, requestTimeoutMs: number): Promise<ClusterObjects> {
  const api = target.kubeConfig.makeApiClient(CustomObjectsApi);
  const list = <T>(r: Resource): Promise<T[]> => listAll<T>(api, r, target.namespace, requestTimeoutMs)
    .catch((err: unknown) => Promise.reject(toStatusError(err, r, target.server, requestTimeoutMs)));
  // All four at once: one round trip of latency, and every missing CRD is named in one error.
  const settled = await Promise.allSettled([
    list<Replica>(replicaResource), list<Partition>(partitionResource),
    list<HashChain>(hashChainResource), list<AOProcess>(aoProcessResource),
  ]);
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as ClusterStatusError] : []));
  const missing = failures.flatMap((f) => (f instanceof CrdsMissingError ? f.missing : []));
  // Unreachable or forbidden says more than "missing" (a 404 can follow a failed request on another kind).
  const other = failures.find((f) => !(f instanceof CrdsMissingError));
  if (other !== undefined) throw other;
  if (missing.length > 0) throw new CrdsMissingError(missing);
  const [replicas, partitions, hashChains, aoProcesses] = settled.map((s) => (s.status === "fulfilled" ? s.value : [])) as
    [Replica[], Partition[], HashChain[], AOProcess[]];
  return { replicas, partitions, hashChains, aoProcesses };
}

async function listAll<T>(api: CustomObjectsApi, r: Resource, namespace: string | undefined, timeoutMs: number): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < listPagesMax; page++) {
    const options = { middleware: [timeoutMiddleware(timeoutMs)], middlewareMergeStrategy: "append" as const };
    const common = { group: r.group, version: r.version, plural: r.plural, limit: listPageItemsMax, _continue: token };
    const body = (namespace === undefined
      ? await api.listClusterCustomObject(common, options)
      : await api.listNamespacedCustomObject({ ...common, namespace }, options)) as ListPage<T>;
    items.push(...(body.items ?? []));
    token = body.metadata?.continue;
    if (token === undefined || token === "") return items;
  }
  throw new ApiRequestError(0, `list ${r.plural}: more than ${listPagesMax} pages of ${listPageItemsMax}`);
}

/** client-node has no request timeout of its own; an AbortSignal per request gives one. */
function timeoutMiddleware(timeoutMs: number): ObservableMiddleware {
  return {
    pre(context) {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
}

/** The Status object's message when the server sent one (client-node keeps the body as text or JSON). */
function apiMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === "" ? undefined : body.trim().split("\n")[0];
    }
  }
  const message = (parsed as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" ? message : undefined;
}

export function toStatusError(err: unknown, r: Resource, server: string, timeoutMs: number): ClusterStatusError {
  if (err instanceof ClusterStatusError) return err;
  if (err instanceof ApiException) {
    const code = err.code;
    const message = apiMessage(err.body);
    if (code === 404) return new CrdsMissingError([`${r.plural}.${r.group}/${r.version}`]);
    if (code === 401) return new ApiRequestError(401, `unauthorized at ${server}: the kubeconfig's credentials were refused${message === undefined ? "" : ` (${message})`}`, { cause: err });
    if (code === 403) return new ApiRequestError(403, `forbidden: ${message ?? `cannot list ${r.plural}.${r.group}`}`, { cause: err });
    return new ApiRequestError(code, `list ${r.plural}.${r.group}: HTTP ${code}${message === undefined ? "" : `: ${message}`}`, { cause: err });
  }
  const e = err as { name?: string; code?: string; message?: string; type?: string };
  if (e.name === "AbortError" || e.type === "aborted" || e.name === "TimeoutError") {
    return new ClusterUnreachableError(server, `no answer within ${timeoutMs} ms`, { cause: err });
  }
  const detail = e.code !== undefined ? `${e.code}${systemDetail(e.message)}` : (e.message ?? String(err)).split("\n")[0] ?? "";
  return new ClusterUnreachableError(server, detail, { cause: err });
}

/** node-fetch's message repeats the URL; the part after "reason:" is the system error. */
function systemDetail(message: string | undefined): string {
  const reason = message === undefined ? undefined : /reason: (.*)$/.exec(message)?.[1];
  return reason === undefined ? "" : ` (${reason})`;
}
