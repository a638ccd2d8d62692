// The ao scheduler Hash-Chain tag.
//   Hash-Chain(n) = b64url(SHA-256(id(n-1) ‖ Hash-Chain(n-1)))   (raw 32-byte values, id first)
// where id(n-1) is the id of the previous ASSIGNMENT item the scheduler signed (not of the message
// it assigned). Genesis, the process's own assignment at nonce 0: b64url(SHA-256(process id)) — the
// id part is left out and the process id stands in for the previous Hash-Chain. Older processes had
// no assignment of their own, and their first message got the same genesis value.
import { concatBytes, decodeId, sha256, toBase64Url } from "./bytes.ts";
import { HashChainMismatchError } from "./errors.ts";

/** What a Hash-Chain follows from: the process (genesis) or the previous assignment. */
export type HashChainPredecessor =
  | { readonly type: "genesis"; readonly processId: string }
  | { readonly type: "assignment"; readonly assignmentId: string; readonly hashChain: string };

/**
 * The bytes that are hashed. Inputs must be canonical base64url of exactly 32 bytes, as the ao SU
 * requires (the reference CU decodes leniently; we do not).
 */
export function hashChainPreimage(predecessor: HashChainPredecessor): Uint8Array {
  if (predecessor.type === "genesis") return decodeId(predecessor.processId, "process id");
  return concatBytes([
    decodeId(predecessor.assignmentId, "previous assignment id"),
    decodeId(predecessor.hashChain, "previous Hash-Chain"),
  ]);
}

export function computeHashChain(predecessor: HashChainPredecessor): string {
  return toBase64Url(sha256(hashChainPreimage(predecessor)));
}

export function genesisHashChain(processId: string): string {
  return computeHashChain({ type: "genesis", processId });
}

export function nextHashChain(previousAssignmentId: string, previousHashChain: string): string {
  return computeHashChain({ type: "assignment", assignmentId: previousAssignmentId, hashChain: previousHashChain });
}

/** Throws HashChainMismatchError unless `hashChain` follows from `predecessor`. */
export function assertHashChain(predecessor: HashChainPredecessor, hashChain: string): void {
  const expected = computeHashChain(predecessor);
  if (expected !== hashChain) throw new HashChainMismatchError(expected, hashChain);
}
