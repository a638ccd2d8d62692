// Shapes shared by the evaluator's main-thread side and its worker threads. The loader message and
// env follow what @permaweb/ao-loader hands to the module's `handle(msg, env)` (JSON-1 encoding).

export interface LoaderTag {
  readonly name: string;
  readonly value: string;
}

export interface LoaderMessage {
  readonly Id: string;
  readonly Signature?: string;
  readonly Owner: string;
  readonly From: string;
  readonly Target?: string;
  readonly Anchor?: string;
  readonly Module: string;
  readonly Epoch?: string;
  readonly Nonce?: string;
  readonly "Block-Height": string;
  readonly Timestamp: string;
  readonly "Hash-Chain"?: string;
  readonly Cron: boolean;
  readonly Tags: readonly LoaderTag[];
  readonly Data: string;
}

/**
 * A generated cron message, shaped as the reference CU hands it to the module: the process's owner as
 * Owner and From, the cron's tags, and no Id, Data, Nonce or Hash-Chain (it was never signed or assigned).
 */
export interface CronLoaderMessage {
  readonly Owner: string;
  readonly From: string;
  readonly Target: string;
  readonly Module: string;
  readonly "Block-Height": string;
  readonly Timestamp: string;
  readonly Cron: true;
  readonly Tags: readonly LoaderTag[];
}

/** What one evaluation applies: a scheduled message or a generated cron message. */
export type ModuleMessage = LoaderMessage | CronLoaderMessage;

export interface LoaderEnv {
  readonly Process: { readonly Id: string; readonly Owner: string; readonly Tags: readonly LoaderTag[] };
  readonly Module: { readonly Id: string; readonly Owner: string; readonly Tags: readonly LoaderTag[] };
}

/** What one message produced. `Error` is set instead of (or beside) Output when evaluation failed. */
export interface EvalResult {
  readonly Messages: readonly unknown[];
  readonly Spawns: readonly unknown[];
  readonly Output: unknown;
  readonly Error?: unknown;
  readonly Assignments: readonly unknown[];
  readonly GasUsed: number;
}

export const moduleFormats = Object.freeze([
  "wasm32-unknown-emscripten4",
  "wasm64-unknown-emscripten-draft_2024_02_15",
  "wasm32-unknown-emscripten2",
] as const);
export type ModuleFormat = (typeof moduleFormats)[number];

/** Everything a worker needs to instantiate one process's module. */
export interface ModuleSpec {
  readonly moduleId: string;
  readonly wasmPath: string;
  readonly format: ModuleFormat;
  /** Linear memory may not grow past this (from Memory-Limit). */
  readonly memoryLimitBytes: number;
  /** Gas per message where the module meters itself (from Compute-Limit). */
  readonly computeLimit: number;
}

export type WorkerRequest =
  /** The first request: which module this worker instantiates (compiled: shared by the pod). */
  | { readonly type: "init"; readonly spec: ModuleSpec; readonly compiled: WebAssembly.Module | undefined }
  | { readonly type: "eval"; readonly message: ModuleMessage; readonly env: LoaderEnv }
  | { readonly type: "dry-run"; readonly message: LoaderMessage; readonly env: LoaderEnv }
  /** sparse: a checkpoint image (evaluator/image.ts); else the whole linear memory (GET /state). */
  | { readonly type: "snapshot"; readonly sparse: boolean }
  | { readonly type: "restore"; readonly compressed: Uint8Array };

export type WorkerReply =
  /** The worker loaded its code and waits for "init" (a pooled worker is idle in this state). */
  | { readonly type: "started" }
  | { readonly type: "ready" }
  | { readonly type: "load-failed"; readonly error: string }
  | { readonly type: "evaluated"; readonly result: EvalResult; readonly memoryBytes: number }
  /** The module trapped: the instance is unusable and the process must be rebuilt. */
  | { readonly type: "trapped"; readonly error: string }
  | { readonly type: "snapshot"; readonly compressed: Uint8Array; readonly memoryBytes: number }
  | { readonly type: "restored" }
  /**
   * What the module wrote to its stderr (emscripten's printErr) since the last reply, e.g. failed
   * heap growth under Memory-Limit; sent just before the reply it precedes, never awaited.
   */
  | { readonly type: "module-stderr"; readonly lines: readonly string[]; readonly droppedLines: number };
