// The worker thread that owns ONE hot process instance. Isolation is the point: the ao loader
// replaces Date.now/performance.now/process.hrtime when imported and swaps Math.random/console.log
// during each call (and does not restore them when a call throws), and a trapped instance is
// unusable, so each process lives in its own worker and is discarded, never repaired.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { gunzipSync, gzipSync } from "node:zlib";
import { decodeSparseImage, encodeSparseImage } from "./image.ts";
import type { EvalResult, LoaderEnv, ModuleMessage, ModuleSpec, WorkerReply, WorkerRequest } from "./types.ts";

type Handle = (
  buffer: ArrayBuffer | Uint8Array | null,
  msg: ModuleMessage,
  env: LoaderEnv,
) => Promise<EvalResult & { Memory: ArrayBuffer | Uint8Array }>;

const wasmPageBytes = 65_536;
/** Snapshots are mostly zero pages; level 1 compresses them ~100x at a fraction of level 6's cost. */
const snapshotGzipLevel = 1;
/**
 * Module stderr lines forwarded per reply; the rest are only counted. A message that hits
 * Memory-Limit makes emscripten report every failed growth attempt (4 lines per allocation).
 */
const moduleStderrLinesMax = 8;

const port = parentPort;
if (port === null) throw new Error("evaluator worker started outside a worker thread");
type AoLoaderFn = (binary: Buffer, options: Record<string, unknown>) => Promise<Handle>;
// Imported before "init" so a pooled worker has paid for it while idle.
const { default: AoLoader } = (await import("@permaweb/ao-loader")) as unknown as { default: AoLoaderFn };
let spec: ModuleSpec | undefined;

// Memory-Limit: refuse growth past the limit. Emscripten's growMemory catches the RangeError and
// reports an allocation failure, which Lua turns into a "not enough memory" error result.
// Patching the prototype is safe only because this worker holds exactly one module instance.
const originalGrow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function grow(this: WebAssembly.Memory, deltaPages: number): number {
  const nextBytes = this.buffer.byteLength + Number(deltaPages) * wasmPageBytes;
  if (spec !== undefined && nextBytes > spec.memoryLimitBytes) {
    throw new RangeError(`Memory-Limit ${spec.memoryLimitBytes} bytes: cannot grow to ${nextBytes}`);
  }
  try {
    return originalGrow.call(this, deltaPages);
  } catch (err) {
    // The final memory64 JS API takes and returns page counts of a 64-bit memory as BigInt; the
    // wasm64 loader (written against V8's experimental flag) passes a Number. Everything else rethrows.
    if (!(err instanceof TypeError) || typeof deltaPages !== "number") throw err;
    const grow = originalGrow as unknown as (this: WebAssembly.Memory, delta: bigint) => bigint;
    // That Number is fractional: the loader's growMemory computes (bytes + 65535) / 65536 without
    // rounding, and the Number API truncates it (ToIndex). BigInt() of a fraction throws a RangeError,
    // which emscripten reports as a failed growth, so malloc returns 0 and every call aborts. Truncate
    // the same way so both APIs grow by the same number of pages.
    return Number(grow.call(this, BigInt(Math.trunc(deltaPages))));
  }
};

let handle: Handle | undefined;
/** The live memory as of the last call (growth detaches older ArrayBuffers). */
let liveMemory: Uint8Array | undefined;
/** A memory image to copy in on the next call (after restore or a dry-run). */
let pendingMemory: Uint8Array | undefined;

// Emscripten's `err` defaults to console.error, bound when the module is created: unstructured lines
// on the pod's stderr. They go to the host instead, which logs them as one structured record.
const stderrLines: string[] = [];
let stderrDropped = 0;

