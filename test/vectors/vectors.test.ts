// The checker over ../shared/vectors must pass every entry; over altered copies it must fail
// exactly where they were altered (so it really compares, and builds labels from prng_prefix).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkVectorDirectory, vectorFiles } from "./checker.ts";

const sharedVectors = new URL("../../../shared/vectors/", import.meta.url).pathname;
const options = { mode: "light" as const, threads: 2 };

function copyVectors(): string {
  const dir = mkdtempSync(join(tmpdir(), "arkube-vectors-"));
  cpSync(sharedVectors, dir, { recursive: true });
  for (const [file] of vectorFiles) chmodSync(join(dir, file), 0o644);  // shared/ is read-only
  return dir;
}

function editJson(dir: string, file: string, edit: (doc: Record<string, unknown>) => void): void {
  const path = join(dir, file);
  const doc = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  edit(doc);
  writeFileSync(path, JSON.stringify(doc));
}

test("every vector in ../shared/vectors passes", async () => {
  const report = await checkVectorDirectory(sharedVectors, options);
  const failures = report.files.flatMap((f) => f.entries.filter((e) => e.status === "failed").map((e) => `${f.file} ${e.name}: ${e.detail}`));
  assert.deepEqual(failures, []);
  assert.equal(report.files.length, 6);
  for (const f of report.files) assert.ok(f.entries.some((e) => e.status === "passed"), `${f.file} checked nothing`);
  assert.ok(report.passed >= 36, `only ${report.passed} entries passed`);
});

test("a changed answer fails only its own entry", async () => {
  const dir = copyVectors();
  try {
    editJson(dir, "randomx_hash.json", (doc) => {
      const vectors = doc.vectors as Array<{ hash_hex: string }>;
      vectors[1]!.hash_hex = vectors[1]!.hash_hex.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    });
    editJson(dir, "vdf.json", (doc) => {
      const steps = doc.steps as Array<{ x_hex: string[] }>;
      steps[0]!.x_hex[3] = "00".repeat(32);
    });
    const report = await checkVectorDirectory(dir, { ...options, only: ["randomx_hash.json", "vdf.json"] });
    const failed = report.files.flatMap((f) => f.entries.filter((e) => e.status === "failed").map((e) => `${f.file} ${e.name}`));
    assert.deepEqual(failed, ['randomx_hash.json #1 key "default arweave 2.5 pack key"', "vdf.json step 1000 (1000 iterations)"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("labels come from the file's prng_prefix: another prefix changes every derived input", async () => {
  const dir = copyVectors();
  try {
    editJson(dir, "feistel.json", (doc) => (doc.prng_prefix = "other-ref"));
    const report = await checkVectorDirectory(dir, { ...options, only: ["feistel.json"] });
    const entries = report.files[0]!.entries;
    assert.equal(entries.length, 3);
    for (const e of entries) {
      assert.equal(e.status, "failed");
      assert.match(e.detail ?? "", /plaintext sha256/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the CLI prints a line per file, ends with `N passed, M failed` and exits non-zero on failure", async () => {
  const dir = copyVectors();
  try {
    editJson(dir, "mining.json", (doc) => ((doc.vectors as Array<{ h2_hex: string }>)[0]!.h2_hex = "ff".repeat(32)));
    const cli = new URL("./cli.ts", import.meta.url).pathname;
    const only = ["feistel.json", "mining.json"];
    const args = ["--import", "tsx", cli, dir, "--only", only.join(",")];
    const run = promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
    const err = await run.then(
      () => assert.fail("the CLI must exit non-zero"),
      (e: { code: number; stdout: string }) => e,
    );
    assert.equal(err.code, 1);
    const lines = err.stdout.trim().split("\n");
    assert.equal(lines.at(-1), "5 passed, 1 failed");
    for (const file of only) assert.ok(lines.some((l) => l.startsWith(`${file}: `)), `no line for ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
