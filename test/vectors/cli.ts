// npm run -s vectors -- DIR [--fast] [--threads N] [--only FILE,FILE]
// Checks a vector directory shaped like ../shared/vectors; prints one line per file and ends with
// `N passed, M failed`. Exit code 1 when anything failed, 2 on bad usage.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { checkVectorDirectory, formatFileReport, vectorFiles } from "./checker.ts";

function usage(message: string): never {
  console.error(`vectors: ${message}\nusage: npm run -s vectors -- DIR [--fast] [--threads N] [--only FILE,FILE]`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { fast: { type: "boolean", default: false }, threads: { type: "string" }, only: { type: "string" } },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const dir = parsed.positionals[0];
  if (!dir || parsed.positionals.length > 1) usage("give exactly one vector directory");
  const threads = parsed.values.threads === undefined ? availableParallelism() : Number(parsed.values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) usage("--threads must be an integer in [1, 64]");
  const only = parsed.values.only?.split(",");
  const known = vectorFiles.map(([file]) => file);
  for (const file of only ?? []) if (!known.includes(file)) usage(`--only: unknown file ${file} (known: ${known.join(", ")})`);
  const mode = parsed.values.fast ? "fast" : "light";
  const report = await checkVectorDirectory(dir, { mode, threads, ...(only ? { only } : {}) }, (file) =>
    console.log(formatFileReport(file)),
  );
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : "";
  console.log(`${report.passed} passed, ${report.failed} failed${skipped}`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}

await main();
