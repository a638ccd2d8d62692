// helm install of charts/arkube on a real kube-apiserver (test/k8s): every rendered object is accepted
// by the API server's validation, the CRDs become Established, the operator Deployment exists and the
// default HashChain it is handed passes the installed CRD's validation; an upgrade keeps the cluster
// wallet; helm uninstall removes the workloads and keeps the CRDs and the wallet Secret.
// No kubelet runs, so no pod starts: that is expected here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { ensureControlPlaneBinaries, startControlPlane, type ControlPlane } from "../k8s/index.ts";
import { chartDir, helm, helmTools, type Run } from "./helm.ts";

const ns = "arkube";
const release = "arkube";
const crds = ["replicas.arkube.dev", "partitions.arkube.dev", "hashchains.arkube.dev", "aoprocesses.arkube.dev"];
const kubectlTimeoutMs = 90_000;

function kubectl(cp: ControlPlane, args: readonly string[], input?: string): Run {
  const res = spawnSync(helmTools().kubectl, ["--kubeconfig", cp.kubeconfigPath, ...args], { encoding: "utf8", timeout: kubectlTimeoutMs, input });
  if (res.error !== undefined) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function ok(res: Run, what: string): string {
  assert.equal(res.status, 0, `${what} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

describe("helm install on a real control plane", () => {
  let cp: ControlPlane | undefined;
  const kube = () => cp!;
  const helmOn = (args: string[]) => helm([...args, "--kubeconfig", kube().kubeconfigPath]);
  const seed = async (): Promise<string | undefined> => {
    const res = await kube().request({ path: `/api/v1/namespaces/${ns}/secrets/arkube-cu-wallet` });
    if (res.status === 404) return undefined;
    return Buffer.from((res.json as { data: { walletSeedHex: string } }).data.walletSeedHex, "base64").toString();
  };

  before(async () => {
    helmTools();
    cp = await startControlPlane({ binDir: await ensureControlPlaneBinaries() });
  });
  after(async () => {
    await cp?.stop();
  });

  it("installs: CRDs Established, operator Deployment and the other workloads exist", async () => {
    ok(helmOn(["install", release, chartDir, "--namespace", ns, "--create-namespace", "--timeout", "60s"]), "helm install");
    ok(kubectl(kube(), ["wait", "--for=condition=Established", "--timeout=60s", ...crds.map((c) => `crd/${c}`)]), "kubectl wait Established");
    const deployment = await kube().request({ path: `/apis/apps/v1/namespaces/${ns}/deployments/arkube-operator` });
    assert.equal(deployment.status, 200, deployment.text);
    const spec = (deployment.json as { spec: { template: { spec: { serviceAccountName: string } } } }).spec.template.spec;
    assert.equal(spec.serviceAccountName, "arkube-operator");
    const names = ok(kubectl(kube(), ["get", "-n", ns, "deploy,daemonset,statefulset,hpa,svc,networkpolicy,sa", "-o", "name"]), "kubectl get");
    for (const name of ["deployment.apps/arkube-operator", "deployment.apps/arkube-cu",
      "daemonset.apps/arkube-node-agent", "statefulset.apps/arkube-nats", "horizontalpodautoscaler.autoscaling/arkube-cu",
      "service/arkube-cu", "service/arkube-nats", "serviceaccount/arkube-vdf"]) {
      assert.ok(names.split("\n").includes(name), `${name} missing from:\n${names}`);
    }
    // The installed CRDs serve objects (a Replica through kubectl), and the ServiceAccounts have their grants.
    const replica = JSON.stringify({
      apiVersion: "arkube.dev/v1alpha1", kind: "Replica", metadata: { name: "r0", namespace: ns },
      spec: { miningAddress: { address: "A".repeat(43) }, packing: "spora_2_6", partitions: { count: 1 } },
    });
    ok(kubectl(kube(), ["create", "-f", "-"], replica), "kubectl create Replica");
    ok(kubectl(kube(), ["auth", "can-i", "patch", "leases", "-n", ns, "--as", `system:serviceaccount:${ns}:arkube-vdf`]), "vdf may patch Leases");
    const operator = ["-n", ns, "--as", `system:serviceaccount:${ns}:arkube-operator`];
    ok(kubectl(kube(), ["auth", "can-i", "patch", "hashchains/arkube", ...operator]), "the operator may apply the default HashChain");
    ok(kubectl(kube(), ["auth", "can-i", "create", "configmaps", ...operator]), "the operator may write vdf configs");
    assert.notEqual(kubectl(kube(), ["auth", "can-i", "patch", "hashchains/other", ...operator]).status, 0, "but no other HashChain's spec");
    // The default HashChain the operator will apply (no kubelet here, so no operator runs): the installed
    // CRD's schema and CEL rules accept it.
    const cm = await kube().request({ path: `/api/v1/namespaces/${ns}/configmaps/arkube-default-hashchain` });
    assert.equal(cm.status, 200, cm.text);
    const hashChain = (cm.json as { data: Record<string, string> }).data["hashchain.yaml"]!;
    ok(kubectl(kube(), ["create", "--dry-run=server", "-n", ns, "-f", "-"], hashChain), "server-side dry run of the default HashChain");
    const denied = kubectl(kube(), ["auth", "can-i", "get", "secrets", "-n", ns, "--as", `system:serviceaccount:${ns}:arkube-operator`]);
    assert.notEqual(denied.status, 0, "the operator must not read Secrets");
  });

  it("upgrades in place and keeps the generated cluster wallet", async () => {
    const first = await seed();
    assert.match(first ?? "", /^[0-9a-f]{64}$/);
    ok(helmOn(["upgrade", release, chartDir, "--namespace", ns, "--set", "cu.autoscaling.maxReplicas=4"]), "helm upgrade");
    assert.equal(await seed(), first);
    const hpa = await kube().request({ path: `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/arkube-cu` });
    assert.equal((hpa.json as { spec: { maxReplicas: number } }).spec.maxReplicas, 4);
  });

  it("uninstalls the workloads and keeps the CRDs and the wallet Secret", async () => {
    ok(helmOn(["uninstall", release, "--namespace", ns, "--timeout", "60s"]), "helm uninstall");
    const deployment = await kube().request({ path: `/apis/apps/v1/namespaces/${ns}/deployments/arkube-operator` });
    assert.equal(deployment.status, 404, deployment.text);
    for (const crd of crds) {
      const res = await kube().request({ path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}` });
      assert.equal(res.status, 200, `${crd} was removed by helm uninstall`);
    }
    assert.match((await seed()) ?? "", /^[0-9a-f]{64}$/);
  });
});
