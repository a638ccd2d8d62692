// `arkube status` end to end: the real CLI (devnet/bin/arkube.mjs) as a subprocess, KUBECONFIG pointing
// at a real kube-apiserver + etcd (test/k8s). Before the CRDs exist it must say so; then the CRDs from
// crds/ are installed, objects created and their status written through the status subresource, as the
// operator and node agents do; the output and exit status follow a healthy namespace, a Failed
// Partition, another context, and an unreachable server.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { ensureControlPlaneBinaries, startControlPlane, type ControlPlane } from "../../test/k8s/index.ts";
import { aoProcessResource, hashChainResource, partitionResource, replicaResource } from "../../protocol/crds/index.ts";
import {
  aoProcess, assignedStatus, hashChain, partition, readyHashChainStatus, readyReplicaStatus, replica,
} from "./test-fixtures.ts";

const bin = fileURLToPath(new URL("../bin/arkube.mjs", import.meta.url));
const crdDir = fileURLToPath(new URL("../../crds", import.meta.url));
/** A CLI run includes tsx's start-up; generous on 2 busy cores, never a timing assertion. */
const cliTimeoutMs = 60_000;
const crdEstablishTimeoutMs = 60_000;
const pollMs = 200;

interface Run { code: number | null; stdout: string; stderr: string }

