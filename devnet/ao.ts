// The demo aos process and the ao requests the status page makes, over the compute pods' public ao
// routes (POST / to the scheduler, GET /result/:id to the CU), exactly as any ao client would.
// Items are signed with a devnet user key derived from a fixed label, so the demo process's spawn item
// is identical on every start and re-posting it after a restart is a no-op (200 "already assigned").
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  aoProtocolTags,
  createSignedDataItem,
  decodeId,
  ed25519PrivateKeyFromSeed,
  ownerAddress,
  signerFromPrivateKey,
  toBase64Url,
  type DataItem,
  type DataItemSigner,
} from "../protocol/ao/index.ts";
import { AoRequestError } from "./errors.ts";

/** Bound of one ao HTTP request; an Eval on a cold process restores a checkpoint first (~1 s). */
export const aoRequestTimeoutMs = 60_000;

export function devnetUserSigner(label: string): DataItemSigner {
  return signerFromPrivateKey(ed25519PrivateKeyFromSeed(createHash("sha256").update(`arkube-devnet:user:${label}`).digest()));
}

/** The cluster's scheduler address (the compute pods sign assignments with walletSeedHex). */
export function clusterAddress(walletSeedHex: string): string {
  return ownerAddress(signerFromPrivateKey(ed25519PrivateKeyFromSeed(Buffer.from(walletSeedHex, "hex"))).owner);
}

/** What cu/config.ts computes as the module id when none is given. */
export function moduleIdOf(wasmPath: string): string {
  return toBase64Url(createHash("sha256").update(readFileSync(wasmPath)).digest());
}

/** Deterministic (ed25519, no anchor): the same bytes, hence the same process id, on every start. */
export function demoProcessItem(signer: DataItemSigner, moduleId: string, scheduler: string, name: string): DataItem {
  const tags = [...aoProtocolTags("Process"), { name: "Module", value: moduleId }, { name: "Scheduler", value: scheduler }, { name: "Authority", value: scheduler }, { name: "Name", value: name }];
  return createSignedDataItem({ tags, data: new TextEncoder().encode("1984") }, signer);
}

/** A fresh anchor per Eval: equal code sent twice must be two messages, not one id. */
export function evalItem(signer: DataItemSigner, processId: string, code: string): DataItem {
  return createSignedDataItem(
    { target: decodeId(processId), anchor: new Uint8Array(randomBytes(32)), tags: [...aoProtocolTags("Message"), { name: "Action", value: "Eval" }], data: new TextEncoder().encode(code) },
    signer,
  );
}

async function request(url: string, init: RequestInit): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(aoRequestTimeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    throw new AoRequestError(`${init.method ?? "GET"} ${url}: ${(err as Error).message}`, 0, { cause: err });
  }
}

/** POST / (scheduler): 201 assigned, 200 already assigned. */
export async function postItem(apiUrl: string, item: DataItem): Promise<void> {
  const res = await request(`${apiUrl}/`, { method: "POST", body: Buffer.from(item.bytes) });
  if (res.status !== 200 && res.status !== 201) throw new AoRequestError(`POST ${apiUrl}/: ${res.status} ${res.body.slice(0, 500)}`, res.status);
}

export interface EvalResult {
  readonly messageId: string;
  readonly processId: string;
  /** aos's Output.data (what the aos console prints). */
  readonly output: string;
  /** The aos Error field when the Eval failed inside Lua. */
  readonly error: string | undefined;
}

/** GET /result/:id (CU): evaluates up to the message on the owner pod. */
export async function fetchResult(apiUrl: string, messageId: string, processId: string): Promise<EvalResult> {
  const res = await request(`${apiUrl}/result/${messageId}?process-id=${processId}`, { method: "GET" });
  if (res.status !== 200) throw new AoRequestError(`GET result ${messageId}: ${res.status} ${res.body.slice(0, 500)}`, res.status);
  const body = JSON.parse(res.body) as { Output?: unknown; Error?: unknown };
  const out = body.Output;
  const data = typeof out === "object" && out !== null ? (out as { data?: unknown }).data : out;
  return { messageId, processId, output: typeof data === "string" ? data : JSON.stringify(data ?? ""), error: body.Error === undefined || body.Error === null || body.Error === "" ? undefined : JSON.stringify(body.Error) };
}

/** Tries each pod in turn: any pod answers for any process, so a dead one is simply skipped. */
export async function onAnyPod<T>(apiUrls: readonly string[], work: (apiUrl: string) => Promise<T>): Promise<T> {
  let last: unknown = new AoRequestError("no compute pod is up", 503);
  for (const url of apiUrls) {
    try {
      return await work(url);
    } catch (err) {
      last = err;
      // A 4xx is the request's fault: another pod would say the same.
      if (err instanceof AoRequestError && err.httpStatus >= 400 && err.httpStatus < 500) throw err;
    }
  }
  throw last;
}

export async function sendEval(apiUrls: readonly string[], signer: DataItemSigner, processId: string, code: string): Promise<EvalResult> {
  const item = evalItem(signer, processId, code);
  await onAnyPod(apiUrls, (url) => postItem(url, item));
  return onAnyPod(apiUrls, (url) => fetchResult(url, item.id, processId));
}
