// The compute pod's config file (YAML): parsed and checked once at start, defaults filled in.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { cuPodSelectorDefault } from "../operator/aoprocess/controller.ts";
import { toBase64Url } from "../protocol/ao/index.ts";
import { ConfigError } from "./errors.ts";
import type { ModuleEntry } from "./evaluator/messages.ts";

/**
 * Where the pod learns who is alive and who owns a process. `nats-kv`: heartbeats in a KV bucket and
 * rendezvous hashing (no Kubernetes). `kubernetes`: the Ready cu pods and the operator's AOProcess
 * assignment (cluster/kube-membership.ts).
 */
export type MembershipConfig =
  | { readonly type: "nats-kv" }
  | {
      readonly type: "kubernetes";
      readonly namespace: string;
      /** The operator's --cu-pod-selector. */
      readonly podSelector: string;
      /** Container port names of the HTTP and gRPC servers in the cu pod spec. */
      readonly ports: { readonly http: string; readonly grpc: string };
      /** A kubeconfig file; absent: the in-cluster service account (or KUBECONFIG / ~/.kube/config). */
      readonly kubeconfig: string | undefined;
    };

export interface CuConfig {
  readonly nats: { readonly url: string; readonly replicas: number };
  readonly http: { readonly host: string; readonly port: number };
  /** Pod-to-pod forwarding; `advertise` is the host:port other pods dial (defaults to host:bound port). */
  readonly grpc: { readonly host: string; readonly port: number; readonly advertise: string | undefined };
  /** This pod's member id (the pod name in Kubernetes); unique among live pods, no dots. */
  readonly podId: string;
  /**
   * 32-byte hex seed of the cluster's ed25519 key: signs assignments and messenger items. Every pod
   * of a cluster must use the same seed, so a re-evaluated result yields the same item ids anywhere.
   */
  readonly walletSeedHex: string;
  readonly blockHeight: number;
  readonly modules: readonly ModuleEntry[];
  readonly checkpointCacheDir: string | undefined;
  /** Absent: nats-kv. */
  readonly membership?: MembershipConfig;
  readonly bounds: {
    readonly hotBytesMax: number;
    readonly hotProcessesMax: number;
    readonly checkpointEveryMessages: number;
    readonly evalTimeoutMs: number;
    readonly loadTimeoutMs: number;
    readonly itemBytesMax: number;
    readonly idleWorkersMax: number;
    readonly forwardTimeoutMs: number;
    readonly nudgesInFlightMax: number;
    readonly heartbeatIntervalMs: number;
    readonly memberTtlMs: number;
    readonly outboxAckWaitMs: number;
    readonly outboxRetryDelayMs: number;
    /** Kubernetes membership: at most one AOProcess status write (lastNonce) per process per interval. */
    readonly statusWriteIntervalMs: number;
  };
}

export const cuBoundsDefault: CuConfig["bounds"] = Object.freeze({
  hotBytesMax: 4 * 1024 ** 3,
  hotProcessesMax: 32,
  checkpointEveryMessages: 100,
  evalTimeoutMs: 60_000,
  loadTimeoutMs: 60_000,
  itemBytesMax: 4 * 1024 * 1024,
  idleWorkersMax: 2,
  forwardTimeoutMs: 120_000,
  nudgesInFlightMax: 256,
  heartbeatIntervalMs: 1_000,
  memberTtlMs: 5_000,
  outboxAckWaitMs: 5_000,
  outboxRetryDelayMs: 250,
  statusWriteIntervalMs: 10_000,
});

type Raw = Record<string, unknown>;

function section(raw: Raw, name: string): Raw {
  const value = raw[name] ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`${name} must be a mapping`);
  return value as Raw;
}

function str(raw: Raw, name: string, fallback?: string): string {
  const value = raw[name] ?? fallback;
  if (typeof value !== "string" || value === "") throw new ConfigError(`${name} must be a non-empty string`);
  return value;
}

