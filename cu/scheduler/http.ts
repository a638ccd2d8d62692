// Scheduler routes (compatible with the ao SU): POST / (a signed data item), GET /timestamp,
// GET /processes/:id, GET /:processId?from&to&limit (from/to are inclusive nonces).
import type { IncomingMessage, ServerResponse } from "node:http";
import { ownerAddress, toBase64Url, type DataItem } from "../../protocol/ao/index.ts";
import type { ScheduledEntry } from "../compute/stores.ts";
import { loaderTags } from "../evaluator/messages.ts";
import { UnknownProcessError } from "../errors.ts";
import { idParam, intParam, readBody, sendJson } from "../http/util.ts";
import type { JetStreamAssignmentLog } from "./jetstream-log.ts";
import type { Scheduler } from "./scheduler.ts";

export const pageLimitDefault = 100;
export const pageLimitMax = 1_000;

export interface SchedulerRoutes {
  /** Returns false when the request is not a scheduler route. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

function itemJson(item: DataItem): Record<string, unknown> {
  return {
    id: item.id,
    owner: { address: ownerAddress(item.owner), key: toBase64Url(item.owner) },
    signature: toBase64Url(item.signature),
    ...(item.target === undefined ? {} : { target: toBase64Url(item.target) }),
    ...(item.anchor === undefined ? {} : { anchor: toBase64Url(item.anchor) }),
    tags: loaderTags(item.tags),
    data: toBase64Url(item.data),
  };
}

function edge(entry: ScheduledEntry): Record<string, unknown> {
  const a = entry.assignment;
  return {
    cursor: String(a.nonce),
    node: {
      message: itemJson(entry.message),
      assignment: { id: entry.assignmentId, process: a.process, epoch: a.epoch, nonce: a.nonce, "hash-chain": a.hashChain, "block-height": a.blockHeight, timestamp: a.timestamp },
    },
  };
}

export function schedulerRoutes(scheduler: Scheduler, log: JetStreamAssignmentLog, itemBytesMax: number): SchedulerRoutes {
  async function page(res: ServerResponse, url: URL, processId: string): Promise<void> {
    const last = await log.lastNonce(processId);
    if (last === undefined) throw new UnknownProcessError(processId);
    const from = intParam(url, "from", 0) ?? 0;
    const limit = Math.min(intParam(url, "limit", pageLimitDefault) ?? pageLimitDefault, pageLimitMax);
    const to = Math.min(intParam(url, "to", last) ?? last, from + limit - 1);
    const edges: Record<string, unknown>[] = [];
    for await (const entry of log.read(processId, from, to)) edges.push(edge(entry));
    sendJson(res, 200, { page_info: { has_next_page: to < last }, edges });
  }

  return {
    async handle(req, res, url) {
      const parts = url.pathname.split("/").filter((p) => p !== "");
      if (req.method === "POST" && parts.length === 0) {
        const { entry, duplicate } = await scheduler.submit(await readBody(req, itemBytesMax));
        const a = entry.assignment;
        sendJson(res, duplicate ? 200 : 201, { id: entry.message.id, process: a.process, nonce: a.nonce, timestamp: a.timestamp, assignment: entry.assignmentId });
        return true;
      }
      if (req.method !== "GET") return false;
      if (parts.length === 1 && parts[0] === "timestamp") {
        const clock = scheduler.timestamp();
        sendJson(res, 200, { timestamp: clock.timestamp, block_height: clock.blockHeight });
        return true;
      }
      if (parts.length === 2 && parts[0] === "processes") {
        const processId = idParam(parts[1], "process id");
        const entry = await log.entryAt(processId, 0).catch(() => undefined);
        if (entry === undefined) throw new UnknownProcessError(processId);
        sendJson(res, 200, { process_id: processId, ...itemJson(entry.message), timestamp: entry.assignment.timestamp });
        return true;
      }
      if (parts.length === 1 && /^[A-Za-z0-9_-]{43}$/.test(parts[0] ?? "")) {
        await page(res, url, idParam(parts[0], "process id"));
        return true;
      }
      return false;
    },
  };
}
