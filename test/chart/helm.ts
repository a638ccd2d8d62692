// Runs the real helm binary (from scripts/helm-tools.ts) on charts/arkube and parses what it renders.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { ensureHelmTools, type HelmTools } from "../../scripts/helm-tools.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const chartDir = fileURLToPath(new URL("../../charts/arkube", import.meta.url));
const helmTimeoutMs = 60_000;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

let tools: HelmTools | undefined;
export function helmTools(): HelmTools {
  return (tools ??= ensureHelmTools());
}

export function helm(args: readonly string[], env: Record<string, string> = {}): Run {
  const res = spawnSync(helmTools().helm, args, { encoding: "utf8", timeout: helmTimeoutMs, env: { ...process.env, ...env } });
  if (res.error !== undefined) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** `helm template` with --set flags; throws with helm's message when rendering fails. */
export function render(sets: readonly string[] = [], namespace = "arkube"): K8sObject[] {
  const res = helm(["template", "arkube", chartDir, "--namespace", namespace, ...sets.flatMap((s) => ["--set", s])]);
  if (res.status !== 0) throw new Error(`helm template failed (${res.status}): ${res.stderr}`);
  return parseObjects(res.stdout);
}

export function parseObjects(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(`${kind}/${name} not rendered; have ${have}`);
  }
  return found;
}

export interface PodContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

export function podSpec(workload: K8sObject): { serviceAccountName?: string; containers: PodContainer[]; [key: string]: unknown } {
  const template = (workload.spec as { template: { spec: { serviceAccountName?: string; containers: PodContainer[] } } }).template;
  return template.spec;
}
