// Mining H0 (docs/PROTOCOL.md "Mining"): the rx512 hash (8 programs, pack key) of
// vdf_output(32) || u256be(partition_number) || seed(32) || mining_address(32).
import { BadArgumentError } from "./errors.ts";
import { u256Bytes } from "./mining.ts";
import { checkLength } from "./sha256.ts";
import { RANDOMX_PROGRAM_COUNT, type RandomxContext } from "./randomx.ts";

export interface H0Input {
  vdfOutput: Uint8Array;
  partitionNumber: bigint | number;
  /** The first 32 bytes of the seed block hash. */
  seed: Uint8Array;
  miningAddress: Uint8Array;
}

export function h0Preimage(input: H0Input): Buffer {
  checkLength("vdfOutput", input.vdfOutput, 32);
  checkLength("seed", input.seed, 32);
  checkLength("miningAddress", input.miningAddress, 32);
  const partition = BigInt(input.partitionNumber);
  if (partition < 0n) throw new BadArgumentError(`partitionNumber must be >= 0, got ${partition}`);
  return Buffer.concat([input.vdfOutput, u256Bytes(partition), input.seed, input.miningAddress]);
}

/** H0 for one partition; `ctx` must be rx512 keyed with the pack key. */
export async function computeH0(ctx: RandomxContext, input: H0Input): Promise<Buffer> {
  if (ctx.config !== "rx512") throw new BadArgumentError(`H0 needs an rx512 context, got ${ctx.config}`);
  return ctx.hash(h0Preimage(input), RANDOMX_PROGRAM_COUNT);
}
