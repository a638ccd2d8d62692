// The ONE place the devnet knows the node agent's config format (node-agent/config.ts) and the
// synthetic weave's command line (test/weave/main.ts). Partitions go to local directories through the
// operator's pure placement function, exactly as the operator places them on nodes' disks; only the
// disks' origin differs. The weave is every agent's only peer. When node-agent/main.ts does not exist,
// nodeAgentMain() is undefined and the devnet starts neither agents nor weave.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { place, type Disk } from "../operator/placement/placement.ts";
import type { DevnetConfig } from "./config.ts";
import { devnetDifficulty } from "./difficulty.ts";

/** Chunk files hold a whole devnet partition (a few chunks): one file per module. */
const chunksPerFileMin = 1;
/** Bytes per chunk (partitions are whole chunks). */
const chunkBytes = 262_144;

export interface NodeAgentPlan {
  readonly name: string;
  /** Directories standing in for this node's disks (created by the launcher). */
  readonly diskDirs: readonly string[];
  /** The agent's config file contents (JSON is valid YAML). */
  readonly configText: string;
  readonly metricsPort: number;
  readonly adminPort: number;
}

export interface NodeAgentPlanInput {
  readonly config: DevnetConfig;
  readonly natsUrl: string;
  readonly weaveUrl: string;
  readonly iterationsPerCheckpoint: number;
  /** Already resolved (no port 0), one per agent. */
  readonly metricsPorts: readonly number[];
  readonly adminPorts: readonly number[];
}

/**
 * Every partition is mined up to this bound: all of them are minable (p <= PUB / size - 1) and the
 * second recall range always lands in a partition some agent stores.
 */
export function partitionUpperBoundOf(config: DevnetConfig): bigint {
  return BigInt(Math.max(-1, ...config.nodeAgents.partitions) + 1) * BigInt(config.nodeAgents.partitionSizeBytes);
}

/** test/weave/main.ts arguments: a deterministic weave at least as large as every partition. */
export function weaveArgs(config: DevnetConfig, port: number): string[] {
  return ["--label", `arkube-devnet-${config.vdf.chain}`, "--host", config.host, "--port", String(port), "--min-weave-bytes", partitionUpperBoundOf(config).toString()];
}

export function miningDifficultyOf(config: DevnetConfig): bigint {
  const n = config.nodeAgents;
  return devnetDifficulty({ partitions: n.partitions.length, recallRangeChunks: n.recallRangeChunks, stepMs: config.vdf.targetStepMs, solutionIntervalMs: n.solutionIntervalMs });
}

/** node-agent/main.ts if it exists, else undefined (devnet then runs without storage/mining). */
export function nodeAgentMain(repoRoot: string): string | undefined {
  const path = join(repoRoot, "node-agent", "main.ts");
  return existsSync(path) ? path : undefined;
}

/** Pure: one plan per agent. */
export function planNodeAgents(input: NodeAgentPlanInput): NodeAgentPlan[] {
  const { config, natsUrl, iterationsPerCheckpoint, metricsPorts, adminPorts } = input;
  const n = config.nodeAgents;
  const difficulty = miningDifficultyOf(config).toString();
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
      peers: [input.weaveUrl],
      // The synthetic weave follows the post-2.5 rules whatever its heights.
      proofRules: "head",
      randomxMode: n.randomxMode,
      // Real spora_2_6 (360 programs); one packing thread leaves the second core to the VDF leader.
      packing: { programCount: 360, threads: 1 },
      storage: { chunksPerFile: Math.max(chunksPerFileMin, n.partitionSizeBytes / chunkBytes) },
      mining: {
        enabled: true,
        chain: config.vdf.chain,
        iterationsPerCheckpoint,
        genesisOutputHex: "00".repeat(32),
        difficulty,
        recallRangeChunks: n.recallRangeChunks,
        partitionUpperBound: partitionUpperBoundOf(config).toString(),
        // Every agent, the VDF and the compute units share this machine: the agent's hardware-derived
        // budget assumes a machine of its own, so mining keeps to one thread here.
        hashThreads: 1,
        // One replica: agents compute each other's H2 for range-2 chunks they do not hold.
        replica: "devnet",
      },
      adminPort: adminPorts[i] ?? 0,
      adminHost: config.host,
      metricsPort: metricsPorts[i] ?? 0,
    };
    return { name: `node-agent-${i}`, diskDirs, configText: JSON.stringify(agent, null, 2), metricsPort: metricsPorts[i] ?? 0, adminPort: adminPorts[i] ?? 0 };
  });
}
