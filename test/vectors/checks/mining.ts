// mining.json: H0 preimage and H0 (rx512), both recall range starts, H1 and H2 for one nonce.
import { createHash } from "node:crypto";
import {
  ARWEAVE_PACK_KEY,
  computeH0,
  computeH1s,
  computeH2s,
  h0Preimage,
  PARTITION_SIZE_DEFAULT,
  recallRangeStarts,
} from "../../../native/index.ts";
import { checkEntry, type EntryResult, type EntryCheck } from "../report.ts";
import { field, type CheckContext } from "../context.ts";
import { prngLabel, prngStream } from "../prng.ts";

export interface MiningVector {
  index: number;
  vdf_output_hex: string;
  partition_number: number;
  seed_hex: string;
  mining_addr_hex: string;
  h0_preimage_hex: string;
  h0_hex: string;
  partition_upper_bound: number;
  recall_range1_start: number;
  recall_range2_start: number;
  recall_range2_partition: number;
  nonce: number;
  h1_preimage_hex: string;
  h1_hex: string;
  h2_preimage_hex: string;
  h2_hex: string;
}

const chunkBytes = 262_144;
const fromHex = (hex: string) => Buffer.from(hex, "hex");
const sha256 = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();

export async function checkMining(doc: Record<string, unknown>, ctx: CheckContext): Promise<EntryResult[]> {
  const prefix = field<string>(doc, "prng_prefix");
  const rx = await ctx.rx512(ARWEAVE_PACK_KEY.toString("ascii"));
  const results: EntryResult[] = [];
  for (const v of field<MiningVector[]>(doc, "vectors")) {
    results.push(
      await checkEntry(`#${v.index} (partition ${v.partition_number}, nonce ${v.nonce})`, async (check) => {
        const input = {
          vdfOutput: fromHex(v.vdf_output_hex),
          partitionNumber: v.partition_number,
          seed: fromHex(v.seed_hex),
          miningAddress: fromHex(v.mining_addr_hex),
        };
        check.equal("H0 preimage", h0Preimage(input).toString("hex"), v.h0_preimage_hex);
        const h0 = await computeH0(rx, input);
        check.equal("H0", h0.toString("hex"), v.h0_hex);
        checkRecallRanges(check, fromHex(v.h0_hex), v);
        await checkH1H2(check, prefix, fromHex(v.h0_hex), v);
      }),
    );
  }
  return results;
}

function checkRecallRanges(check: EntryCheck, h0: Buffer, v: MiningVector): void {
  const { range1Start, range2Start } = recallRangeStarts(h0, v.partition_number, v.partition_upper_bound);
  check.equal("recall range 1", range1Start, BigInt(v.recall_range1_start));
  check.equal("recall range 2", range2Start, BigInt(v.recall_range2_start));
  check.equal("range 2 partition", range2Start / PARTITION_SIZE_DEFAULT, BigInt(v.recall_range2_partition));
}

async function checkH1H2(check: EntryCheck, prefix: string, h0: Buffer, v: MiningVector): Promise<void> {
  const chunk1 = prngStream(prngLabel(prefix, "h1-chunk"), v.index, chunkBytes);
  const chunk2 = prngStream(prngLabel(prefix, "h2-chunk"), v.index, chunkBytes);
  const nonce = Buffer.alloc(8);
  nonce.writeBigUInt64BE(BigInt(v.nonce));
  check.equal("H1 preimage", sha256(h0, nonce, chunk1).toString("hex"), v.h1_preimage_hex);
  const h1 = await computeH1s(h0, chunk1, { difficulty: 0n, firstNonce: v.nonce });
  check.equal("H1", h1.hashes.toString("hex"), v.h1_hex);
  check.equal("H2 preimage", sha256(h1.hashes, chunk2).toString("hex"), v.h2_preimage_hex);
  const h2 = await computeH2s(h0, h1.hashes, chunk2, { difficulty: 0n });
  check.equal("H2", h2.hashes.toString("hex"), v.h2_hex);
}
