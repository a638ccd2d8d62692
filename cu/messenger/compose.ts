// The messenger's pure core: turns one result's Messages and Spawns into signed ao data items.
// Ids must be reproducible: a new owner re-evaluating the same nonce (after a crash or a handoff) must
// produce byte-identical items, so the assignment log recognises them as already assigned. That holds
// because every pod signs with the same cluster key (ed25519 signatures are deterministic) and every
// field is a function of (process, nonce, index, module output).
import { createHash } from "node:crypto";
import {
  aoProtocolTags,
  createSignedDataItem,
  decodeId,
  type DataItem,
  type DataItemSigner,
  type TagInput,
} from "../../protocol/ao/index.ts";
import { fromProcessTag } from "../evaluator/messages.ts";
import type { EvalResult } from "../evaluator/types.ts";

const anchorBytes = 32;
/** Tags the messenger writes itself; a module's own values for them are dropped, never trusted. */
const reservedTags = new Set(["Data-Protocol", "Variant", "Type", fromProcessTag]);

export type OutboxKind = "message" | "spawn";

export interface OutboxItem {
  readonly kind: OutboxKind;
  /** The process that will receive the item: Target for a message, the new process for a spawn. */
  readonly targetProcessId: string;
  readonly item: DataItem;
}

export interface RejectedOutput {
  readonly kind: OutboxKind;
  readonly index: number;
  readonly reason: string;
}

interface RawOutput {
  readonly Target?: unknown;
  readonly Tags?: unknown;
  readonly Data?: unknown;
  readonly Anchor?: unknown;
}

function tagsOf(raw: RawOutput): TagInput[] | string {
  if (raw.Tags === undefined) return [];
  if (!Array.isArray(raw.Tags)) return "Tags is not a list";
  const tags: TagInput[] = [];
  for (const tag of raw.Tags as unknown[]) {
    const t = tag as { name?: unknown; value?: unknown };
    if (typeof t?.name !== "string" || typeof t.value !== "string") return "a tag is not {name, value} strings";
    if (!reservedTags.has(t.name)) tags.push({ name: t.name, value: t.value });
  }
  return tags;
}

/** The module's Anchor when it is exactly 32 bytes (aos writes 32 digits), else one derived from the position. */
function anchorOf(raw: RawOutput, processId: string, nonce: number, kind: OutboxKind, index: number): Uint8Array {
  if (typeof raw.Anchor === "string") {
    const bytes = new TextEncoder().encode(raw.Anchor);
    if (bytes.length === anchorBytes) return bytes;
  }
  return new Uint8Array(createHash("sha256").update(`${processId}/${nonce}/${kind}/${index}`).digest());
}

function dataOf(raw: RawOutput): Uint8Array {
  return new TextEncoder().encode(typeof raw.Data === "string" ? raw.Data : raw.Data === undefined ? "" : JSON.stringify(raw.Data));
}

function compose(raw: RawOutput, kind: OutboxKind, index: number, processId: string, nonce: number, signer: DataItemSigner): OutboxItem | RejectedOutput {
  const tags = tagsOf(raw);
  if (typeof tags === "string") return { kind, index, reason: tags };
  const anchor = anchorOf(raw, processId, nonce, kind, index);
  const data = dataOf(raw);
  if (kind === "spawn") {
    if (!tags.some((t) => t.name === "Module")) return { kind, index, reason: "spawn has no Module tag" };
    const item = createSignedDataItem({ anchor, tags: [...aoProtocolTags("Process"), { name: fromProcessTag, value: processId }, ...tags], data }, signer);
    return { kind, targetProcessId: item.id, item };
  }
  if (typeof raw.Target !== "string") return { kind, index, reason: "message has no Target" };
  let target: Uint8Array;
  try {
    target = decodeId(raw.Target);
  } catch {
    return { kind, index, reason: `Target ${JSON.stringify(raw.Target).slice(0, 64)} is not a process id` };
  }
  const item = createSignedDataItem({ target, anchor, tags: [...aoProtocolTags("Message"), { name: fromProcessTag, value: processId }, ...tags], data }, signer);
  return { kind, targetProcessId: raw.Target, item };
}

/** Every Message and Spawn of `result` as a signed item, in output order; malformed outputs are reported. */
export function outboxItems(
  processId: string,
  nonce: number,
  result: Pick<EvalResult, "Messages" | "Spawns">,
  signer: DataItemSigner,
): { items: OutboxItem[]; rejected: RejectedOutput[] } {
  const items: OutboxItem[] = [];
  const rejected: RejectedOutput[] = [];
  const add = (out: OutboxItem | RejectedOutput): void => {
    if ("item" in out) items.push(out);
    else rejected.push(out);
  };
  result.Messages.forEach((raw, i) => add(compose((raw ?? {}) as RawOutput, "message", i, processId, nonce, signer)));
  result.Spawns.forEach((raw, i) => add(compose((raw ?? {}) as RawOutput, "spawn", i, processId, nonce, signer)));
  return { items, rejected };
}
