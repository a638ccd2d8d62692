// `main.ts --config FILE --verify PARTITION [--disk PATH] [--from-slot N --to-slot M]`: re-checks a stored range
// offline (agent stopped): every chunk is re-read, unpacked and its proof re-validated.
import { createPackingContext } from "../native/index.ts";
import type { AgentConfig } from "./config.ts";
import { detectHost } from "./host.ts";
import type { Logger } from "./log.ts";
import { Packer } from "./packing/packer.ts";
import { planResources, resolveConfig } from "./resources.ts";
import { StorageModule } from "./storage/module.ts";
import { verifyModule, type VerifyReport } from "./storage/verify.ts";

/** `root`: the disk holding the module (a Partition's diskPath); default: the config's `modules` entry. */
export async function verifyOffline(config: AgentConfig, partition: number, fromSlot: number | undefined, toSlot: number | undefined, log: Logger, root?: string): Promise<VerifyReport> {
  const m = root === undefined ? config.modules.find((x) => x.partition === partition) : { root };
  if (m === undefined) throw new RangeError(`partition ${partition} is not in the config's modules (pass --disk PATH)`);
  const module = await StorageModule.open({ root: m.root, partition, partitionSizeBytes: config.partitionSizeBytes, miningAddress: config.miningAddress, ...config.storage, log });
  try {
    // Nothing is mined while verifying: the unpacking gets every CPU the config does not pin.
    const resolved = resolveConfig(config, planResources(config, await detectHost(), 0));
    const packer = new Packer(await createPackingContext(resolved.randomxMode), resolved.packing);
    return await verifyModule(module, packer, { fromSlot, toSlot, rules: config.proofRules });
  } finally {
    await module.close();
  }
}
