// The thin I/O shell over the Kubernetes API: JSON over HTTPS with the credentials of a KubeConfig
// (client-node resolves certificates, tokens and exec plugins), one keep-alive agent, server-side
// apply for every write the operator owns, and merge patches with a resourceVersion precondition for
// finalizers. Watches are in watch.ts.
import { request as httpsRequest, Agent, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, KubeConflictError } from "../errors.ts";
import { apiVersionOf, collectionPath, objectPath, type ResourceRef } from "./resources.ts";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    generation?: number;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
}

export interface ApplyOptions {
  fieldManager: string;
  subresource?: "status";
}

/** Everything the controllers need from the API server; tests and the bench use the same one. */
export interface KubeApi {
  readonly server: string;
  get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined>;
  list<T extends KubeObject>(ref: ResourceRef, namespace?: string, labelSelector?: string): Promise<ObjectList<T>>;
  /** Server-side apply (force: this manager owns the fields it sends). */
  apply<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts: ApplyOptions): Promise<T>;
  /** JSON merge patch; pass metadata.resourceVersion in the patch for optimistic concurrency. */
  mergePatch<T extends KubeObject>(ref: ResourceRef, name: string, namespace: string | undefined, patch: unknown): Promise<T>;
  create<T extends KubeObject>(ref: ResourceRef, obj: KubeObject): Promise<T>;
  /** Deleting something already gone is not an error. */
  delete(ref: ResourceRef, name: string, namespace?: string): Promise<void>;
  /** Credentials for the library watch (see watch.ts). */
  readonly kubeConfig: KubeConfig;
  /** Closes the keep-alive sockets. */
  close(): void;
}

export interface KubeClientBounds {
  requestTimeoutMs: number;
  socketsMax: number;
}

export const kubeClientBoundsDefault: KubeClientBounds = { requestTimeoutMs: 30_000, socketsMax: 32 };

interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

export async function createKubeClient(kc: KubeConfig, bounds: KubeClientBounds = kubeClientBoundsDefault): Promise<KubeApi> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new KubeApiError(0, "NoCluster", "kubeconfig has no current cluster");
  const base: RequestOptions = {};
  await kc.applyToHTTPSOptions(base);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: bounds.socketsMax,
    ca: base.ca,
    cert: base.cert,
    key: base.key,
    rejectUnauthorized: base.rejectUnauthorized,
    servername: base.servername,
  });
  const send = async (method: string, path: string, body?: unknown, contentType?: string): Promise<HttpResult> => {
    // Headers are fetched per request: tokens from exec plugins and projected service accounts rotate.
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    return httpSend(new URL(cluster.server + path), { ...opts, agent, method }, body, contentType, bounds.requestTimeoutMs);
  };
  return {
    server: cluster.server,
    kubeConfig: kc,
    close: () => agent.destroy(),
    async get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string) {
      const res = await send("GET", objectPath(ref, name, namespace));
      if (res.status === 404) return undefined;
      return expectOk<T>(res, `get ${ref.kind} ${namespace ?? ""}/${name}`);
    },
    async list<T extends KubeObject>(ref: ResourceRef, namespace?: string, labelSelector?: string) {
      const query = labelSelector !== undefined ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
      const res = await send("GET", collectionPath(ref, namespace) + query);
      const list = expectOk<{ items: T[]; metadata: { resourceVersion: string } }>(res, `list ${ref.plural}`);
      return { items: list.items, resourceVersion: list.metadata.resourceVersion };
    },
    async apply<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts: ApplyOptions) {
      const name = obj.metadata.name ?? "";
      const sub = opts.subresource !== undefined ? `/${opts.subresource}` : "";
      const query = `?fieldManager=${encodeURIComponent(opts.fieldManager)}&force=true`;
      const full = { apiVersion: apiVersionOf(ref), kind: ref.kind, ...obj };
      // JSON is YAML, so the apply-patch+yaml content type takes the object as JSON.
      const res = await send("PATCH", objectPath(ref, name, obj.metadata.namespace) + sub + query, full, "application/apply-patch+yaml");
      return expectOk<T>(res, `apply ${ref.kind} ${obj.metadata.namespace ?? ""}/${name}${sub}`);
    },
    async mergePatch<T extends KubeObject>(ref: ResourceRef, name: string, namespace: string | undefined, patch: unknown) {
      const res = await send("PATCH", objectPath(ref, name, namespace), patch, "application/merge-patch+json");
      return expectOk<T>(res, `patch ${ref.kind} ${namespace ?? ""}/${name}`);
    },
    async create<T extends KubeObject>(ref: ResourceRef, obj: KubeObject) {
      const full = { apiVersion: apiVersionOf(ref), kind: ref.kind, ...obj };
      const res = await send("POST", collectionPath(ref, obj.metadata.namespace), full);
      return expectOk<T>(res, `create ${ref.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`);
    },
    async delete(ref: ResourceRef, name: string, namespace?: string) {
      const res = await send("DELETE", objectPath(ref, name, namespace));
      if (res.status === 404) return;
      expectOk(res, `delete ${ref.kind} ${namespace ?? ""}/${name}`);
    },
  };
}

function expectOk<T>(res: HttpResult, what: string): T {
  if (res.status >= 200 && res.status < 300) return res.body as T;
  const status = res.body as { reason?: string; message?: string } | undefined;
  const message = `${what}: HTTP ${res.status}: ${status?.message ?? res.text.slice(0, 500)}`;
  if (res.status === 409 && status?.reason === "Conflict") throw new KubeConflictError(message);
  throw new KubeApiError(res.status, status?.reason, message);
}

function httpSend(url: URL, opts: RequestOptions, body: unknown, contentType: string | undefined, timeoutMs: number): Promise<HttpResult> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = { ...(opts.headers as Record<string, string>), accept: "application/json" };
  if (payload !== undefined) {
    headers["content-type"] = contentType ?? "application/json";
    headers["content-length"] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ...opts, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on("timeout", () => req.destroy(new KubeApiError(0, "Timeout", `${opts.method} ${url.pathname}: no answer in ${timeoutMs} ms`)));
    req.on("error", (err) => reject(err instanceof KubeApiError ? err : new KubeApiError(0, "Network", `${opts.method} ${url.pathname}: ${err.message}`, { cause: err })));
    req.end(payload);
  });
}
