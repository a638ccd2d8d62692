// Both SHA-256 implementations against node:crypto on random inputs of every shape the core
// treats specially (empty, block boundaries, 64-byte pieces, 256 KiB chunks), and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { BadArgumentError, BadLengthError, cpuFeatures, NoCpuFeatureError, sha256, sha256Each, type ShaImplName } from "../index.ts";
import { hex } from "./vectors.ts";

const impls: ShaImplName[] = [
  "auto",
  ...(cpuFeatures().avx512 ? (["avx512"] as const) : []),
  ...(cpuFeatures().shaNi ? (["ni"] as const) : []),
  "portable",
];
const reference = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

for (const sha of impls) {
  test(`sha256 (${sha}) matches node:crypto on lengths 0..300 and beyond`, () => {
    const data = randomBytes(300_000);
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4095, 4096, 4097, 262_144, 262_184, 300_000];
    for (const length of lengths) {
      const offset = length % 7; // unaligned starts
      const input = data.subarray(offset, offset + Math.min(length, data.length - offset));
      assert.equal(hex(sha256(input, { sha })), reference(input), `length ${input.length}`);
    }
  });

  test(`sha256Each (${sha}) matches node:crypto per piece`, async () => {
    for (const [pieceBytes, count] of [
      [64, 1],
      [64, 9],
      [64, 16],
      [64, 25], // a 16-lane batch, then a padded one of 9
      [64, 37], // two 16-lane batches, then pairs and a single
      [1, 5],
      [63, 4],
      [65, 3],
      [100, 7],
      [100, 16],
      [1000, 20],
      [262_144, 3],
      [262_144, 17],
    ] as const) {
      const data = randomBytes(pieceBytes * count);
      const digests = await sha256Each(data, pieceBytes, { sha });
      for (let i = 0; i < count; i += 1) {
        const piece = data.subarray(i * pieceBytes, (i + 1) * pieceBytes);
        assert.equal(hex(digests.subarray(32 * i, 32 * i + 32)), reference(piece), `${count} x ${pieceBytes}, piece ${i}`);
      }
    }
  });
}

test("asking for SHA-NI or AVX-512 is an error exactly when the CPU lacks it", () => {
  const features = cpuFeatures();
  for (const [sha, present] of [
    ["ni", features.shaNi],
    ["avx512", features.avx512],
  ] as const) {
    if (present) {
      assert.equal(hex(sha256(Buffer.alloc(0), { sha })), reference(Buffer.alloc(0)));
    } else {
      assert.throws(() => sha256(Buffer.alloc(0), { sha }), NoCpuFeatureError);
    }
  }
});

test("bad arguments are rejected with typed errors", async () => {
  assert.throws(() => sha256(Buffer.alloc(1), { sha: "avx" as ShaImplName }), BadArgumentError);
  assert.throws(() => sha256(Buffer.alloc(17 << 20)), BadLengthError);
  await assert.rejects(sha256Each(Buffer.alloc(0), 64), BadLengthError);
  await assert.rejects(sha256Each(Buffer.alloc(100), 64), BadLengthError);
  await assert.rejects(sha256Each(Buffer.alloc(128), 0), BadArgumentError);
  await assert.rejects(sha256Each(Buffer.alloc(128), 64, { out: Buffer.alloc(32) }), BadLengthError);
});
