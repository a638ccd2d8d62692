// devnet.yaml: one file describes the whole one-machine devnet. Parsing is pure and strict (unknown
// keys are errors, so a typo never silently falls back to a default); the defaults below are the ones
// documented in devnet/devnet.yaml. Port 0 means "any free port, chosen at start".
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { DevnetConfigError } from "./errors.ts";

export interface DevnetConfig {
  /** Where everything persists (NATS store, logs, partitions, lock file); absolute. */
  readonly dataDir: string;
  readonly host: string;
  readonly natsServerBin: string;
  readonly ports: { readonly nats: number; readonly status: number; readonly weave: number; readonly vdfMetrics: readonly number[]; readonly cuHttp: readonly number[]; readonly cuGrpc: readonly number[] };
  readonly vdf: {
    readonly replicas: number;
    readonly chain: string;
    /** Difficulty is picked at first start so one step takes about this long on this machine. */
    readonly targetStepMs: number;
    /** Fixed difficulty instead of measuring; undefined = measure. */
    readonly iterationsPerCheckpoint: number | undefined;
    readonly leaseDurationMs: number;
    readonly renewIntervalMs: number;
    readonly renewMarginMs: number;
    readonly verifyThreads: number;
  };
  readonly cu: {
    readonly replicas: number;
    readonly walletSeedHex: string;
    /** aos module evaluated by the demo process; absolute. */
    readonly moduleWasm: string;
    readonly moduleFormat: string;
    readonly memoryLimit: string;
    readonly heartbeatIntervalMs: number;
    readonly memberTtlMs: number;
    readonly idleWorkersMax: number;
  };
  readonly nodeAgents: {
    readonly count: number;
    readonly disksPerNode: number;
    readonly diskCapacityBytes: number;
    readonly partitionSizeBytes: number;
    readonly partitions: readonly number[];
    /** fast: a 568 MB dataset per agent (~16 s to build), then ~10x faster packing and H0 than light. */
    readonly randomxMode: "light" | "fast";
    /** Chunks per recall range; at most a partition's chunks (devnet partitions are tiny). */
    readonly recallRangeChunks: number;
    /** Mining difficulty is derived so the whole devnet finds a solution about this often (devnet/difficulty.ts). */
    readonly solutionIntervalMs: number;
  };
  readonly readyTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly scrapeIntervalMs: number;
}

type Raw = Record<string, unknown>;

function obj(where: string, value: unknown, keys: readonly string[]): Raw {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new DevnetConfigError(`${where} must be a mapping`);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new DevnetConfigError(`${where}: unknown keys ${unknown.join(", ")} (allowed: ${keys.join(", ")})`);
  return value as Raw;
}