function printErr(text: unknown): void {
  if (stderrLines.length < moduleStderrLinesMax) stderrLines.push(String(text));
  else stderrDropped++;
}

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  if (stderrLines.length > 0 || stderrDropped > 0) {
    port?.postMessage({ type: "module-stderr", lines: stderrLines.splice(0), droppedLines: stderrDropped } satisfies WorkerReply);
    stderrDropped = 0;
  }
  port?.postMessage(reply, transfer);
}

async function load(compiled: WebAssembly.Module | undefined): Promise<void> {
  if (spec === undefined) throw new Error("load before init");
  // A module compiled once on the main thread skips the ~0.5 s compile per instance; the loader
  // accepts an emscripten instantiateWasm callback in place of the binary.
  const binary =
    compiled === undefined
      ? readFileSync(spec.wasmPath)
      : (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
          void WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled));
          return {};
        };
  handle = await AoLoader(binary as Buffer, {
    format: spec.format,
    inputEncoding: "JSON-1",
    outputEncoding: "JSON-1",
    memoryLimit: String(spec.memoryLimitBytes),
    computeLimit: spec.computeLimit,
    extensions: [],
    printErr,
    // Keep the instance hot: the loader then hands back its live heap instead of a copy.
    UNSAFE_MEMORY: true,
  });
}

function currentImage(): Uint8Array | undefined {
  return pendingMemory ?? liveMemory;
}

async function call(message: ModuleMessage, env: LoaderEnv): Promise<EvalResult> {
  if (handle === undefined) throw new Error("module not loaded");
  const buffer = pendingMemory ?? null;
  pendingMemory = undefined;
  const out = await handle(buffer, message, env);
  liveMemory = new Uint8Array(out.Memory instanceof Uint8Array ? out.Memory.buffer : out.Memory);
  return {
    Messages: out.Messages ?? [],
    Spawns: out.Spawns ?? [],
    Output: out.Output ?? "",
    ...(out.Error === undefined ? {} : { Error: out.Error }),
    Assignments: out.Assignments ?? [],
    GasUsed: typeof out.GasUsed === "number" ? out.GasUsed : 0,
  };
}

async function evaluate(message: ModuleMessage, env: LoaderEnv, dryRun: boolean): Promise<void> {
  // A dry run must leave no trace: keep a copy of the image and copy it back in on the next call.
  const before = dryRun ? currentImage()?.slice() : undefined;
  try {
    const result = await call(message, env);
    if (dryRun && before !== undefined) pendingMemory = before;
    post({ type: "evaluated", result, memoryBytes: liveMemory?.byteLength ?? 0 });
  } catch (err) {
    post({ type: "trapped", error: describe(err) });
  }
}

function snapshot(sparse: boolean): void {
  const image = currentImage();
  if (image === undefined) throw new Error("snapshot before the first message");
  const compressed = gzipSync(sparse ? encodeSparseImage(image) : image, { level: snapshotGzipLevel });
  const copy = new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  post({ type: "snapshot", compressed: copy, memoryBytes: image.byteLength }, [compressed.buffer as ArrayBuffer]);
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return typeof err === "string" ? err : JSON.stringify(err);
}

async function init(request: Extract<WorkerRequest, { type: "init" }>): Promise<void> {
  spec = request.spec;
  try {
    await load(request.compiled);
    post({ type: "ready" });
  } catch (err) {
    post({ type: "load-failed", error: describe(err) });
  }
}

async function onRequest(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "init":
      return init(request);
    case "eval":
      return evaluate(request.message, request.env, false);
    case "dry-run":
      return evaluate(request.message, request.env, true);
    case "snapshot":
      return snapshot(request.sparse);
    case "restore":
      pendingMemory = decodeSparseImage(new Uint8Array(gunzipSync(request.compressed)));
      return post({ type: "restored" });
  }
}

// Requests are strictly one at a time (the host waits for each reply), so no queue is needed here.
port.on("message", (request: WorkerRequest) => {
  onRequest(request).catch((err: unknown) => post({ type: "trapped", error: describe(err) }));
});

post({ type: "started" });
