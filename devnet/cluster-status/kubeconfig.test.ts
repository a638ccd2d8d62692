// Kubeconfig resolution as kubectl does it (files, merge order, context, namespace), and one clear
// KubeconfigError for each way it can go wrong. Real files in a temporary directory; no cluster.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, describe, it } from "node:test";
import { KubeconfigError } from "./errors.ts";
import { loadKubeTarget, type KubeconfigEnvironment } from "./kubeconfig.ts";

const dir = mkdtempSync(join(tmpdir(), "arkube-kubeconfig-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Ctx { name: string; cluster: string; namespace?: string }

function kubeconfigFile(name: string, opts: { clusters: [string, string][]; contexts: Ctx[]; current?: string }): string {
  const lines = [
    "apiVersion: v1", "kind: Config",
    "clusters:", ...opts.clusters.flatMap(([n, server]) => [`- name: ${n}`, "  cluster:", `    server: ${server}`]),
    "users:", "- name: u", "  user:", "    token: t",
    "contexts:", ...opts.contexts.flatMap((c) => [
      `- name: ${c.name}`, "  context:", `    cluster: ${c.cluster}`, "    user: u", ...(c.namespace === undefined ? [] : [`    namespace: ${c.namespace}`]),
    ]),
    ...(opts.current === undefined ? [] : [`current-context: ${opts.current}`]),
  ];
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const home = join(dir, "home");
mkdirSync(join(home, ".kube"), { recursive: true });
const env = (over: Partial<KubeconfigEnvironment> = {}): KubeconfigEnvironment =>
  ({ KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined, home, serviceAccountDir: join(dir, "no-sa"), ...over });
const noFlags = { kubeconfig: undefined, context: undefined, namespace: undefined, allNamespaces: false };

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof KubeconfigError && err.code === "ERR_STATUS_KUBECONFIG" && pattern.test(err.message));
}

describe("loadKubeTarget", () => {
  const a = kubeconfigFile("a.yaml", {
    clusters: [["ca", "https://a:6443"]], current: "prod",
    contexts: [{ name: "prod", cluster: "ca", namespace: "arkube" }, { name: "bare", cluster: "ca" }, { name: "dangling", cluster: "nowhere" }],
  });
  const b = kubeconfigFile("b.yaml", {
    clusters: [["ca", "https://shadowed:6443"], ["cb", "https://b:6443"]], current: "other",
    contexts: [{ name: "other", cluster: "cb" }, { name: "prod", cluster: "cb" }],
  });

  it("uses KUBECONFIG's current context and that context's namespace", () => {
    const t = loadKubeTarget(noFlags, env({ KUBECONFIG: a }));
    assert.deepEqual([t.context, t.server, t.namespace], ["prod", "https://a:6443", "arkube"]);
  });

  it("--context, -n and -A override, and a context without namespace means default", () => {
    assert.equal(loadKubeTarget({ ...noFlags, context: "bare" }, env({ KUBECONFIG: a })).namespace, "default");
    assert.equal(loadKubeTarget({ ...noFlags, namespace: "x" }, env({ KUBECONFIG: a })).namespace, "x");
    assert.equal(loadKubeTarget({ ...noFlags, namespace: "x", allNamespaces: true }, env({ KUBECONFIG: a })).namespace, undefined);
  });

  it("merges KUBECONFIG files: the first to define a name or a current-context wins, missing files are skipped", () => {
    const t = loadKubeTarget(noFlags, env({ KUBECONFIG: [join(dir, "missing.yaml"), a, b].join(delimiter) }));
    assert.deepEqual([t.context, t.server], ["prod", "https://a:6443"]);
    assert.equal(loadKubeTarget({ ...noFlags, context: "other" }, env({ KUBECONFIG: [a, b].join(delimiter) })).server, "https://b:6443");
  });

  it("--kubeconfig wins over KUBECONFIG, and ~/.kube/config is the fallback", () => {
    assert.equal(loadKubeTarget({ ...noFlags, kubeconfig: b }, env({ KUBECONFIG: a })).context, "other");
    copyFileSync(b, join(home, ".kube", "config"));
    try {
      assert.equal(loadKubeTarget(noFlags, env()).server, "https://b:6443");
    } finally {
      rmSync(join(home, ".kube", "config"));
    }
  });

  it("says what is missing: no kubeconfig at all, a missing file, an invalid one", () => {
    rejects(() => loadKubeTarget(noFlags, env()), /^no kubeconfig: set KUBECONFIG, pass --kubeconfig FILE, or create .*\.kube\/config$/);
    rejects(() => loadKubeTarget(noFlags, env({ KUBECONFIG: join(dir, "nope") })), /KUBECONFIG names no existing file/);
    rejects(() => loadKubeTarget({ ...noFlags, kubeconfig: join(dir, "nope") }, env()), /\(--kubeconfig\) does not exist/);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "clusters: [\n");
    rejects(() => loadKubeTarget(noFlags, env({ KUBECONFIG: bad })), /^invalid kubeconfig .*bad\.yaml: /);
    const noServer = join(dir, "noserver.yaml");
    writeFileSync(noServer, "clusters:\n- name: c\n  cluster: {}\n");
    rejects(() => loadKubeTarget(noFlags, env({ KUBECONFIG: noServer })), /invalid kubeconfig .*server is missing/);
  });

  it("says which context is wrong and which ones exist", () => {
    rejects(() => loadKubeTarget({ ...noFlags, context: "nope" }, env({ KUBECONFIG: a })), /context "nope" not found in kubeconfig .* \(it defines prod, bare, dangling\)/);
    rejects(() => loadKubeTarget({ ...noFlags, context: "dangling" }, env({ KUBECONFIG: a })), /names cluster "nowhere", which kubeconfig .* does not define/);
    const noCurrent = kubeconfigFile("nocurrent.yaml", { clusters: [["c", "https://c"]], contexts: [{ name: "x", cluster: "c" }] });
    rejects(() => loadKubeTarget(noFlags, env({ KUBECONFIG: noCurrent })), /has no current-context: pass --context NAME \(it defines x\)/);
    const http = kubeconfigFile("http.yaml", { clusters: [["plain", "http://127.0.0.1:8001"]], contexts: [{ name: "p", cluster: "plain" }], current: "p" });
    rejects(() => loadKubeTarget(noFlags, env({ KUBECONFIG: http })), /cluster "plain" \(http:\/\/127\.0\.0\.1:8001\) uses plain HTTP, which needs insecure-skip-tls-verify: true/);
  });
});