function int(where: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) throw new DevnetConfigError(`${where} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function str(where: string, value: unknown, fallback: string): string {
  const v = value ?? fallback;
  if (typeof v !== "string" || v.length === 0) throw new DevnetConfigError(`${where} must be a non-empty string`);
  return v;
}

const portMax = 65_535;
/** One Arweave chunk: partitions are whole chunks. */
const chunkBytes = 262_144;

/** `ports.X` is one port (component i uses port + i, 0 stays 0 = any free port) or a list with one per replica. */
function ports(where: string, value: unknown, fallback: number, count: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== count) throw new DevnetConfigError(`${where} must list ${count} ports (one per replica), got ${value.length}`);
    return value.map((p, i) => int(`${where}[${i}]`, p, 0, 0, portMax));
  }
  const base = int(where, value, fallback, 0, portMax - count);
  return Array.from({ length: count }, (_, i) => (base === 0 ? 0 : base + i));
}

/**
 * cu pods must share one cluster key; the default is a fixed devnet seed (NOT a secret: anyone reading
 * this file can sign as the devnet cluster, which is fine on loopback).
 */
export const devnetWalletSeedHexDefault = "de".repeat(32);

export function parseDevnetConfig(text: string, configDir: string, cwd: string): DevnetConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new DevnetConfigError(`not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const top = obj("config", doc, ["dataDir", "host", "natsServerBin", "ports", "vdf", "cu", "nodeAgents", "readyTimeoutMs", "stopGraceMs", "scrapeIntervalMs"]);
  const v = obj("vdf", top.vdf, ["replicas", "chain", "targetStepMs", "iterationsPerCheckpoint", "leaseDurationMs", "renewIntervalMs", "renewMarginMs", "verifyThreads"]);
  const c = obj("cu", top.cu, ["replicas", "walletSeedHex", "moduleWasm", "moduleFormat", "memoryLimit", "heartbeatIntervalMs", "memberTtlMs", "idleWorkersMax"]);
  const n = obj("nodeAgents", top.nodeAgents, ["count", "disksPerNode", "diskCapacityBytes", "partitionSizeBytes", "partitions", "randomxMode", "recallRangeChunks", "solutionIntervalMs"]);
  const p = obj("ports", top.ports, ["nats", "status", "weave", "vdfMetrics", "cuHttp", "cuGrpc"]);
  const vdfReplicas = int("vdf.replicas", v.replicas, 2, 1, 8);
  const cuReplicas = int("cu.replicas", c.replicas, 2, 1, 8);
  const chain = str("vdf.chain", v.chain, "devnet");
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(chain)) throw new DevnetConfigError(`vdf.chain must be a lowercase DNS label, got ${JSON.stringify(chain)}`);
  const seed = str("cu.walletSeedHex", c.walletSeedHex, devnetWalletSeedHexDefault);
  if (!/^[0-9a-f]{64}$/.test(seed)) throw new DevnetConfigError("cu.walletSeedHex must be 64 lowercase hex digits");
  const lease = {
    leaseDurationMs: int("vdf.leaseDurationMs", v.leaseDurationMs, 5_000, 100),
    renewIntervalMs: int("vdf.renewIntervalMs", v.renewIntervalMs, 1_000, 10),
    renewMarginMs: int("vdf.renewMarginMs", v.renewMarginMs, 1_000, 0),
  };
  // The vdf service refuses this too, but only once its process runs; saying it here names the file.
  if (lease.renewMarginMs + 2 * lease.renewIntervalMs > lease.leaseDurationMs) {
    throw new DevnetConfigError("vdf.leaseDurationMs must exceed vdf.renewMarginMs + 2 * vdf.renewIntervalMs");
  }
  const partitions = n.partitions ?? [0, 1, 2, 3];
  if (!Array.isArray(partitions)) throw new DevnetConfigError("nodeAgents.partitions must be a list of partition indices");
  const randomxMode = n.randomxMode ?? "fast";
  if (randomxMode !== "light" && randomxMode !== "fast") throw new DevnetConfigError(`nodeAgents.randomxMode must be light or fast, got ${JSON.stringify(randomxMode)}`);
  const partitionSizeBytes = int("nodeAgents.partitionSizeBytes", n.partitionSizeBytes, 16 * chunkBytes, chunkBytes);
  if (partitionSizeBytes % chunkBytes !== 0) throw new DevnetConfigError(`nodeAgents.partitionSizeBytes must be a multiple of ${chunkBytes} (one chunk)`);
  return {
    dataDir: resolve(cwd, str("dataDir", top.dataDir, ".devnet")),
    host: str("host", top.host, "127.0.0.1"),
    natsServerBin: str("natsServerBin", top.natsServerBin, "/usr/sbin/nats-server"),
    ports: {
      nats: int("ports.nats", p.nats, 4222, 0, portMax),
      status: int("ports.status", p.status, 8300, 0, portMax),
      weave: int("ports.weave", p.weave, 1984, 0, portMax),
      vdfMetrics: ports("ports.vdfMetrics", p.vdfMetrics, 9464, vdfReplicas),
      cuHttp: ports("ports.cuHttp", p.cuHttp, 6363, cuReplicas),
      cuGrpc: ports("ports.cuGrpc", p.cuGrpc, 6373, cuReplicas),
    },
    vdf: {
      replicas: vdfReplicas,
      chain,
      targetStepMs: int("vdf.targetStepMs", v.targetStepMs, 1_000, 50, 60_000),
      iterationsPerCheckpoint: v.iterationsPerCheckpoint === undefined || v.iterationsPerCheckpoint === "auto" ? undefined : int("vdf.iterationsPerCheckpoint", v.iterationsPerCheckpoint, 0, 2),
      ...lease,
      verifyThreads: int("vdf.verifyThreads", v.verifyThreads, 1, 1, 64),
    },
    cu: {
      replicas: cuReplicas,
      walletSeedHex: seed,
      moduleWasm: resolve(configDir, str("cu.moduleWasm", c.moduleWasm, "../../shared/ao-modules/aos2-wasm32-emscripten4.wasm")),
      moduleFormat: str("cu.moduleFormat", c.moduleFormat, "wasm32-unknown-emscripten4"),
      memoryLimit: str("cu.memoryLimit", c.memoryLimit, "1-gb"),
      heartbeatIntervalMs: int("cu.heartbeatIntervalMs", c.heartbeatIntervalMs, 500, 10),
      memberTtlMs: int("cu.memberTtlMs", c.memberTtlMs, 3_000, 100),
      idleWorkersMax: int("cu.idleWorkersMax", c.idleWorkersMax, 1, 0, 16),
    },
    nodeAgents: {
      count: int("nodeAgents.count", n.count, 2, 0, 8),
      disksPerNode: int("nodeAgents.disksPerNode", n.disksPerNode, 1, 1, 16),
      diskCapacityBytes: int("nodeAgents.diskCapacityBytes", n.diskCapacityBytes, 64 * 1024 * 1024, 1),
      partitionSizeBytes,
      partitions: partitions.map((x, i) => int(`nodeAgents.partitions[${i}]`, x, 0, 0)),
      randomxMode,
      recallRangeChunks: int("nodeAgents.recallRangeChunks", n.recallRangeChunks, 8, 1, partitionSizeBytes / chunkBytes),
      solutionIntervalMs: int("nodeAgents.solutionIntervalMs", n.solutionIntervalMs, 60_000, 100),
    },
    readyTimeoutMs: int("readyTimeoutMs", top.readyTimeoutMs, 120_000, 1_000),
    stopGraceMs: int("stopGraceMs", top.stopGraceMs, 10_000, 100),
    scrapeIntervalMs: int("scrapeIntervalMs", top.scrapeIntervalMs, 1_000, 100),
  };
}

/** Reads and parses a config file; relative paths in it resolve against its directory (dataDir: against cwd). */
export function loadDevnetConfig(path: string, cwd: string): DevnetConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DevnetConfigError(`cannot read ${path}`, { cause: err });
  }
  try {
    return parseDevnetConfig(text, dirname(resolve(cwd, path)), cwd);
  } catch (err) {
    if (err instanceof DevnetConfigError) throw new DevnetConfigError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}
