// Runs test/k8s/build-control-plane.sh (a no-op once the cache is complete) and returns the bin directory.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ControlPlaneError } from "./errors.ts";

export const buildScriptPath = fileURLToPath(new URL("./build-control-plane.sh", import.meta.url));
/** A cold build on 2 cores takes about a quarter of this; the rest is headroom for a busy machine. */
export const buildTimeoutMsDefault = 60 * 60 * 1000;
const stderrTailChars = 4_000;

export interface BuildOptions {
  timeoutMs?: number;
  /** Where progress lines go; the build takes minutes the first time, so default to showing them. */
  onProgress?: (chunk: string) => void;
}

export function ensureControlPlaneBinaries(opts: BuildOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? buildTimeoutMsDefault;
  const onProgress = opts.onProgress ?? ((chunk: string) => process.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [buildScriptPath], { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      stderrTail = (stderrTail + text).slice(-stderrTailChars);
      onProgress(text);
    });
    child.on("error", (cause) => reject(new ControlPlaneError("BUILD_FAILED", `cannot run ${buildScriptPath}`, { cause })));
    child.on("close", (code, signal) => {
      const binDir = stdout.trim().split("\n").pop() ?? "";
      if (code === 0 && binDir !== "" && existsSync(binDir)) return resolve(binDir);
      const how = signal === null ? `exit code ${code}` : `signal ${signal} (timeout ${timeoutMs} ms?)`;
      reject(new ControlPlaneError("BUILD_FAILED", `${buildScriptPath} failed with ${how}:\n${stderrTail}`));
    });
  });
}
