// The service configuration file (YAML or JSON). Everything has a named bound with its unit; parsing is
// strict (unknown keys are errors) so a typo cannot silently fall back to a default.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { checkChainName, VDF_HASH_BYTES, VDF_ITERATIONS_MIN } from "../protocol/vdf/index.ts";
import { stepStreamLimitsDefault, type StepStreamLimits } from "./step-store.ts";

export type SeedsConfig = { type: "derived"; domain: string } | { type: "list"; firstInterval: number; seedsHex: string[] };

export type LeadershipConfig =
  | { type: "nats-kv"; bucket?: string }
  | { type: "kubernetes"; namespace: string; leaseName: string };

export interface VdfConfig {
  natsUrl: string;
  /** Unique per process; defaults to $POD_NAME, else hostname-pid. */
  identity?: string;
  chain: {
    name: string;
    genesisOutputHex: string;
    startStep: number;
    iterationsPerCheckpoint: number;
    seeds: SeedsConfig;
  };
  stream: StepStreamLimits;
  leadership: LeadershipConfig & {
    leaseDurationMs: number;
    renewIntervalMs: number;
    retryIntervalMs: number;
    renewMarginMs: number;
  };
  verifyThreads: number;
  catchUpStepsMax: number;
  publishTimeoutMs: number;
  publishRetryMs: number;
  /** Prometheus /metrics port; 0 = no exporter. */
  metricsPort: number;
  metricsHost: string;
}

