// Pure: the vdf config file (vdf/config.ts format) of a HashChain's pods. vdf reads nothing else, so this
// is the whole contract between the HashChain spec and the running chain; a test feeds the rendered YAML
// to vdf's own parseConfig so the two cannot drift apart.
//
// identity is left out on purpose: vdf falls back to $POD_NAME (set by the Deployment), which is also
// the Lease holderIdentity the status reports. stream, verifyThreads and the lease timings keep vdf's
// defaults.
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { HashChain, HashChainSpec } from "../../protocol/crds/index.ts";

/** Port of vdf's /metrics, /healthz and /readyz (vdf's own default). */
export const vdfMetricsPort = 9464;
export const vdfConfigKey = "config.yaml";
export const vdfConfigDir = "/etc/arkube";

export type VdfSeedsFile = { type: "derived"; domain: string } | { type: "list"; firstInterval: number; seedsHex: string[] };

export interface VdfConfigFile {
  natsUrl: string;
  chain: { name: string; genesisOutputHex: string; startStep: number; iterationsPerCheckpoint: number; seeds: VdfSeedsFile };
  leadership: { type: "kubernetes"; namespace: string; leaseName: string };
  metricsPort: number;
  metricsHost: string;
}

export interface VdfConfigInput {
  /** The NATS every component dials (operator flag --nats-url). */
  natsUrl: string;
  /** The Lease the pods elect their leader on, in the HashChain's namespace. */
  leaseName: string;
}

export function vdfConfig(hc: HashChain, input: VdfConfigInput): VdfConfigFile {
  const s = hc.spec;
  return {
    natsUrl: input.natsUrl,
    chain: {
      name: s.chainName,
      // The API spells hashes the Arweave way (base64url); vdf's file format uses hex.
      genesisOutputHex: Buffer.from(s.genesisOutput, "base64url").toString("hex"),
      startStep: s.startStep ?? 0,
      iterationsPerCheckpoint: s.iterationsPerCheckpoint,
      seeds: seedsOf(s),
    },
    leadership: { type: "kubernetes", namespace: hc.metadata.namespace ?? "", leaseName: input.leaseName },
    metricsPort: vdfMetricsPort,
    metricsHost: "0.0.0.0",
  };
}

/**
 * The CRD's resetSeeds has the vdf config's shape, defaulting to derived seeds whose domain is the chain
 * name. The CEL rules guarantee a list's fields, so a missing one here can only come from an object the
 * API server did not validate, and vdf refuses it.
 */
function seedsOf(spec: HashChainSpec): VdfSeedsFile {
  const r = spec.resetSeeds ?? { type: "derived" };
  if (r.type === "derived") return { type: "derived", domain: r.domain ?? spec.chainName };
  return { type: "list", firstInterval: r.firstInterval ?? 0, seedsHex: [...(r.seedsHex ?? [])] };
}

export function renderVdfConfig(hc: HashChain, input: VdfConfigInput): string {
  const header = `# Rendered by arkube-operator from HashChain ${hc.metadata.namespace ?? ""}/${hc.metadata.name ?? ""}; edit the HashChain, not this file.\n`;
  return header + stringify(vdfConfig(hc, input));
}

/** Goes on the pod template, so a changed config rolls the pods (a mounted ConfigMap alone would not). */
export function configHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
