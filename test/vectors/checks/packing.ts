// spora26_packing.json: packing key, 360-program entropy, packed chunk, and unpacking back.
import {
  ARWEAVE_PACK_KEY,
  packChunks,
  packingKey,
  PACKING_PROGRAMS_2_6,
  unpackChunk,
} from "../../../native/index.ts";
import { checkEntry, skipped, type EntryResult } from "../report.ts";
import { field, type CheckContext } from "../context.ts";
import { prngLabel, prngStream, sha256Hex } from "../prng.ts";

interface PackingVector {
  index: number;
  chunk_end_offset: number;
  chunk_size: number;
  tx_root_hex: string;
  reward_addr_hex: string;
  chunk_sha256: string;
  packing_key_hex: string;
  entropy_sha256: string;
  entropy_first64_hex: string;
  packed_sha256: string;
  packed_first64_hex: string;
  packed_last64_hex: string;
}

const entropyBytes = 262_144;

export async function checkPacking(doc: Record<string, unknown>, ctx: CheckContext): Promise<EntryResult[]> {
  const prefix = field<string>(doc, "prng_prefix");
  const rx = await ctx.rx512(ARWEAVE_PACK_KEY.toString("ascii"));
  const vectors = field<PackingVector[]>(doc, "vectors");
  const inputs = vectors.map((v) => ({
    chunk: prngStream(prngLabel(prefix, "chunk"), v.index, v.chunk_size),
    txRoot: prngStream(prngLabel(prefix, "txroot"), v.index, 32),
    address: prngStream(prngLabel(prefix, "addr"), v.index, 32),
  }));
  const keys = vectors.map((v, i) => packingKey(v.chunk_end_offset, inputs[i]!.txRoot, inputs[i]!.address));
  // One batched call packs every chunk (threads in parallel), as the node agent does.
  const packed = await packChunks(rx, keys.map((key, i) => ({ key, chunk: inputs[i]!.chunk })), {
    threads: ctx.options.threads,
  });
  // Entries run concurrently: each one's entropy and unpacking are independent native calls.
  const results: EntryResult[] = await Promise.all(
    vectors.map((v, i) =>
      checkEntry(`#${v.index} (end ${v.chunk_end_offset}, ${v.chunk_size} bytes)`, async (check) => {
        const input = inputs[i]!;
        check.equal("tx_root", input.txRoot.toString("hex"), v.tx_root_hex);
        check.equal("reward address", input.address.toString("hex"), v.reward_addr_hex);
        check.equal("chunk sha256", sha256Hex(input.chunk), v.chunk_sha256);
        check.equal("packing key", keys[i]!.toString("hex"), v.packing_key_hex);
        const entropy = (await rx.scratchpad(keys[i]!, PACKING_PROGRAMS_2_6)).subarray(0, entropyBytes);
        check.equal("entropy sha256", sha256Hex(entropy), v.entropy_sha256);
        check.equal("entropy first 64", entropy.subarray(0, 64).toString("hex"), v.entropy_first64_hex);
        const slot = packed.subarray(i * entropyBytes, (i + 1) * entropyBytes);
        check.equal("packed sha256", sha256Hex(slot), v.packed_sha256);
        check.equal("packed first 64", slot.subarray(0, 64).toString("hex"), v.packed_first64_hex);
        check.equal("packed last 64", slot.subarray(slot.length - 64).toString("hex"), v.packed_last64_hex);
        const unpacked = await unpackChunk(rx, keys[i]!, slot, v.chunk_size);
        check.equal("unpacks to the chunk", unpacked.equals(input.chunk), true);
      }),
    ),
  );
  // These two need arweave's fixture files (address.bin, key.bin, ...), which the vectors do not ship.
  if ("arweave_fixture_inputs" in doc) results.push(skipped("arweave_fixture_inputs", "needs arweave's fixture files"));
  if ("arweave_fixture_8_programs" in doc) results.push(skipped("arweave_fixture_8_programs", "needs arweave's fixture files"));
  return results;
}
