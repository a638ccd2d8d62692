// Arweave deep hash (SHA-384): a hash over a tree of byte strings in which a blob and a list of
// blobs with the same bytes hash differently, because every node's tag includes its kind and size.
import { createHash } from "node:crypto";

/** A byte string, or a list of deep-hash inputs (nested to any depth). */
export type DeepHashInput = Uint8Array | readonly DeepHashInput[];

/** SHA-384 output size. */
export const deepHashBytes = 48;

function sha384(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash("sha384");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

// The tag is the ASCII kind followed by the size as decimal digits ("blob5", "list8").
function kindTag(kind: "blob" | "list", size: number): Uint8Array {
  return sha384(Buffer.from(`${kind}${size}`, "ascii"));
}

function deepHashBlob(blob: Uint8Array): Uint8Array {
  return sha384(kindTag("blob", blob.length), sha384(blob));
}

function deepHashList(list: readonly DeepHashInput[]): Uint8Array {
  let accumulator = kindTag("list", list.length);
  for (const element of list) accumulator = sha384(accumulator, deepHash(element));
  return accumulator;
}

/**
 * deepHash(blob) = H(H("blob" ‖ len) ‖ H(blob));
 * deepHash(list) = fold of acc = H(acc ‖ deepHash(element)) starting from acc = H("list" ‖ len).
 */
export function deepHash(input: DeepHashInput): Uint8Array {
  return input instanceof Uint8Array ? deepHashBlob(input) : deepHashList(input);
}
