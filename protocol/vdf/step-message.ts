// The step message: what the leader publishes for every VDF step. JSON with lowercase hex, versioned by
// `v`. About 2 KiB per step; at one step per second that is nothing, and it stays readable with
// `nats sub`. Decoding is strict: exact key set, exact hex lengths, integer ranges, and the fields must
// agree with each other. Cryptographic validity is the verifier's job (vdf/verifier.ts).
import {
  BadFieldError,
  BadJsonError,
  InconsistentStepError,
  PayloadTooLargeError,
  UnsupportedVersionError,
} from "./errors.ts";
import { VDF_CHECKPOINTS_PER_STEP, VDF_HASH_BYTES, VDF_ITERATIONS_MIN, sessionInterval } from "./constants.ts";
import { checkChainName } from "./subjects.ts";

export const STEP_MESSAGE_VERSION = 1;
/** A valid v1 message is about 2.1 KiB; anything far larger is refused before JSON.parse. */
export const stepMessageBytesMax = 4096;
/** Longest leader identity (a pod name is at most 253 characters). */
const leaderIdCharsMax = 253;

export interface VdfSession {
  /** floor(step / 1200): the entropy-reset interval. */
  interval: number;
  /** The seed mixed in at the reset that opened this interval (32 bytes). */
  seed: Uint8Array;
}

export interface VdfStepMessage {
  chain: string;
  /** Step number N >= 1. */
  step: number;
  /** Output of step N (= checkpoints[24]). */
  output: Uint8Array;
  /** x_0 .. x_24, oldest first (blocks carry them newest first; convert at that boundary). */
  checkpoints: Uint8Array[];
  session: VdfSession;
  /** Iterations per checkpoint. */
  difficulty: number;
  /** Leadership term of the publisher; consumers drop steps from an older term. */
  term: number;
  /** Identity of the publishing leader (for logs; not trusted for anything). */
  leader: string;
  /** Wall clock of the publisher at publish time, ms since the epoch. */
  timeMs: number;
}

interface WireV1 {
  v: number;
  chain: string;
  step: number;
  output: string;
  checkpoints: string[];
  session: { interval: number; seed: string };
  difficulty: number;
  term: number;
  leader: string;
  timeMs: number;
}

const wireKeys = ["v", "chain", "step", "output", "checkpoints", "session", "difficulty", "term", "leader", "timeMs"];
const sessionKeys = ["interval", "seed"];
const hexPattern = new RegExp(`^[0-9a-f]{${VDF_HASH_BYTES * 2}}$`);
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeStepMessage(m: VdfStepMessage): Uint8Array {
  const wire: WireV1 = {
    v: STEP_MESSAGE_VERSION,
    chain: m.chain,
    step: m.step,
    output: toHex(m.output),
    checkpoints: m.checkpoints.map(toHex),
    session: { interval: m.session.interval, seed: toHex(m.session.seed) },
    difficulty: m.difficulty,
    term: m.term,
    leader: m.leader,
    timeMs: m.timeMs,
  };
  const bytes = encoder.encode(JSON.stringify(wire));
  // Encoding what we would refuse to decode is a bug in the producer: fail loudly there.
  decodeStepMessage(bytes);
  return bytes;
}

/** Parses and validates a step message; throws a VdfProtocolError subclass. */
export function decodeStepMessage(bytes: Uint8Array): VdfStepMessage {
  if (bytes.length > stepMessageBytesMax) {
    throw new PayloadTooLargeError(`step message of ${bytes.length} bytes exceeds ${stepMessageBytesMax}`);
  }
  const obj = parseObject(bytes);
  if (obj.v !== STEP_MESSAGE_VERSION) {
    throw new UnsupportedVersionError(`step message version ${JSON.stringify(obj.v)} is not ${STEP_MESSAGE_VERSION}`);
  }
  checkKeys("message", obj, wireKeys);
  const m = fieldsOf(obj);
  checkConsistency(m);
  return m;
}

function parseObject(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new BadJsonError("step message is not UTF-8 JSON", { cause: err });
  }
  if (!isRecord(value)) throw new BadJsonError("step message is not a JSON object");
  return value;
}

function fieldsOf(obj: Record<string, unknown>): VdfStepMessage {
  const session = obj.session;
  if (!isRecord(session)) throw new BadFieldError("session must be an object");
  checkKeys("session", session, sessionKeys);
  const checkpoints = obj.checkpoints;
  if (!Array.isArray(checkpoints) || checkpoints.length !== VDF_CHECKPOINTS_PER_STEP) {
    throw new BadFieldError(`checkpoints must be an array of ${VDF_CHECKPOINTS_PER_STEP} hashes`);
  }
  return {
    chain: chainField(obj.chain),
    step: intField("step", obj.step, 1),
    output: hashField("output", obj.output),
    checkpoints: checkpoints.map((c, i) => hashField(`checkpoints[${i}]`, c)),
    session: { interval: intField("session.interval", session.interval, 0), seed: hashField("session.seed", session.seed) },
    difficulty: intField("difficulty", obj.difficulty, VDF_ITERATIONS_MIN),
    term: intField("term", obj.term, 1),
    leader: leaderField(obj.leader),
    timeMs: intField("timeMs", obj.timeMs, 0),
  };
}

function checkConsistency(m: VdfStepMessage): void {
  if (!bytesEqual(m.output, m.checkpoints[VDF_CHECKPOINTS_PER_STEP - 1]!)) {
    throw new InconsistentStepError(`step ${m.step}: output is not the last checkpoint`);
  }
  if (m.session.interval !== sessionInterval(m.step)) {
    throw new InconsistentStepError(`step ${m.step}: session interval ${m.session.interval} is not ${sessionInterval(m.step)}`);
  }
}

function checkKeys(what: string, obj: Record<string, unknown>, expected: readonly string[]): void {
  const keys = Object.keys(obj);
  const unknown = keys.filter((k) => !expected.includes(k));
  const missing = expected.filter((k) => !(k in obj));
  if (unknown.length > 0 || missing.length > 0) {
    throw new BadFieldError(`${what}: unknown keys [${unknown.join(",")}], missing keys [${missing.join(",")}]`);
  }
}

function intField(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new BadFieldError(`${name} must be a safe integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function hashField(name: string, value: unknown): Uint8Array {
  if (typeof value !== "string" || !hexPattern.test(value)) {
    throw new BadFieldError(`${name} must be ${VDF_HASH_BYTES * 2} lowercase hex digits`);
  }
  return Buffer.from(value, "hex");
}

function chainField(value: unknown): string {
  if (typeof value !== "string") throw new BadFieldError("chain must be a string");
  try {
    return checkChainName(value);
  } catch (err) {
    throw new BadFieldError((err as Error).message);
  }
}

function leaderField(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > leaderIdCharsMax) {
    throw new BadFieldError(`leader must be a string of 1..${leaderIdCharsMax} characters`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
