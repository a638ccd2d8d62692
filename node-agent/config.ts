// The agent's configuration file (YAML or JSON). Parsing is strict - unknown keys are errors, so a typo
// never falls back to a default - and every bound carries its unit in its name.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { ConfigError } from "./errors.ts";
import type { FsyncPolicy } from "./storage/module.ts";

export interface ModuleConfig {
  partition: number;
  /** Data root (a disk's mount point) the module directory goes under. */
  root: string;
}

export interface MiningConfig {
  enabled: boolean;
  chain: string;
  iterationsPerCheckpoint: number;
  genesisOutputHex: string;
  /** Solutions are hashes strictly above this (decimal u256). */
  difficulty: bigint;
  /** H1 solutions must beat this (2.7.2+: 100x harder than `difficulty`). */
  difficultyH1: bigint;
  /** Chunks per recall range (mainnet: 400). */
  recallRangeChunks: number;
  /** Weave size at the last reset; 0 = the synced block index's weave size. */
  partitionUpperBound: bigint;
  readCacheBytesMax: number;
  /** Replica this node belongs to: peers of one replica share H2 work (coordinated mining). */
  replica: string;
  /** H1 batch sent to a peer: how long to wait for its acknowledgement. */
  peerRequestTimeoutMs: number;
  /** Threads for H1/H2 batches and VDF verification; undefined: derived from the CPUs at start (resources.ts). */
  hashThreads: number | undefined;
  catchUpStepsMax: number;
}

/** The Kubernetes side of the agent; absent: partitions from `modules` only, no API server. */
export interface KubernetesConfig {
  /** The Node this agent runs on (Partition spec.nodeName, the inventory ConfigMap's name). */
  nodeName: string;
  /** Namespace of the Partitions and the inventory; undefined: the service account's namespace. */
  namespace: string | undefined;
  /** A kubeconfig file; undefined: the in-cluster service account. */
  kubeconfig: string | undefined;
  /** A Partition's status is applied at most this often, unless its phase or error changes. */
  statusIntervalMs: number;
  /** The disks are re-read this often; the inventory ConfigMap is applied when they change. */
  inventoryIntervalMs: number;
}

export interface SelfCheckConfig {
  /** Time between two background verification rounds; 0 = off. */
  sampleIntervalMs: number;
  /** Stored chunks verified per module and round (full unpack: about one packing's CPU each). */
  sampleChunks: number;
}

/** Environment variables the config falls back to (the downward API and the chart set them). */
export interface ConfigEnv {
  NODE_NAME?: string;
  POD_NAMESPACE?: string;
  ARKUBE_MINING_ADDRESS?: string;
}

export interface AgentConfig {
  nodeName: string;
  natsUrl: string;
  miningAddress: Uint8Array;
  partitionSizeBytes: bigint;
  /** Mount points (or directories) whose sub-mounts are data disks. */
  dataRoots: string[];
  modules: ModuleConfig[];
  peers: string[];
  proofRules: "2.6" | "head";
  /** undefined: fast when the memory for the 2 GiB dataset is there, else light (resources.ts). */
  randomxMode: "light" | "fast" | undefined;
  packing: {
    programCount: number;
    /** undefined: the CPUs mining does not need (resources.ts). */
    threads: number | undefined;
    fetchConcurrency: number;
    queueChunksMax: number;
    packBatchChunksMax: number;
    writeBatchChunksMax: number;
    requestTimeoutMs: number;
    /** Re-read the peers' block index and fill new slots this often. */
    resyncIntervalMs: number;
  };
  storage: {
    chunksPerFile: number;
    fsyncPolicy: FsyncPolicy;
    tailCheckChunks: number;
    indexFlushEveryChunks: number;
  };
  mining: MiningConfig;
  selfCheck: SelfCheckConfig;
  kubernetes: KubernetesConfig | undefined;
  adminPort: number;
  adminHost: string;
  /** Prometheus /metrics port; 0 = no exporter. */
  metricsPort: number;
}

type Json = Record<string, unknown>;

