// The status page's HTTP server (node:http, loopback): GET / (the page), GET /api/status (JSON),
// GET /api/events (server-sent events: a status snapshot per change, at most one per throttle window),
// POST /api/message ({"code": "..."} -> the Eval's result from the demo process).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AoRequestError } from "../errors.ts";
import type { EvalResult } from "../ao.ts";
import type { DevnetStatus } from "./model.ts";

/** Largest accepted POST /api/message body. */
export const messageBodyBytesMax = 64 * 1024;
/** SSE: at most one snapshot per this window (steps and scrapes both trigger one). */
export const eventThrottleMs = 250;
/** SSE keep-alive comment, so proxies and browsers keep an idle stream open. */
export const eventKeepAliveMs = 15_000;

export interface StatusServerDeps {
  readonly snapshot: () => DevnetStatus;
  readonly onChange: (listener: () => void) => () => void;
  readonly sendEval: (code: string) => Promise<EvalResult>;
}

const pagePath = new URL("./page.html", import.meta.url);

export class StatusServer {
  private readonly server: Server;
  private readonly page: string;

  private constructor(private readonly deps: StatusServerDeps) {
    this.page = readFileSync(pagePath, "utf8");
    this.server = createServer((req, res) => void this.route(req, res));
  }

  static async listen(deps: StatusServerDeps, host: string, port: number): Promise<{ server: StatusServer; url: string }> {
    const s = new StatusServer(deps);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(port, host, () => resolve());
    });
    const addr = s.server.address() as AddressInfo;
    return { server: s, url: `http://${host}:${addr.port}` };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    try {
      if (req.method === "GET" && path === "/") return send(res, 200, "text/html; charset=utf-8", this.page);
      if (req.method === "GET" && path === "/api/status") return json(res, 200, this.deps.snapshot());
      if (req.method === "GET" && path === "/api/events") return this.events(req, res);
      if (req.method === "POST" && path === "/api/message") return await this.message(req, res);
      return json(res, 404, { error: "not found", code: "ERR_NOT_FOUND" });
    } catch (err) {
      if (err instanceof AoRequestError) return json(res, err.httpStatus >= 400 && err.httpStatus < 500 ? err.httpStatus : 502, { error: err.message, code: err.code });
      return json(res, 500, { error: String(err), code: "ERR_INTERNAL" });
    }
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    let pending: NodeJS.Timeout | undefined;
    const push = (): void => void res.write(`data: ${JSON.stringify(this.deps.snapshot())}\n\n`);
    push();
    const unsubscribe = this.deps.onChange(() => {
      pending ??= setTimeout(() => {
        pending = undefined;
        push();
      }, eventThrottleMs);
    });
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), eventKeepAliveMs);
    req.on("close", () => {
      unsubscribe();
      clearTimeout(pending);
      clearInterval(keepAlive);
    });
  }

  private async message(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return json(res, 413, { error: `body over ${messageBodyBytesMax} bytes`, code: "ERR_TOO_LARGE" });
    let code: unknown;
    try {
      code = (JSON.parse(body) as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (typeof code !== "string" || code.length === 0) return json(res, 400, { error: 'expected JSON {"code": "<lua>"}', code: "ERR_BAD_REQUEST" });
    json(res, 200, await this.deps.sendEval(code));
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > messageBodyBytesMax) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, "application/json", JSON.stringify(value));
}
