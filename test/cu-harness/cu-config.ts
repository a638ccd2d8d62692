// A compute pod config for tests: loopback ports chosen by the OS, small bounds, the shared test seed.
import { cuBoundsDefault, type CuConfig } from "../../cu/config.ts";
import { ed25519PrivateKeyFromSeed, ownerAddress, signerFromPrivateKey } from "../../protocol/ao/index.ts";
import { aos2Module } from "./ao-items.ts";

/** Every pod of one test cluster signs with this seed (the cluster key is shared by design). */
export const testClusterSeedHex = "11".repeat(32);

export function testCuConfig(natsUrl: string, podId: string, bounds: Partial<CuConfig["bounds"]> = {}): CuConfig {
  return {
    nats: { url: natsUrl, replicas: 1 },
    http: { host: "127.0.0.1", port: 0 },
    grpc: { host: "127.0.0.1", port: 0, advertise: undefined },
    podId,
    walletSeedHex: testClusterSeedHex,
    blockHeight: 1_500_000,
    modules: [aos2Module()],
    checkpointCacheDir: undefined,
    bounds: { ...cuBoundsDefault, heartbeatIntervalMs: 250, memberTtlMs: 2_000, ...bounds },
  };
}

/** Lua for the counting processes of the messenger and cluster tests. */
export const countingHandlers = [
  "Count = Count or 0; Tallies = Tallies or {}",
  "Handlers.add('count', Handlers.utils.hasMatchingTag('Action', 'Count'), function(m)",
  "  Count = Count + 1",
  "  if m.Tags['Forward-To'] then Send({ Target = m.Tags['Forward-To'], Action = 'Tally', Data = tostring(Count) }) end",
  "end)",
  "Handlers.add('tally', Handlers.utils.hasMatchingTag('Action', 'Tally'), function(m)",
  "  table.insert(Tallies, m.From .. ':' .. m.Data)",
  "end)",
  "return 'ok'",
].join("\n");

/** The address the test cluster signs with: processes name it as their Authority so aos trusts forwarded messages. */
export function testClusterAddress(): string {
  return ownerAddress(signerFromPrivateKey(ed25519PrivateKeyFromSeed(Buffer.from(testClusterSeedHex, "hex"))).owner);
}
