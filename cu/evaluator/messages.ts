// Pure translation from protocol objects (data items, assignments, module descriptions) to what the
// loader hands the module: the message, the env, and the module limits.
import {
  aoTagNames,
  ownerAddress,
  tagValue,
  toBase64Url,
  type AssignmentFields,
  type DataItem,
  type Tag,
} from "../../protocol/ao/index.ts";
import { UnknownModuleError, UnsupportedModuleError } from "../errors.ts";
import type { CronTick } from "../compute/cron.ts";
import { moduleFormats, type CronLoaderMessage, type LoaderEnv, type LoaderMessage, type LoaderTag, type ModuleFormat, type ModuleSpec } from "./types.ts";

/** A module this cluster can run: the wasm file and the tags its Module item would carry. */
export interface ModuleEntry {
  readonly id: string;
  readonly owner: string;
  readonly wasmPath: string;
  readonly tags: readonly LoaderTag[];
}

/** The tag name of a message forwarded by a messenger on behalf of a process. */
export const fromProcessTag = "From-Process";

const lenientUtf8 = new TextDecoder("utf-8", { fatal: false });

export function loaderTags(tags: readonly Tag[]): LoaderTag[] {
  return tags.map((tag) => ({ name: lenientUtf8.decode(tag.name), value: lenientUtf8.decode(tag.value) }));
}

/** aos writes printable anchors (32 ASCII digits); anything else is shown as base64url. */
function anchorText(anchor: Uint8Array): string {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(anchor);
  return /^[\x20-\x7e]+$/.test(text) ? text : toBase64Url(anchor);
}

/**
 * The message as the module sees it. `From` is the signer's address unless a trusted messenger
 * signed the item and named the sending process in From-Process.
 */
export function toLoaderMessage(
  item: DataItem,
  assignment: AssignmentFields,
  moduleId: string,
  trustedForwarders: ReadonlySet<string>,
): LoaderMessage {
  const owner = ownerAddress(item.owner);
  const forwardedFrom = trustedForwarders.has(owner) ? tagValue(item.tags, fromProcessTag) : undefined;
  return {
    Id: item.id,
    Signature: toBase64Url(item.signature),
    Owner: owner,
    From: forwardedFrom ?? owner,
    ...(item.target === undefined ? {} : { Target: toBase64Url(item.target) }),
    ...(item.anchor === undefined ? {} : { Anchor: anchorText(item.anchor) }),
    Module: moduleId,
    Epoch: String(assignment.epoch),
    Nonce: String(assignment.nonce),
    "Block-Height": String(assignment.blockHeight),
    Timestamp: String(assignment.timestamp),
    "Hash-Chain": assignment.hashChain,
    Cron: false,
    Tags: loaderTags(item.tags),
    Data: lenientUtf8.decode(item.data),
  };
}

/** A generated cron message: from the process's owner to the process, as the reference CU makes it. */
export function cronLoaderMessage(tick: CronTick, env: LoaderEnv): CronLoaderMessage {
  return {
    Owner: env.Process.Owner,
    From: env.Process.Owner,
    Target: env.Process.Id,
    Module: env.Module.Id,
    "Block-Height": String(tick.blockHeight),
    Timestamp: String(tick.timestampMs),
    Cron: true,
    Tags: tick.tags,
  };
}

export function processEnv(processItem: DataItem, module: ModuleEntry): LoaderEnv {
  return {
    Process: { Id: processItem.id, Owner: ownerAddress(processItem.owner), Tags: loaderTags(processItem.tags) },
    Module: { Id: module.id, Owner: module.owner, Tags: module.tags },
  };
}

const byteUnits: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** Memory-Limit values: "1-gb", "500-mb", "16384-kb" or plain bytes. */
export function parseMemoryLimit(text: string): number {
  const match = /^([0-9]+)(?:-(b|kb|mb|gb|tb))?$/i.exec(text.trim());
  const unit = byteUnits[(match?.[2] ?? "b").toLowerCase()];
  if (match === null || unit === undefined) throw new UnsupportedModuleError(`bad Memory-Limit ${JSON.stringify(text)}`);
  return Number(match[1]) * unit;
}

export function parseComputeLimit(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UnsupportedModuleError(`bad Compute-Limit ${JSON.stringify(text)}`);
  return value;
}

function entryTag(module: ModuleEntry, name: string): string | undefined {
  return module.tags.find((tag) => tag.name === name)?.value;
}

function isModuleFormat(value: string): value is ModuleFormat {
  return (moduleFormats as readonly string[]).includes(value);
}

/**
 * The module and limits a Process item runs with. A process may lower the module's Memory-Limit and
 * Compute-Limit, never raise them.
 */
export function moduleSpecFor(processItem: DataItem, modules: ReadonlyMap<string, ModuleEntry>): ModuleSpec {
  const moduleId = tagValue(processItem.tags, aoTagNames.module);
  if (moduleId === undefined) throw new UnsupportedModuleError(`process ${processItem.id} has no Module tag`);
  const module = modules.get(moduleId);
  if (module === undefined) throw new UnknownModuleError(moduleId);
  const format = entryTag(module, aoTagNames.moduleFormat) ?? "";
  if (!isModuleFormat(format)) throw new UnsupportedModuleError(`module format ${JSON.stringify(format)} is not supported`);
  const limit = (name: string, parse: (text: string) => number, fallback: string): number => {
    const moduleLimit = parse(entryTag(module, name) ?? fallback);
    const processText = tagValue(processItem.tags, name);
    return processText === undefined ? moduleLimit : Math.min(moduleLimit, parse(processText));
  };
  return {
    moduleId,
    wasmPath: module.wasmPath,
    format,
    memoryLimitBytes: limit(aoTagNames.memoryLimit, parseMemoryLimit, "1-gb"),
    computeLimit: limit(aoTagNames.computeLimit, parseComputeLimit, "9000000000000"),
  };
}
