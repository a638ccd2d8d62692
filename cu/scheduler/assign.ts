// The scheduler's pure core: what the next assignment of a process says, and signing it.
import {
  aoTagNames,
  aoTypeOf,
  assignmentTags,
  createSignedDataItem,
  genesisHashChain,
  nextHashChain,
  tagValue,
  type AssignmentFields,
  type DataItem,
  type DataItemSigner,
} from "../../protocol/ao/index.ts";
import { parseCrons } from "../compute/cron.ts";
import { BadItemError } from "../errors.ts";
import { loaderTags } from "../evaluator/messages.ts";

/** The last assignment of a process, which the next one chains from. */
export interface ChainHead {
  readonly nonce: number;
  readonly assignmentId: string;
  readonly hashChain: string;
  readonly timestamp: number;
  readonly blockHeight: number;
}

export interface AssignmentClock {
  readonly epoch: number;
  readonly timestamp: number;
  readonly blockHeight: number;
}

/**
 * The next assignment: nonce 0 with the genesis Hash-Chain for the process's own item (no Message
 * tag), otherwise nonce head+1 chained from the head's assignment id and Hash-Chain. Timestamp and
 * Block-Height never go below the head's: pods' clocks differ, and cron ticks and GET /cron read a
 * process's time as non-decreasing along its nonces.
 */
export function nextAssignment(
  processId: string,
  head: ChainHead | undefined,
  messageId: string | undefined,
  clock: AssignmentClock,
): AssignmentFields {
  const common = {
    process: processId,
    epoch: clock.epoch,
    timestamp: Math.max(clock.timestamp, head?.timestamp ?? 0),
    blockHeight: Math.max(clock.blockHeight, head?.blockHeight ?? 0),
  };
  if (head === undefined) return { ...common, nonce: 0, hashChain: genesisHashChain(processId) };
  if (messageId === undefined) throw new BadItemError(`process ${processId} is already scheduled`);
  return { ...common, nonce: head.nonce + 1, hashChain: nextHashChain(head.assignmentId, head.hashChain), message: messageId };
}

export function signAssignment(fields: AssignmentFields, signer: DataItemSigner): DataItem {
  return createSignedDataItem({ tags: assignmentTags(fields) }, signer);
}

/** Where an incoming item goes: a Process item schedules itself; a Message goes to its Target. */
export type Routing = { readonly type: "spawn"; readonly processId: string } | { readonly type: "message"; readonly processId: string };

export function routeItem(item: DataItem, targetOf: (item: DataItem) => string | undefined): Routing {
  let type: string;
  try {
    type = aoTypeOf(item.tags);
  } catch (err) {
    throw new BadItemError(`item ${item.id}: ${(err as Error).message}`, { cause: err });
  }
  if (type === "Process") {
    if (tagValue(item.tags, aoTagNames.module) === undefined) throw new BadItemError(`process ${item.id} has no Module tag`);
    // A process whose crons do not parse could never be evaluated: refuse it here (BadCronError, 400).
    parseCrons(loaderTags(item.tags));
    return { type: "spawn", processId: item.id };
  }
  if (type !== "Message") throw new BadItemError(`item ${item.id}: Type ${type} cannot be scheduled`);
  const target = targetOf(item);
  if (target === undefined) throw new BadItemError(`message ${item.id} has no target`);
  return { type: "message", processId: target };
}
