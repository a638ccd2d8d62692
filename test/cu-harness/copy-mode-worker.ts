// The reference CU's way of evaluating, for the bench's comparison: the loader without
// UNSAFE_MEMORY, the whole memory copied in and out on every message. In a worker because the
// loader replaces the thread's clocks when imported.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

type Handle = (buffer: ArrayBuffer | null, msg: unknown, env: unknown) => Promise<{ Memory: ArrayBuffer; Output: unknown }>;
interface Job {
  readonly messages: readonly unknown[];
  readonly env: unknown;
}

const port = parentPort;
if (port === null) throw new Error("copy-mode worker outside a worker thread");
const { wasmPath, format } = workerData as { wasmPath: string; format: string };
const { default: AoLoader } = (await import("@permaweb/ao-loader")) as unknown as {
  default: (binary: Buffer, options: Record<string, unknown>) => Promise<Handle>;
};
const handle = await AoLoader(readFileSync(wasmPath), { format, inputEncoding: "JSON-1", outputEncoding: "JSON-1", memoryLimit: "1073741824", computeLimit: 9e12, extensions: [] });
let memory: ArrayBuffer | null = null;
port.on("message", (job: Job) => {
  void (async () => {
    let last: unknown;
    for (const message of job.messages) {
      const out = await handle(memory, message, job.env);
      memory = out.Memory;
      last = out.Output;
    }
    port.postMessage({ done: job.messages.length, last });
  })();
});
port.postMessage({ ready: true });
