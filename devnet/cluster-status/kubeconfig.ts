// Which cluster, identity and namespace `arkube status` reads, resolved the way kubectl resolves them:
// --kubeconfig, else the files of KUBECONFIG (missing ones skipped, the first file to define a name or a
// current-context wins), else ~/.kube/config, else the pod's service account; then --context or the
// current-context; then -n, the context's namespace, or "default". client-node parses the files and
// later supplies the credentials (certificates, tokens, exec plugins); the choices are made here so the
// errors can say exactly what is missing.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { StatusOptions } from "./args.ts";
import { KubeconfigError } from "./errors.ts";

export interface KubeTarget {
  kubeConfig: KubeConfig;
  context: string;
  server: string;
  /** undefined: every namespace. */
  namespace: string | undefined;
}

/** Where kubeconfigs are looked for; the CLI passes the process's, tests their own. */
export interface KubeconfigEnvironment {
  KUBECONFIG?: string | undefined;
  KUBERNETES_SERVICE_HOST?: string | undefined;
  home: string;
  serviceAccountDir: string;
}

export function processEnvironment(): KubeconfigEnvironment {
  return {
    KUBECONFIG: process.env.KUBECONFIG,
    KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
    home: homedir(),
    serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount",
  };
}

type Source = { kind: "files"; files: string[] } | { kind: "in-cluster" };

export function kubeconfigSource(opts: Pick<StatusOptions, "kubeconfig">, env: KubeconfigEnvironment): Source {
  if (opts.kubeconfig !== undefined) {
    if (!existsSync(opts.kubeconfig)) throw new KubeconfigError(`kubeconfig ${opts.kubeconfig} (--kubeconfig) does not exist`);
    return { kind: "files", files: [opts.kubeconfig] };
  }
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((f) => f !== "");
  if (listed.length > 0) {
    const files = listed.filter((f) => existsSync(f));
    if (files.length === 0) throw new KubeconfigError(`no kubeconfig: KUBECONFIG names no existing file (${listed.join(delimiter)})`);
    return { kind: "files", files };
  }
  const home = join(env.home, ".kube", "config");
  if (existsSync(home)) return { kind: "files", files: [home] };
  if (env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(join(env.serviceAccountDir, "token"))) return { kind: "in-cluster" };
  throw new KubeconfigError(`no kubeconfig: set KUBECONFIG, pass --kubeconfig FILE, or create ${home}`);
}

function loadFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (cause) {
    const detail = String((cause as Error).message ?? cause).split("\n")[0];
    throw new KubeconfigError(`invalid kubeconfig ${file}: ${detail}`, { cause });
  }
  return kc;
}

/** kubectl's merge: the first file to define a name wins, and the first non-empty current-context. */
function mergeFiles(files: readonly string[]): KubeConfig {
  const [first, ...rest] = files.map(loadFile);
  if (first === undefined) throw new KubeconfigError("no kubeconfig file");
  for (const kc of rest) {
    for (const c of kc.getClusters()) if (first.getCluster(c.name) === null) first.addCluster(c);
    for (const u of kc.getUsers()) if (first.getUser(u.name) === null) first.addUser(u);
    for (const c of kc.getContexts()) if (first.getContextObject(c.name) === null) first.addContext(c);
    if ((first.getCurrentContext() ?? "") === "" && (kc.getCurrentContext() ?? "") !== "") first.setCurrentContext(kc.getCurrentContext());
  }
  return first;
}

function inClusterNamespace(env: KubeconfigEnvironment): string | undefined {
  try {
    return readFileSync(join(env.serviceAccountDir, "namespace"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function loadKubeTarget(opts: Pick<StatusOptions, "kubeconfig" | "context" | "namespace" | "allNamespaces">, env: KubeconfigEnvironment): KubeTarget {
  const source = kubeconfigSource(opts, env);
  let kc: KubeConfig;
  if (source.kind === "files") {
    kc = mergeFiles(source.files);
  } else {
    kc = new KubeConfig();
    kc.loadFromCluster();
  }
  const where = source.kind === "files" ? `kubeconfig ${source.files.join(delimiter)}` : "the in-cluster config";
  const contextName = opts.context ?? kc.getCurrentContext() ?? "";
  const known = kc.getContexts().map((c) => c.name);
  const knownText = known.length === 0 ? "it defines none" : `it defines ${known.join(", ")}`;
  if (contextName === "") throw new KubeconfigError(`${where} has no current-context: pass --context NAME (${knownText})`);
  const context = kc.getContextObject(contextName);
  if (context === null) throw new KubeconfigError(`context "${contextName}" not found in ${where} (${knownText})`);
  kc.setCurrentContext(contextName);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new KubeconfigError(`context "${contextName}" names cluster "${context.cluster}", which ${where} does not define`);
  // client-node refuses plain HTTP unless TLS verification is off; say so before any request is made.
  if (cluster.server.startsWith("http://") && cluster.skipTLSVerify !== true) {
    throw new KubeconfigError(`cluster "${cluster.name}" (${cluster.server}) uses plain HTTP, which needs insecure-skip-tls-verify: true in ${where}`);
  }
  const contextNamespace = source.kind === "in-cluster" ? inClusterNamespace(env) : context.namespace;
  return {
    kubeConfig: kc,
    context: contextName,
    server: cluster.server,
    namespace: opts.allNamespaces ? undefined : opts.namespace ?? contextNamespace ?? "default",
  };
}
