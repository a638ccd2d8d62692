// Public surface of the chunk-sync proof library (pure TypeScript, node:crypto only).
// Conventions: weave offsets and Merkle notes are bigint (u256 on the wire); byte lengths of single
// buffers are numbers. Validators return discriminated unions (a rejected proof is an expected
// outcome); codecs throw SyncError subclasses. Every error has a stable `code`.
export * from "./constants.ts";
export * from "./errors.ts";
export { sha256, u256be } from "./bytes.ts";
export * from "./merkle.ts";
export * from "./validate-path.ts";
export * from "./offsets.ts";
export * from "./chunk-proof.ts";
export * from "./http-formats.ts";
