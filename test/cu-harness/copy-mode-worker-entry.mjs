// Entry of the bench's copy-mode worker: Node 20 workers do not inherit `--import tsx`.
import { register } from "tsx/esm/api";

register();
await import("./copy-mode-worker.ts");