function runCli(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"], timeout: cliTimeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Ref = { group: string; version: string; plural: string };
const path = (r: Ref, ns: string, name?: string) => `/apis/${r.group}/${r.version}/namespaces/${ns}/${r.plural}${name === undefined ? "" : `/${name}`}`;

describe("arkube status on a real kube-apiserver", () => {
  let cp: ControlPlane | undefined;
  let home = "";
  const kube = () => cp!;
  const env = (over: Record<string, string> = {}) => ({ HOME: home, KUBECONFIG: kube().kubeconfigPath, ...over });

  async function ok(req: Parameters<ControlPlane["request"]>[0]): Promise<unknown> {
    const res = await kube().request(req);
    assert.ok(res.status >= 200 && res.status < 300, `${req.method ?? "GET"} ${req.path}: ${res.status} ${res.text}`);
    return res.json;
  }

  /** Creates the object, then writes its status through the status subresource (the spec endpoint drops it). */
  async function createWithStatus(r: Ref, obj: { metadata: { name?: string; namespace?: string }; status?: unknown }): Promise<void> {
    const { status, ...spec } = obj;
    const ns = obj.metadata.namespace ?? "";
    await ok({ method: "POST", path: path(r, ns), body: spec });
    if (status !== undefined) {
      await ok({ method: "PATCH", path: `${path(r, ns, obj.metadata.name)}/status`, body: { status }, contentType: "application/merge-patch+json" });
    }
  }

  async function installCrds(): Promise<void> {
    const crds = readdirSync(crdDir).filter((f) => f.endsWith(".yaml")).map((f) => parse(readFileSync(join(crdDir, f), "utf8")) as { metadata: { name: string } });
    for (const crd of crds) await ok({ method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd });
    const deadline = Date.now() + crdEstablishTimeoutMs;
    for (const crd of crds) {
      for (;;) {
        const got = await ok({ path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}` }) as
          { status?: { conditions?: { type: string; status: string }[] } };
        if (got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
        assert.ok(Date.now() < deadline, `CRD ${crd.metadata.name} not Established`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    }
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "arkube-status-home-"));
    cp = await startControlPlane({ binDir: await ensureControlPlaneBinaries() });
  });
  after(async () => {
    await cp?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it("without the CRDs: exit 3 and one line that says how to install them", async () => {
    const run = await runCli(["status"], env());
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /^arkube status: CRDs not installed \(replicas\.arkube\.dev\/v1alpha1, partitions\.arkube\.dev\/v1alpha1, hashchains\.arkube\.dev\/v1alpha1, aoprocesses\.arkube\.dev\/v1alpha1 not served\): run `helm install/);
  });

  it("a healthy namespace: every kind summarized, exit 0; the same as JSON", async () => {
    await installCrds();
    for (const ns of ["arkube", "other"]) await ok({ method: "POST", path: "/api/v1/namespaces", body: { metadata: { name: ns } } });
    await createWithStatus(replicaResource, replica("main", "arkube", readyReplicaStatus(2, 1530)));
    await createWithStatus(partitionResource, partition("main-0", "arkube", "main", 0, { phase: "Mining", progressPercent: 100, hashrate: 800 }));
    await createWithStatus(partitionResource, partition("main-1", "arkube", "main", 1, { phase: "Mining", progressPercent: 100, hashrate: 730 }));
    await createWithStatus(hashChainResource, hashChain("main", "arkube", readyHashChainStatus("vdf-7d9f-0", 424242, new Date().toISOString())));
    for (const [name, pod] of [["proc-a", "cu-0"], ["proc-b", "cu-1"], ["proc-c", "cu-0"]] as const) {
      await createWithStatus(aoProcessResource, aoProcess(name, "arkube", assignedStatus(pod)));
    }

    const run = await runCli(["status", "-n", "arkube"], env());
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(run.stderr, "");
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^context arkube-test   server https:\/\/127\.0\.0\.1:\d+   namespace arkube$/);
    assert.ok(lines.some((l) => /^main\s+True\s+2\s+2\s+2\s+2\s+1\.53 kH\/s\s+Placed=True/.test(l)), run.stdout);
    assert.ok(lines.includes("PARTITIONS (2)"), run.stdout);
    assert.ok(lines.some((l) => /^Mining\s+2\s+-\s+1\.53 kH\/s$/.test(l)), run.stdout);
    assert.ok(lines.some((l) => /^main\s+main\s+True\s+vdf-7d9f-0\s+424242\s+\d+s ago\s+2\s+Available=True/.test(l)), run.stdout);
    assert.ok(lines.includes("AOPROCESSES (3: 3 assigned, 0 not ready)"), run.stdout);
    assert.ok(lines.some((l) => /^cu-0\s+2$/.test(l)) && lines.some((l) => /^cu-1\s+1$/.test(l)), run.stdout);
    assert.equal(lines.at(-1), "healthy");

    const asJson = await runCli(["status", "--namespace=arkube", "-o", "json"], env());
    assert.equal(asJson.code, 0, asJson.stderr);
    const doc = JSON.parse(asJson.stdout) as {
      healthy: boolean; namespace: string; replicas: { name: string; mining: number }[];
      partitions: { total: number }; hashChains: { leader: string; step: number }[]; aoProcesses: { byPod: { pod: string; count: number }[] };
    };
    assert.equal(doc.healthy, true);
    assert.equal(doc.namespace, "arkube");
    assert.deepEqual(doc.replicas.map((r) => [r.name, r.mining]), [["main", 2]]);
    assert.equal(doc.partitions.total, 2);
    assert.deepEqual(doc.hashChains.map((h) => [h.leader, h.step]), [["vdf-7d9f-0", 424242]]);
    assert.deepEqual(doc.aoProcesses.byPod, [{ pod: "cu-0", count: 2 }, { pod: "cu-1", count: 1 }]);
  });

  it("the kubeconfig context's namespace (none: default) decides the scope", async () => {
    const run = await runCli(["status"], env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /namespace default\n/);
    assert.match(run.stdout, /^REPLICAS: none$/m);
  });

  it("a Failed partition: exit 1, its lastError in the table; -A lists every namespace", async () => {
    await createWithStatus(replicaResource, replica("cold", "other"));
    await createWithStatus(partitionResource, partition("cold-3", "other", "cold", 3, {
      phase: "Failed", progressPercent: 37.5, lastError: "write /mnt/disk-3/chunks: input/output error",
    }));

    const all = await runCli(["status", "-A"], env());
    assert.equal(all.code, 1, `${all.stdout}\n${all.stderr}`);
    const lines = all.stdout.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /namespace \(all\)$/);
    assert.ok(lines.includes("FAILED PARTITIONS"), all.stdout);
    assert.ok(lines.some((l) => /^other\s+cold-3\s+cold\s+3\s+node-1\s+\/mnt\/disk-3\s+write \/mnt\/disk-3\/chunks: input\/output error$/.test(l)), all.stdout);
    assert.ok(lines.some((l) => /^error\s+Partition other\/cold-3\s+Failed: write \/mnt\/disk-3\/chunks: input\/output error$/.test(l)), all.stdout);
    // The Replica nobody reconciled is a warning, not what fails the run.
    assert.ok(lines.some((l) => /^warning\s+Replica other\/cold\s+no status yet \(is the arkube operator running\?\)$/.test(l)), all.stdout);
    assert.equal(lines.at(-1), "unhealthy: 1 error, 1 warning");

    const doc = JSON.parse((await runCli(["status", "-A", "-o", "json"], env())).stdout) as { healthy: boolean; namespace: null; errors: number };
    assert.deepEqual([doc.healthy, doc.namespace, doc.errors], [false, null, 1]);
    // The healthy namespace on its own is still healthy.
    assert.equal((await runCli(["status", "-n", "arkube"], env())).code, 0);
  });

  it("--context picks another context of a merged KUBECONFIG; an unreachable server is exit 3 in one line", async () => {
    const port = await closedPort();
    const admin = parse(readFileSync(kube().kubeconfigPath, "utf8")) as { users: unknown[]; clusters: { cluster: Record<string, unknown> }[] };
    const extra = join(home, "extra.kubeconfig");
    writeFileSync(extra, JSON.stringify({
      apiVersion: "v1", kind: "Config", "current-context": "gone",
      clusters: [{ name: "gone", cluster: { ...admin.clusters[0]?.cluster, server: `https://127.0.0.1:${port}` } }],
      users: admin.users,
      contexts: [
        { name: "gone", context: { cluster: "gone", user: "admin" } },
        { name: "storage", context: { cluster: "arkube-test", user: "admin", namespace: "other" } },
      ],
    }));
    // The extra file comes first, so its current-context wins (kubectl's merge rule).
    const merged = { KUBECONFIG: `${extra}:${kube().kubeconfigPath}` };
    const down = await runCli(["status"], env(merged));
    assert.equal(down.code, 3, down.stdout);
    assert.equal(down.stdout, "");
    assert.equal(down.stderr, `arkube status: cannot reach the cluster at https://127.0.0.1:${port}: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})\n`);

    const storage = await runCli(["status", "--context", "storage"], env(merged));
    assert.equal(storage.code, 1, storage.stderr);
    assert.match(storage.stdout, /^context storage   server https:\/\/127\.0\.0\.1:\d+   namespace other$/m);

    const missing = await runCli(["status", "--context", "nope", "-o", "json"], env(merged));
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /^arkube status: context "nope" not found in kubeconfig .* \(it defines gone, storage, arkube-test\)\n$/);
    assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, "ERR_STATUS_KUBECONFIG");
  });

  it("a bad kubeconfig or none at all: exit 3 with one line", async () => {
    const bad = join(home, "bad.kubeconfig");
    writeFileSync(bad, "clusters: [\n");
    const invalid = await runCli(["status"], env({ KUBECONFIG: bad }));
    assert.equal(invalid.code, 3);
    assert.match(invalid.stderr, /^arkube status: invalid kubeconfig .*bad\.kubeconfig: .+\n$/);
    const none = await runCli(["status"], { HOME: home });
    assert.equal(none.code, 3);
    assert.equal(none.stderr, `arkube status: no kubeconfig: set KUBECONFIG, pass --kubeconfig FILE, or create ${home}/.kube/config\n`);
  });
});
