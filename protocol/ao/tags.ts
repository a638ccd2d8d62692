// ao protocol tags (variant ao.TN.1): names, reading tags by name, the Type tag, and the tags of
// scheduler assignments.
import type { Tag, TagInput } from "./avro-tags.ts";
import { bytesEqual, decodeId, decodeUtf8Strict, utf8Bytes } from "./bytes.ts";
import { BadTagValueError, MissingTagError } from "./errors.ts";

export const aoDataProtocol = "ao";
export const aoVariant = "ao.TN.1";

export const aoTagNames = Object.freeze({
  dataProtocol: "Data-Protocol",
  variant: "Variant",
  type: "Type",
  module: "Module",
  scheduler: "Scheduler",
  moduleFormat: "Module-Format",
  inputEncoding: "Input-Encoding",
  outputEncoding: "Output-Encoding",
  memoryLimit: "Memory-Limit",
  computeLimit: "Compute-Limit",
  process: "Process",
  epoch: "Epoch",
  nonce: "Nonce",
  hashChain: "Hash-Chain",
  blockHeight: "Block-Height",
  timestamp: "Timestamp",
  message: "Message",
  exclude: "Exclude",
} as const);

export const aoTypes = Object.freeze(["Process", "Message", "Module", "Assignment", "Checkpoint"] as const);
export type AoType = (typeof aoTypes)[number];

/** The SU writes Block-Height zero-padded to 12 digits (`{:0>12}`), e.g. 000001736676. */
export const blockHeightDigits = 12;

/**
 * Every value of the tags with this name, in item order. Names are compared as UTF-8 bytes, so a
 * tag whose name is not UTF-8 simply never matches; a matching value that is not UTF-8 is an error.
 */
export function tagValues(tags: readonly Tag[], name: string): string[] {
  const nameBytes = utf8Bytes(name);
  return tags
    .filter((tag) => bytesEqual(tag.name, nameBytes))
    .map((tag) => {
      const value = decodeUtf8Strict(tag.value);
      if (value === undefined) throw new BadTagValueError(name, "value is not valid UTF-8");
      return value;
    });
}

/** The value of the first tag with this name (duplicates are legal in ANS-104; the first wins). */
export function tagValue(tags: readonly Tag[], name: string): string | undefined {
  return tagValues(tags, name)[0];
}

export function requireTagValue(tags: readonly Tag[], name: string): string {
  const value = tagValue(tags, name);
  if (value === undefined) throw new MissingTagError(name);
  return value;
}

/** Data-Protocol=ao, Variant=ao.TN.1 and Type, in the order aoconnect and the SU write them. */
export function aoProtocolTags(type: AoType): TagInput[] {
  return [
    { name: aoTagNames.dataProtocol, value: aoDataProtocol },
    { name: aoTagNames.variant, value: aoVariant },
    { name: aoTagNames.type, value: type },
  ];
}

/** True when the item declares Data-Protocol=ao and Variant=ao.TN.1. */
export function isAoItem(tags: readonly Tag[]): boolean {
  return tagValue(tags, aoTagNames.dataProtocol) === aoDataProtocol && tagValue(tags, aoTagNames.variant) === aoVariant;
}

function isAoType(value: string): value is AoType {
  return (aoTypes as readonly string[]).includes(value);
}

/** The Type tag, which must be one of the ao types. */
export function aoTypeOf(tags: readonly Tag[]): AoType {
  const type = requireTagValue(tags, aoTagNames.type);
  if (!isAoType(type)) throw new BadTagValueError(aoTagNames.type, `unknown ao type ${JSON.stringify(type)}`);
  return type;
}

/** What a scheduler assignment says. Ids are base64url strings. */
export interface AssignmentFields {
  readonly process: string;
  readonly epoch: number;
  readonly nonce: number;
  readonly hashChain: string;
  readonly blockHeight: number;
  /** Unix milliseconds. */
  readonly timestamp: number;
  /** Absent on a process's own assignment (nonce 0). */
  readonly message?: string;
  readonly exclude?: readonly string[];
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadTagValueError(name, `${value} is not a non-negative integer`);
  }
}

export function formatBlockHeight(blockHeight: number): string {
  checkCount(aoTagNames.blockHeight, blockHeight);
  return String(blockHeight).padStart(blockHeightDigits, "0");
}

/** The tags of an assignment, in the order the ao SU writes them. */
export function assignmentTags(assignment: AssignmentFields): TagInput[] {
  checkCount(aoTagNames.epoch, assignment.epoch);
  checkCount(aoTagNames.nonce, assignment.nonce);
  checkCount(aoTagNames.timestamp, assignment.timestamp);
  const tags: TagInput[] = [
    { name: aoTagNames.process, value: assignment.process },
    { name: aoTagNames.epoch, value: String(assignment.epoch) },
    { name: aoTagNames.nonce, value: String(assignment.nonce) },
    { name: aoTagNames.hashChain, value: assignment.hashChain },
    { name: aoTagNames.blockHeight, value: formatBlockHeight(assignment.blockHeight) },
    { name: aoTagNames.timestamp, value: String(assignment.timestamp) },
    { name: aoTagNames.dataProtocol, value: aoDataProtocol },
    { name: aoTagNames.type, value: "Assignment" },
    { name: aoTagNames.variant, value: aoVariant },
  ];
  if (assignment.message !== undefined) tags.push({ name: aoTagNames.message, value: assignment.message });
  for (const excluded of assignment.exclude ?? []) tags.push({ name: aoTagNames.exclude, value: excluded });
  return tags;
}

const canonicalDecimal = /^(0|[1-9][0-9]*)$/;
// Leading zeros are expected here (the SU pads to 12 digits); any width is accepted when reading.
const paddedDecimal = /^[0-9]+$/;

function readCount(tags: readonly Tag[], name: string, format: RegExp): number {
  const text = requireTagValue(tags, name);
  const value = Number(text);
  if (!format.test(text) || !Number.isSafeInteger(value)) {
    throw new BadTagValueError(name, `${JSON.stringify(text)} is not a decimal integer`);
  }
  return value;
}

function readId(tags: readonly Tag[], name: string): string {
  const value = requireTagValue(tags, name);
  decodeId(value, name);
  return value;
}

function readOptionalId(tags: readonly Tag[], name: string): string | undefined {
  return tagValue(tags, name) === undefined ? undefined : readId(tags, name);
}

/** Reads and checks the tags of an assignment (Type=Assignment, ids of 32 bytes, decimal numbers). */
export function readAssignment(tags: readonly Tag[]): AssignmentFields {
  const type = aoTypeOf(tags);
  if (type !== "Assignment") throw new BadTagValueError(aoTagNames.type, `expected Assignment, got ${type}`);
  const message = readOptionalId(tags, aoTagNames.message);
  return {
    process: readId(tags, aoTagNames.process),
    epoch: readCount(tags, aoTagNames.epoch, canonicalDecimal),
    nonce: readCount(tags, aoTagNames.nonce, canonicalDecimal),
    hashChain: readId(tags, aoTagNames.hashChain),
    blockHeight: readCount(tags, aoTagNames.blockHeight, paddedDecimal),
    timestamp: readCount(tags, aoTagNames.timestamp, canonicalDecimal),
    ...(message === undefined ? {} : { message }),
    exclude: tagValues(tags, aoTagNames.exclude),
  };
}
