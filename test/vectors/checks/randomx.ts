// randomx_hash.json (plain rx512 hashes) and randomx_entropy.json (scratchpad after N programs).
import { checkEntry, type EntryResult } from "../report.ts";
import { field, type CheckContext } from "../context.ts";
import { prngLabel, prngStream, sha256Hex } from "../prng.ts";

interface HashVector {
  key_ascii: string;
  input_hex: string;
  hash_hex: string;
}

export async function checkRandomxHash(doc: Record<string, unknown>, ctx: CheckContext): Promise<EntryResult[]> {
  const vectors = field<HashVector[]>(doc, "vectors");
  return Promise.all(
    vectors.map((v, i) =>
      checkEntry(`#${i} key "${v.key_ascii}"`, async (check) => {
        const rx = await ctx.rx512(v.key_ascii);
        const hash = await rx.hash(Buffer.from(v.input_hex, "hex"));
        check.equal("hash", hash.toString("hex"), v.hash_hex);
      }),
    ),
  );
}

interface EntropyVector {
  program_count: number;
  entropy_256k_sha256: string;
  scratchpad_2m_sha256: string;
  entropy_first64_hex: string;
}

const packKey = "default arweave 2.5 pack key";
const entropyBytes = 262_144;

export async function checkRandomxEntropy(doc: Record<string, unknown>, ctx: CheckContext): Promise<EntryResult[]> {
  const prefix = field<string>(doc, "prng_prefix");
  const inputHex = field<string>(doc, "input_hex");
  const derived = prngStream(prngLabel(prefix, "entropy-in"), 0, 32).toString("hex");
  const results = [
    await checkEntry("input = prng_stream({prefix}-entropy-in, 0, 32)", async (check) => {
      check.equal("input", derived, inputHex);
    }),
  ];
  const rx = await ctx.rx512(packKey);
  for (const v of field<EntropyVector[]>(doc, "vectors")) {
    results.push(
      await checkEntry(`${v.program_count} programs`, async (check) => {
        const scratchpad = await rx.scratchpad(Buffer.from(inputHex, "hex"), v.program_count);
        check.equal("entropy sha256", sha256Hex(scratchpad.subarray(0, entropyBytes)), v.entropy_256k_sha256);
        check.equal("scratchpad sha256", sha256Hex(scratchpad), v.scratchpad_2m_sha256);
        check.equal("entropy first 64", scratchpad.subarray(0, 64).toString("hex"), v.entropy_first64_hex);
      }),
    );
  }
  return results;
}