function obj(value: unknown, where: string, allowed: readonly string[]): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${where}: expected an object`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ConfigError(`${where}: unknown key(s) ${unknown.join(", ")}`);
  return value as Json;
}

function int(o: Json, key: string, where: string, min: number, fallback?: number): number {
  const v = o[key] ?? fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new ConfigError(`${where}.${key}: expected an integer >= ${min}`);
  return v;
}

/** An integer the agent derives from the hardware when the file leaves it out. */
function optionalInt(o: Json, key: string, where: string, min: number): number | undefined {
  return o[key] == null ? undefined : int(o, key, where, min);
}

function str(o: Json, key: string, where: string, fallback?: string): string {
  const v = o[key] ?? fallback;
  if (typeof v !== "string" || v.length === 0) throw new ConfigError(`${where}.${key}: expected a non-empty string`);
  return v;
}

function big(o: Json, key: string, where: string, fallback?: string): bigint {
  const v = o[key] ?? fallback;
  if ((typeof v !== "string" && typeof v !== "number") || !/^[0-9]{1,78}$/.test(String(v))) throw new ConfigError(`${where}.${key}: expected a decimal integer`);
  return BigInt(v);
}

function oneOf<T extends string>(o: Json, key: string, where: string, values: readonly T[], fallback: T): T {
  const v = o[key] ?? fallback;
  if (!values.includes(v as T)) throw new ConfigError(`${where}.${key}: expected one of ${values.join(", ")}`);
  return v as T;
}

function strings(o: Json, key: string, where: string): string[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw new ConfigError(`${where}.${key}: expected a list of strings`);
  return v as string[];
}

const u256Max = (1n << 256n) - 1n;

/** 2.7.2: H1 must beat a target 100x harder (the distance to 2^256 divided by 100). */
export function h1DifficultyOf(difficulty: bigint): bigint {
  return u256Max + 1n - (u256Max + 1n - difficulty) / 100n;
}

function parseMining(value: unknown): MiningConfig {
  const w = "mining";
  const o = obj(value ?? {}, w, ["enabled", "chain", "iterationsPerCheckpoint", "genesisOutputHex", "difficulty", "difficultyH1", "recallRangeChunks", "partitionUpperBound", "readCacheBytesMax", "replica", "peerRequestTimeoutMs", "hashThreads", "catchUpStepsMax"]);
  const difficulty = big(o, "difficulty", w, (u256Max - (u256Max >> 10n)).toString());
  const genesisOutputHex = str(o, "genesisOutputHex", w, "00".repeat(32));
  if (!/^[0-9a-f]{64}$/.test(genesisOutputHex)) throw new ConfigError(`${w}.genesisOutputHex: expected 64 lowercase hex digits`);
  return {
    enabled: o["enabled"] === true,
    chain: str(o, "chain", w, "devnet"),
    iterationsPerCheckpoint: int(o, "iterationsPerCheckpoint", w, 2, 600_000),
    genesisOutputHex,
    difficulty,
    difficultyH1: o["difficultyH1"] === undefined ? h1DifficultyOf(difficulty) : big(o, "difficultyH1", w),
    recallRangeChunks: int(o, "recallRangeChunks", w, 1, 400),
    partitionUpperBound: big(o, "partitionUpperBound", w, "0"),
    readCacheBytesMax: int(o, "readCacheBytesMax", w, 262_144, 4 * 800 * 262_144),
    replica: str(o, "replica", w, "default"),
    peerRequestTimeoutMs: int(o, "peerRequestTimeoutMs", w, 1, 5000),
    hashThreads: optionalInt(o, "hashThreads", w, 1),
    catchUpStepsMax: int(o, "catchUpStepsMax", w, 1, 1200),
  };
}

function parseKubernetes(value: unknown, fallbackNodeName: string | undefined, env: ConfigEnv): KubernetesConfig | undefined {
  if (value === undefined) return undefined;
  const w = "kubernetes";
  // A bare `kubernetes:` (YAML null) asks for the defaults, not for the file-only mode.
  const o = obj(value ?? {}, w, ["nodeName", "namespace", "kubeconfig", "statusIntervalMs", "inventoryIntervalMs"]);
  const optional = (key: string, fallback: string | undefined) => (o[key] === undefined && fallback === undefined ? undefined : str(o, key, w, fallback));
  const nodeName = optional("nodeName", env.NODE_NAME || fallbackNodeName);
  if (nodeName === undefined) throw new ConfigError(`${w}.nodeName: not set, and neither NODE_NAME nor nodeName is`);
  return {
    nodeName,
    namespace: optional("namespace", env.POD_NAMESPACE || undefined),
    kubeconfig: optional("kubeconfig", undefined),
    statusIntervalMs: int(o, "statusIntervalMs", w, 100, 10_000),
    inventoryIntervalMs: int(o, "inventoryIntervalMs", w, 100, 30_000),
  };
}

/** Parses a config file's text; `env` supplies the fallbacks a pod gets from the downward API. */
export function parseConfig(text: string, env: ConfigEnv = {}): AgentConfig {
  const keys = ["nodeName", "natsUrl", "miningAddressB64Url", "partitionSizeBytes", "dataRoots", "modules", "peers", "proofRules", "randomxMode", "packing", "storage", "mining", "selfCheck", "kubernetes", "adminPort", "adminHost", "metricsPort"];
  const o = obj(parse(text), "config", keys);
  const kubernetes = parseKubernetes(o["kubernetes"], typeof o["nodeName"] === "string" ? o["nodeName"] : undefined, env);
  const address = Buffer.from(str(o, "miningAddressB64Url", "config", env.ARKUBE_MINING_ADDRESS || undefined), "base64url");
  if (address.length !== 32) throw new ConfigError("config.miningAddressB64Url: expected 32 bytes");
  const partitionSizeBytes = big(o, "partitionSizeBytes", "config", "3600000000000");
  if (partitionSizeBytes === 0n) throw new ConfigError("config.partitionSizeBytes: must be > 0");
  const modulesRaw = o["modules"] ?? [];
  if (!Array.isArray(modulesRaw)) throw new ConfigError("config.modules: expected a list");
  if (kubernetes !== undefined && modulesRaw.length > 0) throw new ConfigError("config.modules: must be empty with a kubernetes section (the Partitions of this node are the list)");
  if (kubernetes !== undefined && strings(o, "dataRoots", "config").length === 0) throw new ConfigError("config.dataRoots: the kubernetes section needs the data roots (inventory, and where Partitions may go)");
  const c = obj(o["selfCheck"] ?? {}, "selfCheck", ["sampleIntervalMs", "sampleChunks"]);
  const p = obj(o["packing"] ?? {}, "packing", ["programCount", "threads", "fetchConcurrency", "queueChunksMax", "packBatchChunksMax", "writeBatchChunksMax", "requestTimeoutMs", "resyncIntervalMs"]);
  const s = obj(o["storage"] ?? {}, "storage", ["chunksPerFile", "fsyncPolicy", "tailCheckChunks", "indexFlushEveryChunks"]);
  return {
    nodeName: str(o, "nodeName", "config", kubernetes?.nodeName),
    natsUrl: str(o, "natsUrl", "config", "nats://127.0.0.1:4222"),
    miningAddress: address,
    partitionSizeBytes,
    dataRoots: strings(o, "dataRoots", "config"),
    modules: modulesRaw.map((m: unknown, i) => {
      const mo = obj(m, `modules[${i}]`, ["partition", "root"]);
      return { partition: int(mo, "partition", `modules[${i}]`, 0), root: str(mo, "root", `modules[${i}]`) };
    }),
    peers: strings(o, "peers", "config"),
    proofRules: oneOf(o, "proofRules", "config", ["2.6", "head"] as const, "head"),
    randomxMode: o["randomxMode"] == null ? undefined : oneOf(o, "randomxMode", "config", ["light", "fast"] as const, "fast"),
    packing: {
      programCount: int(p, "programCount", "packing", 1, 360),
      threads: optionalInt(p, "threads", "packing", 1),
      fetchConcurrency: int(p, "fetchConcurrency", "packing", 1, 8),
      queueChunksMax: int(p, "queueChunksMax", "packing", 1, 64),
      packBatchChunksMax: int(p, "packBatchChunksMax", "packing", 1, 8),
      writeBatchChunksMax: int(p, "writeBatchChunksMax", "packing", 1, 16),
      requestTimeoutMs: int(p, "requestTimeoutMs", "packing", 1, 30_000),
      resyncIntervalMs: int(p, "resyncIntervalMs", "packing", 1, 60_000),
    },
    storage: {
      chunksPerFile: int(s, "chunksPerFile", "storage", 1, 2000),
      fsyncPolicy: oneOf(s, "fsyncPolicy", "storage", ["data-before-index", "never"] as const, "data-before-index"),
      tailCheckChunks: int(s, "tailCheckChunks", "storage", 0, 64),
      indexFlushEveryChunks: int(s, "indexFlushEveryChunks", "storage", 1, 256),
    },
    mining: parseMining(o["mining"]),
    selfCheck: { sampleIntervalMs: int(c, "sampleIntervalMs", "selfCheck", 0, 600_000), sampleChunks: int(c, "sampleChunks", "selfCheck", 1, 4) },
    kubernetes,
    adminPort: int(o, "adminPort", "config", 0, 0),
    adminHost: str(o, "adminHost", "config", "127.0.0.1"),
    metricsPort: int(o, "metricsPort", "config", 0, 0),
  };
}

export function loadConfig(path: string, env: ConfigEnv = process.env): AgentConfig {
  return parseConfig(readFileSync(path, "utf8"), env);
}
