// Entry of an evaluator worker thread. Node 20 does not carry the main thread's `--import tsx`
// loader hooks into worker threads, so the worker registers tsx itself before loading worker.ts.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
