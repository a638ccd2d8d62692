// The HTTP endpoints every arkube pod serves on its metrics port, the contract the chart's probes and
// scrapers rely on: GET /metrics (Prometheus), /healthz (liveness: the process answers) and /readyz
// (readiness: whatever `ready()` says for this component).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpEndpointsOptions {
  port: number;
  host: string;
  /** Answers GET /metrics (e.g. an OpenTelemetry PrometheusExporter's getMetricsRequestHandler). */
  metrics: (req: IncomingMessage, res: ServerResponse) => void;
  ready: () => boolean;
}

export interface HttpEndpoints {
  port: number;
  close(): Promise<void>;
}

export async function startHttpEndpoints(opts: HttpEndpointsOptions): Promise<HttpEndpoints> {
  const server: Server = createServer((req, res) => route(opts, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // scrapers keep connections alive; don't wait for them
    }),
  };
}

function route(opts: HttpEndpointsOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") return text(res, 405, "method not allowed\n");
  if (path === "/metrics") return opts.metrics(req, res);
  if (path === "/healthz") return text(res, 200, "ok\n");
  if (path === "/readyz") return opts.ready() ? text(res, 200, "ok\n") : text(res, 503, "not ready\n");
  text(res, 404, "not found\n");
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
