// feistel.json: the packing cipher alone on prng plaintexts and keys.
import { feistelDecrypt, feistelEncrypt } from "../../../native/index.ts";
import { checkEntry, type EntryResult } from "../report.ts";
import { field } from "../context.ts";
import { prngLabel, prngStream, sha256Hex } from "../prng.ts";

interface FeistelVector {
  index: number;
  length: number;
  plaintext_sha256: string;
  key_sha256: string;
  ciphertext_hex?: string;
  ciphertext_first64_hex: string;
  ciphertext_sha256: string;
}

export async function checkFeistel(doc: Record<string, unknown>): Promise<EntryResult[]> {
  const prefix = field<string>(doc, "prng_prefix");
  const results: EntryResult[] = [];
  for (const v of field<FeistelVector[]>(doc, "vectors")) {
    results.push(
      await checkEntry(`#${v.index} (${v.length} bytes)`, async (check) => {
        const plaintext = prngStream(prngLabel(prefix, "feistel-pt"), v.index, v.length);
        const key = prngStream(prngLabel(prefix, "feistel-key"), v.index, v.length);
        check.equal("plaintext sha256", sha256Hex(plaintext), v.plaintext_sha256);
        check.equal("key sha256", sha256Hex(key), v.key_sha256);
        const ciphertext = await feistelEncrypt(plaintext, key);
        check.equal("ciphertext sha256", sha256Hex(ciphertext), v.ciphertext_sha256);
        check.equal("ciphertext first 64", ciphertext.subarray(0, 64).toString("hex"), v.ciphertext_first64_hex);
        if (v.ciphertext_hex !== undefined) check.equal("ciphertext", ciphertext.toString("hex"), v.ciphertext_hex);
        const decrypted = await feistelDecrypt(ciphertext, key, { threads: 2 });
        check.equal("decrypt round trip", decrypted.equals(plaintext), true);
      }),
    );
  }
  return results;
}
