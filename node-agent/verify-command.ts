// `main.ts --config FILE --verify PARTITION [--from-slot N --to-slot M]`: re-checks a stored range
// offline (agent stopped): every chunk is re-read, unpacked and its proof re-validated.
import { createPackingContext } from "../native/index.ts";
import type { AgentConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import { Packer } from "./packing/packer.ts";
import { StorageModule } from "./storage/module.ts";
import { verifyModule, type VerifyReport } from "./storage/verify.ts";

export async function verifyOffline(config: AgentConfig, partition: number, fromSlot: number | undefined, toSlot: number | undefined, log: Logger): Promise<VerifyReport> {
  const m = config.modules.find((x) => x.partition === partition);
  if (m === undefined) throw new RangeError(`partition ${partition} is not in the config's modules`);
  const module = await StorageModule.open({ root: m.root, partition, partitionSizeBytes: config.partitionSizeBytes, miningAddress: config.miningAddress, ...config.storage, log });
  try {
    const packer = new Packer(await createPackingContext(config.randomxMode), config.packing);
    return await verifyModule(module, packer, { fromSlot, toSlot, rules: config.proofRules });
  } finally {
    await module.close();
  }
}
