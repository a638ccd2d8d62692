// Minimal HTTP(S) client for the test control plane: node:https with the admin client certificate, JSON in
// and out. No npm client, so the tests see exactly what the API server answers.
import http from "node:http";
import https from "node:https";
import { ControlPlaneError } from "./errors.ts";

/** PEM contents (not paths) of the CA that signed the API server and of the admin client identity. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

export interface KubeRequest {
  method?: string;
  path: string;
  body?: unknown;
  /** Defaults to application/json; use application/merge-patch+json etc. for PATCH. */
  contentType?: string;
  timeoutMs?: number;
}

export interface KubeResponse {
  status: number;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON (e.g. /readyz answers "ok"). */
  json: unknown;
}

export const requestTimeoutMsDefault = 10_000;

/** Sends one request to the API server as the admin client. Non-2xx statuses are returned, not thrown. */
export function kubeRequest(server: string, tls: ClientTls, req: KubeRequest): Promise<KubeResponse> {
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = req.contentType ?? "application/json";
  return send(new URL(req.path, server), {
    method: req.method ?? "GET",
    headers,
    body,
    timeoutMs: req.timeoutMs ?? requestTimeoutMsDefault,
    tls: { ca: tls.ca, cert: tls.cert, key: tls.key },
  });
}

/**
 * GET for health probes of components that serve self-signed certificates from their --cert-dir
 * (kube-controller-manager, kube-scheduler) or plain HTTP (etcd on loopback). Only used on 127.0.0.1.
 */
export function probe(url: string, timeoutMs: number): Promise<KubeResponse> {
  return send(new URL(url), { method: "GET", headers: {}, timeoutMs, tls: { rejectUnauthorized: false } });
}

interface SendOptions {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  timeoutMs: number;
  tls: https.RequestOptions;
}

function send(url: URL, opts: SendOptions): Promise<KubeResponse> {
  const isHttps = url.protocol === "https:";
  const options: https.RequestOptions = {
    method: opts.method,
    headers: opts.headers,
    timeout: opts.timeoutMs,
    // A fresh connection per request: the server may be restarting between polls.
    agent: false,
    ...(isHttps ? opts.tls : {}),
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (cause) => reject(transportError(opts.method, url, cause)));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, text, json: parseJson(text) });
      });
    };
    const req = isHttps ? https.request(url, options, onResponse) : http.request(url, options, onResponse);
    req.on("timeout", () => req.destroy(new Error(`no response within ${opts.timeoutMs} ms`)));
    req.on("error", (cause) => reject(transportError(opts.method, url, cause)));
    req.end(opts.body);
  });
}

function transportError(method: string, url: URL, cause: unknown): ControlPlaneError {
  return new ControlPlaneError("HTTP_FAILED", `${method} ${url.href}: ${String(cause)}`, { cause });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
