// Small admin HTTP API: GET /status, GET /inventory, POST /verify?partition=N[&fromSlot=&toSlot=].
// Loopback by default; it changes nothing but can start expensive verifies.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface AdminHandlers {
  status(): unknown;
  inventory(): Promise<unknown>;
  verify(partition: number, fromSlot: number | undefined, toSlot: number | undefined): Promise<unknown>;
}

function optionalInt(params: URLSearchParams, key: string): number | undefined {
  const v = params.get(key);
  if (v === null) return undefined;
  if (!/^[0-9]{1,15}$/.test(v)) throw new RangeError(`${key} must be a non-negative integer`);
  return Number(v);
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

async function route(h: AdminHandlers, req: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? "/", "http://admin");
  if (req.method === "GET" && url.pathname === "/status") return { status: 200, body: h.status() };
  if (req.method === "GET" && url.pathname === "/inventory") return { status: 200, body: await h.inventory() };
  if (req.method === "POST" && url.pathname === "/verify") {
    const partition = optionalInt(url.searchParams, "partition");
    if (partition === undefined) return { status: 400, body: { error: "partition is required" } };
    return { status: 200, body: await h.verify(partition, optionalInt(url.searchParams, "fromSlot"), optionalInt(url.searchParams, "toSlot")) };
  }
  return { status: 404, body: { error: "not found" } };
}

export async function startAdminServer(h: AdminHandlers, host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(h, req)
      .catch((err: unknown) => ({ status: err instanceof RangeError ? 400 : 500, body: { error: (err as Error).message, code: (err as { code?: unknown }).code } }))
      .then(({ status, body }) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body, bigintJson));
      });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
