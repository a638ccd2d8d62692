// ao CU routes: GET /result/:messageId?process-id=, GET /results/:processId?from&to&sort&limit
// (from/to are inclusive nonces), GET /cron/:processId?from&to&limit (results of generated cron
// messages; from/to are timestamps in ms, from exclusive, to inclusive, as in the reference CU),
// GET /state/:processId (the gzipped memory image), POST /dry-run?process-id= (a JSON message; never
// mutates state), GET /healthz, GET /metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoredCronResult, StoredResult } from "../compute/stores.ts";
import type { LoaderMessage, LoaderTag } from "../evaluator/types.ts";
import { BadRequestError, UnknownMessageError, UnknownProcessError } from "../errors.ts";
import { idParam, intParam, readBody, sendJson } from "../http/util.ts";
import type { Compute } from "../compute/service.ts";

export const resultsLimitDefault = 25;
export const resultsLimitMax = 1_000;
export const dryRunBodyBytesMax = 1024 * 1024;
export const cronLimitDefault = 100;
export const cronLimitMax = 1_000;

export interface CuRoutes {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

function publicResult(stored: StoredResult | StoredCronResult): StoredResult["result"] {
  return stored.result;
}

function parseDryRun(body: Uint8Array, processId: string): Omit<LoaderMessage, "Module"> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch (err) {
    throw new BadRequestError("dry-run body must be a JSON message", { cause: err });
  }
  if (typeof raw !== "object" || raw === null) throw new BadRequestError("dry-run body must be a JSON object");
  const tags = Array.isArray(raw.Tags) ? raw.Tags : [];
  const checked: LoaderTag[] = tags.map((t: unknown) => {
    const tag = t as Record<string, unknown>;
    if (typeof tag.name !== "string" || typeof tag.value !== "string") throw new BadRequestError("Tags must be {name, value} strings");
    return { name: tag.name, value: tag.value };
  });
  const owner = typeof raw.Owner === "string" ? raw.Owner : "dry-run";
  return {
    Id: typeof raw.Id === "string" ? raw.Id : "dry-run",
    Owner: owner,
    From: typeof raw.From === "string" ? raw.From : owner,
    Target: typeof raw.Target === "string" ? raw.Target : processId,
    ...(typeof raw.Anchor === "string" ? { Anchor: raw.Anchor } : {}),
    "Block-Height": "0",
    Timestamp: String(Date.now()),
    Cron: false,
    Tags: checked,
    Data: typeof raw.Data === "string" ? raw.Data : "",
  };
}

export function cuRoutes(service: Compute): CuRoutes {
  async function result(res: ServerResponse, url: URL, messageId: string): Promise<void> {
    const processId = idParam(url.searchParams.get("process-id"), "process-id");
    const nonce = await service.log.nonceOf(processId, messageId);
    if (nonce === undefined) {
      if ((await service.log.lastNonce(processId)) === undefined) throw new UnknownProcessError(processId);
      throw new UnknownMessageError(messageId);
    }
    sendJson(res, 200, publicResult(await service.resultAt(processId, nonce)));
  }

  async function results(res: ServerResponse, url: URL, processId: string): Promise<void> {
    const last = await service.log.lastNonce(processId);
    if (last === undefined) throw new UnknownProcessError(processId);
    const sort = (url.searchParams.get("sort") ?? "ASC").toUpperCase();
    if (sort !== "ASC" && sort !== "DESC") throw new BadRequestError("sort must be ASC or DESC");
    const limit = Math.min(intParam(url, "limit", resultsLimitDefault) ?? resultsLimitDefault, resultsLimitMax);
    const from = intParam(url, "from", 0) ?? 0;
    const to = Math.min(intParam(url, "to", last) ?? last, last);
    const nonces: number[] = [];
    for (let n = from; n <= to; n++) nonces.push(n);
    const picked = (sort === "ASC" ? nonces : nonces.reverse()).slice(0, limit);
    const edges = [];
    for (const nonce of picked) {
      const stored = await service.resultAt(processId, nonce);
      edges.push({ cursor: String(nonce), node: { ...publicResult(stored), messageId: stored.messageId } });
    }
    sendJson(res, 200, { edges });
  }

  async function cron(res: ServerResponse, url: URL, processId: string): Promise<void> {
    const fromMs = intParam(url, "from", undefined);
    const toMs = intParam(url, "to", undefined);
    const limit = Math.min(intParam(url, "limit", cronLimitDefault) ?? cronLimitDefault, cronLimitMax);
    const page = await service.cronResults(processId, { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }), limit });
    // The reference's connection shape; the cursor is the tick's time, what `from` takes to go on.
    const edges = page.results.map((stored) => ({
      cursor: String(stored.timestamp),
      node: { ...publicResult(stored), cron: stored.cron, timestamp: stored.timestamp, blockHeight: stored.blockHeight, nonce: stored.nonce },
    }));
    sendJson(res, 200, { pageInfo: { hasNextPage: page.hasNextPage }, edges });
  }

  return {
    async handle(req, res, url) {
      const parts = url.pathname.split("/").filter((p) => p !== "");
      const [head, arg] = parts;
      if (req.method === "POST" && parts.length === 1 && head === "dry-run") {
        const processId = idParam(url.searchParams.get("process-id"), "process-id");
        const message = parseDryRun(await readBody(req, dryRunBodyBytesMax), processId);
        sendJson(res, 200, await service.dryRun(processId, message));
        return true;
      }
      if (req.method !== "GET") return false;
      if (parts.length === 1 && head === "healthz") {
        sendJson(res, 200, { ok: true, hotProcesses: service.hotProcesses() });
        return true;
      }
      if (parts.length === 1 && head === "metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(service.metricsText());
        return true;
      }
      if (parts.length !== 2) return false;
      if (head === "result") {
        await result(res, url, idParam(arg, "message id"));
        return true;
      }
      if (head === "results") {
        await results(res, url, idParam(arg, "process id"));
        return true;
      }
      if (head === "cron") {
        await cron(res, url, idParam(arg, "process id"));
        return true;
      }
      if (head === "state") {
        const state = await service.state(idParam(arg, "process id"));
        res.writeHead(200, { "content-type": "application/octet-stream", "content-encoding": "gzip", "x-arkube-nonce": String(state.nonce) });
        res.end(state.compressed);
        return true;
      }
      return false;
    },
  };
}
