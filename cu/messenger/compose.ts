// The messenger's pure core: turns one result's Messages and Spawns into signed ao data items.
// Ids must be reproducible: a new owner re-evaluating the same nonce (after a crash or a handoff) must
// produce byte-identical items, so the assignment log recognises them as already assigned. That holds
// because every pod signs with the same cluster key (ed25519 signatures are deterministic) and every
// field is a function of (process, position, index, module output); the position is the nonce, or
// "<nonce>+cron<tick>" for a generated cron message (positionLabel in compute/stores.ts).
//
// Spawns follow the reference MU: the new process gets the spawner as From-Process and the cluster's
// scheduler when it names none; then the spawner is sent a `Spawned` notice (Action=Spawned,
// Process=<new id>, the spawn's own tags such as Reference, so aos's spawn().onReply/receive match it).
// Unlike the reference, a spawn that names no Authority gets the cluster's address as one: every
// message another process sends it is signed by the cluster key, and aos drops messages whose signer
// is neither the sender nor an authority, so without it the child could hear from nobody but wallets.
import { createHash } from "node:crypto";
import {
  aoProtocolTags,
  createSignedDataItem,
  decodeId,
  ownerAddress,
  type DataItem,
  type DataItemSigner,
} from "../../protocol/ao/index.ts";
import { fromProcessTag } from "../evaluator/messages.ts";
import type { EvalResult } from "../evaluator/types.ts";

const anchorBytes = 32;
/** Tags the messenger writes itself; a module's own values for them are dropped, never trusted. */
const reservedTags = new Set(["Data-Protocol", "Variant", "Type", fromProcessTag]);
/**
 * Set on a Spawned notice by the messenger; the spawn's own values are left out because aos reads a
 * duplicated tag both ways (msg.Action takes the last, msg.Tags.Action the first).
 */
const noticeTags = new Set(["Process", "Action"]);
/** The reference MU sends its success message with a single space as data. */
const noticeData = new TextEncoder().encode(" ");

/** A scheduled nonce, or a positionLabel() (the same text for a nonce, so ids did not change). */
type Position = number | string;

/** spawned: the notice to the spawner that its spawn was assigned (delivered after the spawn, same lane). */
export type OutboxKind = "message" | "spawn" | "spawned";

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

/** A module's tag: always text (the loader's JSON output). */
interface OutputTag {
  readonly name: string;
  readonly value: string;
}

function tagsOf(raw: RawOutput): OutputTag[] | string {
  if (raw.Tags === undefined) return [];
  if (!Array.isArray(raw.Tags)) return "Tags is not a list";
  const tags: OutputTag[] = [];
  for (const tag of raw.Tags as unknown[]) {
    const t = tag as { name?: unknown; value?: unknown };
    if (typeof t?.name !== "string" || typeof t.value !== "string") return "a tag is not {name, value} strings";
    if (!reservedTags.has(t.name)) tags.push({ name: t.name, value: t.value });
  }
  return tags;
}

/** The module's Anchor when it is exactly 32 bytes (aos writes 32 digits), else one derived from the position. */
function anchorOf(raw: RawOutput, processId: string, position: Position, kind: OutboxKind, index: number): Uint8Array {
  if (typeof raw.Anchor === "string") {
    const bytes = new TextEncoder().encode(raw.Anchor);
    if (bytes.length === anchorBytes) return bytes;
  }
  return new Uint8Array(createHash("sha256").update(`${processId}/${position}/${kind}/${index}`).digest());
}

function dataOf(raw: RawOutput): Uint8Array {
  return new TextEncoder().encode(typeof raw.Data === "string" ? raw.Data : raw.Data === undefined ? "" : JSON.stringify(raw.Data));
}

const hasTag = (tags: readonly OutputTag[], name: string): boolean => tags.some((t) => t.name === name);

function composeSpawn(raw: RawOutput, tags: OutputTag[], index: number, processId: string, position: Position, signer: DataItemSigner): OutboxItem[] | RejectedOutput {
  if (!hasTag(tags, "Module")) return { kind: "spawn", index, reason: "spawn has no Module tag" };
  const cluster = ownerAddress(signer.owner);
  const added = [
    ...(hasTag(tags, "Scheduler") ? [] : [{ name: "Scheduler", value: cluster }]),
    ...(hasTag(tags, "Authority") ? [] : [{ name: "Authority", value: cluster }]),
  ];
  const spawn = createSignedDataItem(
    { anchor: anchorOf(raw, processId, position, "spawn", index), tags: [...aoProtocolTags("Process"), { name: fromProcessTag, value: processId }, ...tags, ...added], data: dataOf(raw) },
    signer,
  );
  const notice = createSignedDataItem(
    {
      target: decodeId(processId),
      anchor: anchorOf({}, processId, position, "spawned", index),
      tags: [
        ...aoProtocolTags("Message"),
        { name: fromProcessTag, value: processId },
        ...tags.filter((t) => !noticeTags.has(t.name)),
        { name: "Process", value: spawn.id },
        { name: "Action", value: "Spawned" },
      ],
      data: noticeData,
    },
    signer,
  );
  return [{ kind: "spawn", targetProcessId: spawn.id, item: spawn }, { kind: "spawned", targetProcessId: processId, item: notice }];
}

function compose(raw: RawOutput, kind: "message" | "spawn", index: number, processId: string, position: Position, signer: DataItemSigner): OutboxItem[] | RejectedOutput {
  const tags = tagsOf(raw);
  if (typeof tags === "string") return { kind, index, reason: tags };
  if (kind === "spawn") return composeSpawn(raw, tags, index, processId, position, signer);
  if (typeof raw.Target !== "string") return { kind, index, reason: "message has no Target" };
  let target: Uint8Array;
  try {
    target = decodeId(raw.Target);
  } catch {
    return { kind, index, reason: `Target ${JSON.stringify(raw.Target).slice(0, 64)} is not a process id` };
  }
  const anchor = anchorOf(raw, processId, position, kind, index);
  const item = createSignedDataItem({ target, anchor, tags: [...aoProtocolTags("Message"), { name: fromProcessTag, value: processId }, ...tags], data: dataOf(raw) }, signer);
  return [{ kind, targetProcessId: raw.Target, item }];
}

/**
 * Every Message and Spawn of `result` as a signed item, in output order, each spawn followed by its
 * Spawned notice; malformed outputs are reported.
 */
export function outboxItems(
  processId: string,
  position: Position,
  result: Pick<EvalResult, "Messages" | "Spawns">,
  signer: DataItemSigner,
): { items: OutboxItem[]; rejected: RejectedOutput[] } {
  const items: OutboxItem[] = [];
  const rejected: RejectedOutput[] = [];
  const add = (out: OutboxItem[] | RejectedOutput): void => {
    if (Array.isArray(out)) items.push(...out);
    else rejected.push(out);
  };
  result.Messages.forEach((raw, i) => add(compose((raw ?? {}) as RawOutput, "message", i, processId, position, signer)));
  result.Spawns.forEach((raw, i) => add(compose((raw ?? {}) as RawOutput, "spawn", i, processId, position, signer)));
  return { items, rejected };
}
