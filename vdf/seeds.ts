// Where entropy-reset seeds come from. Arweave mixes in the hash of a block (the session's next seed);
// arkube takes them from configuration for now and from an Arweave node's block index later, so the
// producer and verifier only see this interface.
import { createHash } from "node:crypto";
import { VDF_HASH_BYTES } from "../protocol/vdf/index.ts";

export interface SeedSource {
  /** The 32-byte seed mixed in at step interval * 1200 (and named by every step of that interval). */
  seedForInterval(interval: number): Promise<Uint8Array>;
}

export class SeedUnavailableError extends Error {
  readonly code = "ERR_VDF_SEED_UNAVAILABLE";
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An explicit list: seeds[i] is the seed of interval firstInterval + i. */
export class ListSeedSource implements SeedSource {
  constructor(
    private readonly seeds: readonly Uint8Array[],
    private readonly firstInterval: number,
  ) {
    seeds.forEach((s, i) => {
      if (s.length !== VDF_HASH_BYTES) throw new SeedUnavailableError(`seed ${i} has ${s.length} bytes, not ${VDF_HASH_BYTES}`);
    });
  }

  seedForInterval(interval: number): Promise<Uint8Array> {
    const seed = this.seeds[interval - this.firstInterval];
    if (seed === undefined) {
      return Promise.reject(new SeedUnavailableError(`no seed configured for interval ${interval}`));
    }
    return Promise.resolve(seed);
  }
}

/** SHA256("arkube-vdf-seed" || domain || u64be(interval)): deterministic seeds for devnets and tests. */
export class DerivedSeedSource implements SeedSource {
  constructor(private readonly domain: string) {}

  seedForInterval(interval: number): Promise<Uint8Array> {
    const n = Buffer.alloc(8);
    n.writeBigUInt64BE(BigInt(interval));
    return Promise.resolve(createHash("sha256").update("arkube-vdf-seed").update(this.domain).update(n).digest());
  }
}
