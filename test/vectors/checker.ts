// Checks a directory shaped like ../shared/vectors: the six known-answer files of RandomX rx512,
// packing entropy, the Feistel cipher, spora_2_6 packing, the VDF and the mining hashes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CheckContext, type CheckOptions } from "./context.ts";
import type { EntryResult } from "./report.ts";
import { checkRandomxEntropy, checkRandomxHash } from "./checks/randomx.ts";
import { checkFeistel } from "./checks/feistel.ts";
import { checkPacking } from "./checks/packing.ts";
import { checkVdf } from "./checks/vdf.ts";
import { checkMining } from "./checks/mining.ts";

type FileCheck = (doc: Record<string, unknown>, ctx: CheckContext) => Promise<EntryResult[]>;

export const vectorFiles: ReadonlyArray<[string, FileCheck]> = [
  ["randomx_hash.json", checkRandomxHash],
  ["randomx_entropy.json", checkRandomxEntropy],
  ["feistel.json", checkFeistel],
  ["spora26_packing.json", checkPacking],
  ["vdf.json", checkVdf],
  ["mining.json", checkMining],
];

export interface FileReport {
  file: string;
  entries: EntryResult[];
  seconds: number;
}

export interface DirectoryReport {
  files: FileReport[];
  passed: number;
  failed: number;
  skipped: number;
}

async function checkFile(dir: string, file: string, check: FileCheck, ctx: CheckContext): Promise<FileReport> {
  const started = performance.now();
  let entries: EntryResult[];
  try {
    const doc = JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, unknown>;
    if (typeof doc.prng_prefix !== "string") throw new Error('no string "prng_prefix"');
    entries = await check(doc, ctx);
  } catch (err) {
    entries = [{ name: file, status: "failed", detail: `cannot check: ${(err as Error).message}` }];
  }
  return { file, entries, seconds: (performance.now() - started) / 1000 };
}

/** Checks every file; `onFile` sees each file's report as soon as it is done (progress). */
export async function checkVectorDirectory(
  dir: string,
  options: CheckOptions & { only?: readonly string[] },
  onFile?: (report: FileReport) => void,
): Promise<DirectoryReport> {
  const ctx = new CheckContext(options);
  const files: FileReport[] = [];
  for (const [file, check] of vectorFiles) {
    if (options.only && !options.only.includes(file)) continue;
    const report = await checkFile(dir, file, check, ctx);
    onFile?.(report);
    files.push(report);
  }
  const count = (status: EntryResult["status"]) =>
    files.reduce((n, f) => n + f.entries.filter((e) => e.status === status).length, 0);
  return { files, passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
}

/** One line per file: `name: P passed, F failed[, S skipped] (T s)`, then the failures indented. */
export function formatFileReport(report: FileReport): string {
  const n = (status: EntryResult["status"]) => report.entries.filter((e) => e.status === status).length;
  const skipped = n("skipped") > 0 ? `, ${n("skipped")} skipped` : "";
  const lines = [`${report.file}: ${n("passed")} passed, ${n("failed")} failed${skipped} (${report.seconds.toFixed(1)} s)`];
  for (const e of report.entries) {
    if (e.status !== "passed") lines.push(`  ${e.status}: ${e.name}: ${e.detail ?? ""}`);
  }
  return lines.join("\n");
}