export class ConfigError extends Error {
  readonly code = "ERR_VDF_CONFIG";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

const leadershipDefaults = { leaseDurationMs: 15_000, renewIntervalMs: 2_000, retryIntervalMs: 1_000, renewMarginMs: 3_000 };
const defaults = { verifyThreads: 4, catchUpStepsMax: 3600, publishTimeoutMs: 2_000, publishRetryMs: 100, metricsPort: 9464, metricsHost: "0.0.0.0" };

export function loadConfig(path: string): VdfConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read ${path}`, { cause: err });
  }
  return parseConfig(raw);
}

export function parseConfig(raw: unknown): VdfConfig {
  const top = obj("config", raw, ["natsUrl", "identity", "chain", "stream", "leadership", ...Object.keys(defaults)]);
  const config: VdfConfig = {
    natsUrl: str("natsUrl", top.natsUrl),
    chain: chainConfig(top.chain),
    stream: streamConfig(top.stream ?? {}),
    leadership: leadershipConfig(top.leadership ?? { type: "nats-kv" }),
    verifyThreads: int("verifyThreads", top.verifyThreads ?? defaults.verifyThreads, 1),
    catchUpStepsMax: int("catchUpStepsMax", top.catchUpStepsMax ?? defaults.catchUpStepsMax, 1),
    publishTimeoutMs: int("publishTimeoutMs", top.publishTimeoutMs ?? defaults.publishTimeoutMs, 1),
    publishRetryMs: int("publishRetryMs", top.publishRetryMs ?? defaults.publishRetryMs, 1),
    metricsPort: int("metricsPort", top.metricsPort ?? defaults.metricsPort, 0),
    metricsHost: str("metricsHost", top.metricsHost ?? defaults.metricsHost),
  };
  if (top.identity !== undefined) config.identity = str("identity", top.identity);
  return config;
}

function chainConfig(raw: unknown): VdfConfig["chain"] {
  const c = obj("chain", raw, ["name", "genesisOutputHex", "startStep", "iterationsPerCheckpoint", "seeds"]);
  const name = str("chain.name", c.name);
  try {
    checkChainName(name);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return {
    name,
    genesisOutputHex: hash("chain.genesisOutputHex", c.genesisOutputHex),
    startStep: int("chain.startStep", c.startStep ?? 0, 0),
    iterationsPerCheckpoint: int("chain.iterationsPerCheckpoint", c.iterationsPerCheckpoint, VDF_ITERATIONS_MIN),
    seeds: seedsConfig(c.seeds),
  };
}

function seedsConfig(raw: unknown): SeedsConfig {
  const type = obj("chain.seeds", raw, ["type", "domain", "firstInterval", "seedsHex"]).type;
  if (type === "derived") {
    const s = obj("chain.seeds", raw, ["type", "domain"]);
    return { type, domain: str("chain.seeds.domain", s.domain) };
  }
  if (type === "list") {
    const s = obj("chain.seeds", raw, ["type", "firstInterval", "seedsHex"]);
    if (!Array.isArray(s.seedsHex)) throw new ConfigError("chain.seeds.seedsHex must be a list");
    return { type, firstInterval: int("chain.seeds.firstInterval", s.firstInterval, 0), seedsHex: s.seedsHex.map((h, i) => hash(`chain.seeds.seedsHex[${i}]`, h)) };
  }
  throw new ConfigError(`chain.seeds.type must be "derived" or "list", got ${JSON.stringify(type)}`);
}

function streamConfig(raw: unknown): StepStreamLimits {
  const s = obj("stream", raw, Object.keys(stepStreamLimitsDefault));
  const d = stepStreamLimitsDefault;
  const storage = s.storage ?? d.storage;
  if (storage !== "file" && storage !== "memory") throw new ConfigError(`stream.storage must be "file" or "memory"`);
  return {
    streamMaxMsgs: int("stream.streamMaxMsgs", s.streamMaxMsgs ?? d.streamMaxMsgs, 1),
    streamMaxAgeMs: int("stream.streamMaxAgeMs", s.streamMaxAgeMs ?? d.streamMaxAgeMs, 1),
    duplicateWindowMs: int("stream.duplicateWindowMs", s.duplicateWindowMs ?? d.duplicateWindowMs, 1),
    storage,
  };
}

function leadershipConfig(raw: unknown): VdfConfig["leadership"] {
  const l = obj("leadership", raw, ["type", "bucket", "namespace", "leaseName", ...Object.keys(leadershipDefaults)]);
  const bounds = {
    leaseDurationMs: int("leadership.leaseDurationMs", l.leaseDurationMs ?? leadershipDefaults.leaseDurationMs, 1),
    renewIntervalMs: int("leadership.renewIntervalMs", l.renewIntervalMs ?? leadershipDefaults.renewIntervalMs, 1),
    retryIntervalMs: int("leadership.retryIntervalMs", l.retryIntervalMs ?? leadershipDefaults.retryIntervalMs, 1),
    renewMarginMs: int("leadership.renewMarginMs", l.renewMarginMs ?? leadershipDefaults.renewMarginMs, 0),
  };
  if (bounds.renewMarginMs + 2 * bounds.renewIntervalMs > bounds.leaseDurationMs) {
    throw new ConfigError("leadership.leaseDurationMs must exceed renewMarginMs + 2 * renewIntervalMs");
  }
  if (l.type === "nats-kv") return { type: "nats-kv", ...(l.bucket === undefined ? {} : { bucket: str("leadership.bucket", l.bucket) }), ...bounds };
  if (l.type === "kubernetes") {
    return { type: "kubernetes", namespace: str("leadership.namespace", l.namespace), leaseName: str("leadership.leaseName", l.leaseName), ...bounds };
  }
  throw new ConfigError(`leadership.type must be "nats-kv" or "kubernetes", got ${JSON.stringify(l.type)}`);
}

function obj(name: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${name} must be a mapping`);
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw new ConfigError(`${name}: unknown keys ${unknown.join(", ")}`);
  return value as Record<string, unknown>;
}

function str(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new ConfigError(`${name} must be a non-empty string`);
  return value;
}

function int(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}`);
  return value;
}

function hash(name: string, value: unknown): string {
  if (typeof value !== "string" || !new RegExp(`^[0-9a-f]{${VDF_HASH_BYTES * 2}}$`).test(value)) {
    throw new ConfigError(`${name} must be ${VDF_HASH_BYTES * 2} lowercase hex digits`);
  }
  return value;
}