function num(raw: Raw, name: string, fallback: number): number {
  const value = raw[name] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a non-negative number`);
  return value;
}

function moduleFrom(raw: unknown, baseDir: string): ModuleEntry {
  if (typeof raw !== "object" || raw === null) throw new ConfigError("each module must be a mapping");
  const m = raw as Raw;
  const wasmPath = resolve(baseDir, str(m, "wasm"));
  const id = typeof m.id === "string" ? m.id : toBase64Url(createHash("sha256").update(readFileSync(wasmPath)).digest());
  return {
    id,
    owner: str(m, "owner", "arkube"),
    wasmPath,
    tags: [
      { name: "Data-Protocol", value: "ao" },
      { name: "Variant", value: "ao.TN.1" },
      { name: "Type", value: "Module" },
      { name: "Module-Format", value: str(m, "format") },
      { name: "Input-Encoding", value: "JSON-1" },
      { name: "Output-Encoding", value: "JSON-1" },
      { name: "Memory-Limit", value: str(m, "memoryLimit", "1-gb") },
      { name: "Compute-Limit", value: String(m.computeLimit ?? "9000000000000") },
    ],
  };
}

function membershipFrom(raw: Raw, baseDir: string): MembershipConfig {
  const type = raw.type ?? "nats-kv";
  if (type === "nats-kv") return { type };
  if (type !== "kubernetes") throw new ConfigError(`membership.type must be "nats-kv" or "kubernetes", got ${JSON.stringify(type)}`);
  const ports = section(raw, "ports");
  const kubeconfig = raw.kubeconfig;
  if (kubeconfig !== undefined && (typeof kubeconfig !== "string" || kubeconfig === "")) throw new ConfigError("membership.kubeconfig must be a non-empty string");
  return {
    type,
    namespace: str(raw, "namespace"),
    podSelector: str(raw, "podSelector", cuPodSelectorDefault),
    ports: { http: str(ports, "http", "http"), grpc: str(ports, "grpc", "grpc") },
    kubeconfig: kubeconfig === undefined ? undefined : resolve(baseDir, kubeconfig),
  };
}

export function parseConfig(text: string, baseDir: string): CuConfig {
  const raw = (parse(text) ?? {}) as Raw;
  const nats = section(raw, "nats");
  const http = section(raw, "http");
  const bounds = section(raw, "bounds");
  const seed = str(raw, "walletSeedHex");
  if (!/^[0-9a-f]{64}$/.test(seed)) throw new ConfigError("walletSeedHex must be 64 lowercase hex digits");
  const modules = raw.modules ?? [];
  if (!Array.isArray(modules)) throw new ConfigError("modules must be a list");
  const cacheDir = raw.checkpointCacheDir;
  const grpc = section(raw, "grpc");
  const advertise = grpc.advertise;
  const num2 = (name: keyof CuConfig["bounds"]): number => num(bounds, name, cuBoundsDefault[name]);
  return {
    nats: { url: str(nats, "url", "nats://127.0.0.1:4222"), replicas: num(nats, "replicas", 1) },
    http: { host: str(http, "host", "127.0.0.1"), port: num(http, "port", 6363) },
    grpc: { host: str(grpc, "host", "127.0.0.1"), port: num(grpc, "port", 6364), advertise: typeof advertise === "string" ? advertise : undefined },
    podId: str(raw, "podId", `${hostname()}-${process.pid}`.replaceAll(".", "-")),
    walletSeedHex: seed,
    blockHeight: num(raw, "blockHeight", 0),
    modules: modules.map((m) => moduleFrom(m, baseDir)),
    checkpointCacheDir: typeof cacheDir === "string" ? resolve(baseDir, cacheDir) : undefined,
    membership: membershipFrom(section(raw, "membership"), baseDir),
    bounds: {
      hotBytesMax: num2("hotBytesMax"),
      hotProcessesMax: num2("hotProcessesMax"),
      checkpointEveryMessages: num2("checkpointEveryMessages"),
      evalTimeoutMs: num2("evalTimeoutMs"),
      loadTimeoutMs: num2("loadTimeoutMs"),
      itemBytesMax: num2("itemBytesMax"),
      idleWorkersMax: num2("idleWorkersMax"),
      forwardTimeoutMs: num2("forwardTimeoutMs"),
      nudgesInFlightMax: num2("nudgesInFlightMax"),
      heartbeatIntervalMs: num2("heartbeatIntervalMs"),
      memberTtlMs: num2("memberTtlMs"),
      outboxAckWaitMs: num2("outboxAckWaitMs"),
      outboxRetryDelayMs: num2("outboxRetryDelayMs"),
      statusWriteIntervalMs: num2("statusWriteIntervalMs"),
    },
  };
}

export function loadConfig(path: string): CuConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}`, { cause: err });
  }
  return parseConfig(text, dirname(resolve(path)));
}
