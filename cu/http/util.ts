// Thin node:http helpers shared by the scheduler and CU routes: bounded bodies, JSON replies, and one
// mapping from errors to status codes (CuError carries its status; protocol errors are bad input).
import type { IncomingMessage, ServerResponse } from "node:http";
import { AoProtocolError } from "../../protocol/ao/index.ts";
import { BadRequestError, CuError, ItemTooLargeError } from "../errors.ts";
import type { Logger } from "../log.ts";

export async function readBody(req: IncomingMessage, bytesMax: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > bytesMax) throw new ItemTooLargeError(declared, bytesMax);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > bytesMax) throw new ItemTooLargeError(total, bytesMax);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown, logger: Logger): void {
  if (err instanceof CuError) return sendJson(res, err.httpStatus, { error: err.message, code: err.code });
  if (err instanceof AoProtocolError) return sendJson(res, 400, { error: err.message, code: err.code });
  logger.error({ event: "cu.http.internal_error", error: String(err), stack: (err as Error).stack });
  sendJson(res, 500, { error: "internal error", code: "ERR_CU_INTERNAL" });
}

/** A non-negative integer query parameter, or the fallback when absent. */
export function intParam(url: URL, name: string, fallback: number | undefined): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === "") return fallback;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new BadRequestError(`${name} must be a non-negative integer`);
  return Number(text);
}

const idPattern = /^[A-Za-z0-9_-]{43}$/;

export function idParam(value: string | undefined | null, name: string): string {
  if (value === undefined || value === null || !idPattern.test(value)) throw new BadRequestError(`${name} must be a 43-character base64url id`);
  return value;
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Runs `route`, turning whatever it throws into a JSON error reply. */
export function serve(route: Route, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    route(req, res, url).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, err, logger);
    });
  };
}
