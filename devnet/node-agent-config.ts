// The ONE place the devnet knows the node agent's config format (node-agent/config.ts, still moving).
// Partitions go to local directories through the operator's pure placement function, exactly as the
// operator places them on nodes' disks; only the disks' origin differs. When node-agent/main.ts does
// not exist, nodeAgentMain() is undefined and the devnet starts no agent.
// Still to wire by the node-agent owner: `peers` (the synthetic weave as a chunk source), and the
// status fields read from the agent's metrics (devnet/status/model.ts: partitions, H1/H2, solutions).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { place, type Disk } from "../operator/placement/placement.ts";
import type { DevnetConfig } from "./config.ts";

export interface NodeAgentPlan {
  readonly name: string;
  /** Directories standing in for this node's disks (created by the launcher). */
  readonly diskDirs: readonly string[];
  /** The agent's config file contents (JSON is valid YAML). */
  readonly configText: string;
  readonly metricsPort: number;
}

/** node-agent/main.ts if it exists, else undefined (devnet then runs without storage/mining). */
export function nodeAgentMain(repoRoot: string): string | undefined {
  const path = join(repoRoot, "node-agent", "main.ts");
  return existsSync(path) ? path : undefined;
}

/** Pure: one plan per agent; `metricsPorts[i]` already resolved (no port 0). */
export function planNodeAgents(config: DevnetConfig, natsUrl: string, iterationsPerCheckpoint: number, metricsPorts: readonly number[]): NodeAgentPlan[] {
  const n = config.nodeAgents;
  const nodes = Array.from({ length: n.count }, (_, i) => `node-${i}`);
  const disks: Disk[] = nodes.flatMap((node) =>
    Array.from({ length: n.disksPerNode }, (_, d) => ({ node, path: join(config.dataDir, "disks", node, `disk-${d}`), capacityBytes: n.diskCapacityBytes })),
  );
  const placed = place({ indices: n.partitions, partitionSizeBytes: n.partitionSizeBytes, disks, existing: [], policy: "Spread", allowMovingPacked: false });
  // A deterministic devnet mining address: the same on every start so packed data stays valid.
  const miningAddress = createHash("sha256").update(`arkube-devnet:mining:${config.vdf.chain}`).digest().toString("base64url");
  return nodes.map((node, i) => {
    const diskDirs = disks.filter((d) => d.node === node).map((d) => d.path);
    const modules = placed.assignments.filter((a) => a.node === node).map((a) => ({ partition: a.index, root: a.path }));
    const agent = {
      nodeName: node,
      natsUrl,
      miningAddressB64Url: miningAddress,
      partitionSizeBytes: String(n.partitionSizeBytes),
      dataRoots: diskDirs,
      modules,
      peers: [],
      randomxMode: "light",
      mining: { enabled: true, chain: config.vdf.chain, iterationsPerCheckpoint, genesisOutputHex: "00".repeat(32), replica: "devnet" },
      adminPort: 0,
      adminHost: config.host,
      metricsPort: metricsPorts[i] ?? 0,
    };
    return { name: `node-agent-${i}`, diskDirs, configText: JSON.stringify(agent, null, 2), metricsPort: metricsPorts[i] ?? 0 };
  });
}
