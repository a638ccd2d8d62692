// charts/arkube with the real helm binary: lint with the values schema, renders for the default values,
// an external NATS, CRDs switched off, the default HashChain and the Grafana dashboard, and values the
// schema must reject; the chart's copies of the CRDs and of the operator's RBAC stay equal to crds/ and
// operator/rbac.yaml, and the default HashChain becomes a config vdf's own parser accepts.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { renderVdfConfig } from "../../operator/hashchain/vdf-config.ts";
import type { HashChain } from "../../protocol/crds/index.ts";
import { parseConfig as parseAgentConfig } from "../../node-agent/config.ts";
import { parseConfig } from "../../vdf/config.ts";
import { chartDir, find, helm, podSpec, render, repoRoot, type K8sObject } from "./helm.ts";

const crdFiles = ["aoprocesses.arkube.dev.yaml", "hashchains.arkube.dev.yaml", "partitions.arkube.dev.yaml", "replicas.arkube.dev.yaml"];

function defaultHashChain(objects: readonly K8sObject[]): HashChain {
  return parse(find(objects, "ConfigMap", "arkube-default-hashchain").data!["hashchain.yaml"]!) as HashChain;
}

function configOf(cm: K8sObject): Record<string, unknown> {
  const text = cm.data?.["config.yaml"];
  assert.ok(text !== undefined, `${cm.metadata.name} has no config.yaml`);
  return parseAllDocuments(text)[0]!.toJS() as Record<string, unknown>;
}

describe("charts/arkube", () => {
  it("passes helm lint --strict (with values.schema.json)", () => {
    const res = helm(["lint", "--strict", chartDir]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("keeps files/crds byte for byte equal to crds/ (copy with: cp crds/*.yaml charts/arkube/files/crds/)", () => {
    const source = readdirSync(join(repoRoot, "crds")).filter((f) => f.endsWith(".yaml")).sort();
    const copy = readdirSync(join(chartDir, "files", "crds")).sort();
    assert.deepEqual(copy, source);
    for (const f of source) {
      const a = readFileSync(join(repoRoot, "crds", f));
      const b = readFileSync(join(chartDir, "files", "crds", f));
      assert.ok(a.equals(b), `charts/arkube/files/crds/${f} differs from crds/${f}`);
    }
  });

  it("grants the operator exactly the rules of operator/rbac.yaml", () => {
    const reference = parseAllDocuments(readFileSync(join(repoRoot, "operator", "rbac.yaml"), "utf8")).map((d) => d.toJS() as K8sObject);
    const objects = render();
    for (const kind of ["Role", "ClusterRole"]) {
      const want = reference.find((o) => o.kind === kind)!;
      const name = kind === "Role" ? "arkube-operator" : "arkube-operator-arkube";
      assert.deepEqual(find(objects, kind, name)["rules"], want["rules"], `${kind} rules`);
    }
    const binding = find(objects, "ClusterRoleBinding", "arkube-operator-arkube") as unknown as { subjects: unknown[] };
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "arkube-operator", namespace: "arkube" }]);
  });

  it("renders every component with the default values", () => {
    const objects = render();
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ["CustomResourceDefinition", "ServiceAccount", "Role", "ClusterRole", "Deployment", "DaemonSet",
      "StatefulSet", "Service", "HorizontalPodAutoscaler", "NetworkPolicy", "ConfigMap", "Secret"]) {
      assert.ok(kinds.has(kind), `no ${kind} rendered`);
    }
    assert.ok(!kinds.has("PodMonitor"), "PodMonitor is off by default");
    for (const o of objects) {
      if (o.kind !== "CustomResourceDefinition" && !o.kind.startsWith("Cluster")) assert.equal(o.metadata.namespace, "arkube", `${o.kind}/${o.metadata.name}`);
    }

    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    assert.deepEqual(crds.map((c) => c.metadata.name).sort(), crdFiles.map((f) => f.replace(/\.yaml$/, "")));
    for (const c of crds) assert.equal(c.metadata.annotations?.["helm.sh/resource-policy"], "keep");

    for (const sa of ["arkube-operator", "arkube-vdf", "arkube-node-agent", "arkube-cu"]) find(objects, "ServiceAccount", sa);

    const natsUrl = "nats://arkube-nats.arkube.svc:4222";
    const operator = podSpec(find(objects, "Deployment", "arkube-operator"));
    assert.equal(operator.serviceAccountName, "arkube-operator");
    assert.deepEqual(operator.containers[0]!.args, ["--namespace=arkube", "--leader-elect=true", "--lease-name=arkube-operator",
      "--cu-pod-selector=app.kubernetes.io/component=cu", "--metrics-port=8080", `--nats-url=${natsUrl}`, "--default-hashchain=/etc/arkube/hashchain.yaml"]);
    assert.equal(operator.containers[0]!.image, "arkube/operator:0.1.0");
    const probes = operator.containers[0] as unknown as Record<string, { httpGet: { path: string; port: string } }>;
    assert.deepEqual([probes["livenessProbe"]!.httpGet, probes["readinessProbe"]!.httpGet], [{ path: "/healthz", port: "metrics" }, { path: "/readyz", port: "metrics" }]);

    const nats = find(objects, "StatefulSet", "arkube-nats");
    assert.ok(podSpec(nats).containers[0]!.args!.includes("--jetstream"));

    // vdf runs only as the operator's Deployment per HashChain; the chart hands the operator its default one.
    assert.ok(!objects.some((o) => o.kind === "Deployment" && o.metadata.name === "arkube-vdf"), "no vdf Deployment of the chart's own");
    const hc = defaultHashChain(objects);
    assert.equal(hc.metadata.name, "arkube");
    assert.equal(hc.metadata.labels?.["app.kubernetes.io/instance"], "arkube", "the label the NetworkPolicies and PodMonitor select on");
    assert.equal(hc.spec.image, "arkube/vdf:0.1.0");
    // What the operator will write for it: vdf's own parser accepts it.
    const vdf = parseConfig(parse(renderVdfConfig({ ...hc, metadata: { ...hc.metadata, namespace: "arkube" } }, { natsUrl, leaseName: "arkube-vdf" })));
    assert.deepEqual(vdf.chain.seeds, { type: "derived", domain: "devnet" });
    assert.equal(vdf.chain.iterationsPerCheckpoint, 20000);

    const cuConfig = configOf(find(objects, "ConfigMap", "arkube-cu"));
    assert.deepEqual(cuConfig["nats"], { url: natsUrl, replicas: 1 });
    assert.equal(cuConfig["walletSeedHex"], "__WALLET_SEED_HEX__");
    const cu = find(objects, "Deployment", "arkube-cu");
    const cuPod = (cu.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    assert.equal(cuPod["app.kubernetes.io/component"], "cu", "the operator's default --cu-pod-selector");
    assert.equal(cu.spec?.["replicas"], undefined, "the HPA owns the replica count");
    const hpa = find(objects, "HorizontalPodAutoscaler", "arkube-cu");
    assert.deepEqual(hpa.spec?.["scaleTargetRef"], { apiVersion: "apps/v1", kind: "Deployment", name: "arkube-cu" });
    const seed = Buffer.from(find(objects, "Secret", "arkube-cu-wallet").data!["walletSeedHex"]!, "base64").toString();
    assert.match(seed, /^[0-9a-f]{64}$/);

    const agent = find(objects, "DaemonSet", "arkube-node-agent");
    const agentPod = podSpec(agent) as unknown as { nodeSelector: Record<string, string>; volumes: { name: string; hostPath?: { path: string } }[] };
    assert.deepEqual(agentPod.nodeSelector, { "arkube.dev/storage": "true" });
    assert.ok(agentPod.volumes.some((v) => v.hostPath?.path === "/mnt/arkube"));
    const agentText = find(objects, "ConfigMap", "arkube-node-agent").data!["config.yaml"]!;
    assert.equal((parse(agentText) as Record<string, unknown>)["nodeName"], "__NODE_NAME__");
    // The agent's own parser, with the placeholder filled in as the pod does: Kubernetes mode, this release's namespace.
    const agentConfig = parseAgentConfig(agentText.replaceAll("__NODE_NAME__", "storage-1"), { ARKUBE_MINING_ADDRESS: "A".repeat(43) });
    assert.deepEqual([agentConfig.kubernetes?.nodeName, agentConfig.kubernetes?.namespace], ["storage-1", "arkube"]);
  });

  it("renders with an external NATS: no StatefulSet, every config dials the URL", () => {
    const url = "nats://nats.messaging.svc:4222";
    const objects = render(["nats.mode=external", `nats.external.url=${url}`]);
    assert.ok(!objects.some((o) => o.kind === "StatefulSet"), "no NATS StatefulSet");
    assert.ok(!objects.some((o) => o.metadata.name === "arkube-nats"), "no NATS Service or NetworkPolicy");
    assert.ok(podSpec(find(objects, "Deployment", "arkube-operator")).containers[0]!.args!.includes(`--nats-url=${url}`), "the operator writes it into vdf's config");
    assert.equal((configOf(find(objects, "ConfigMap", "arkube-cu"))["nats"] as { url: string }).url, url);
    assert.equal(configOf(find(objects, "ConfigMap", "arkube-node-agent"))["natsUrl"], url);
  });

  it("switches the CRDs off, and keeps them on uninstall only when asked", () => {
    assert.ok(!render(["crds.install=false"]).some((o) => o.kind === "CustomResourceDefinition"));
    const unkept = render(["crds.keep=false"]).filter((o) => o.kind === "CustomResourceDefinition");
    assert.equal(unkept.length, 4);
    for (const c of unkept) assert.equal(c.metadata.annotations?.["helm.sh/resource-policy"], undefined);
  });

  it("renders optional parts: PodMonitor, a 3-node NATS cluster, no NetworkPolicies, an existing wallet Secret", () => {
    const objects = render(["podMonitor.enabled=true", "nats.replicas=3", "networkPolicy.enabled=false", "cu.existingSecret=my-wallet"]);
    find(objects, "PodMonitor", "arkube");
    assert.ok(!objects.some((o) => o.kind === "NetworkPolicy"));
    assert.ok(!objects.some((o) => o.kind === "Secret"));
    const args = podSpec(find(objects, "StatefulSet", "arkube-nats")).containers[0]!.args!;
    const routes = args.find((a) => a.startsWith("--routes="));
    assert.equal(routes?.split(",").length, 3, String(routes));
    const env = podSpec(find(objects, "Deployment", "arkube-cu")).containers[0]!.env!;
    assert.deepEqual(env.find((e) => e.name === "WALLET_SEED_HEX")?.valueFrom, { secretKeyRef: { name: "my-wallet", key: "walletSeedHex" } });
  });

  it("leaves the HashChain to the user with vdf.hashChain.create=false", () => {
    const objects = render(["vdf.hashChain.create=false"]);
    assert.ok(!objects.some((o) => o.metadata.name === "arkube-default-hashchain"));
    const args = podSpec(find(objects, "Deployment", "arkube-operator")).containers[0]!.args!;
    assert.ok(!args.some((a) => a.startsWith("--default-hashchain")));
    const rules = find(objects, "Role", "arkube-operator")["rules"] as { resources: string[]; verbs: string[] }[];
    assert.ok(!rules.some((r) => r.resources.includes("hashchains") && r.verbs.includes("patch")), "no write access to any HashChain spec");
    find(objects, "NetworkPolicy", "arkube-vdf");
  });

  it("renders list seeds and a named chain into the default HashChain", () => {
    const seed = "ab".repeat(32);
    const hc = defaultHashChain(render(["vdf.hashChain.name=main", "vdf.hashChain.resetSeeds.type=list", "vdf.hashChain.resetSeeds.firstInterval=4",
      `vdf.hashChain.resetSeeds.seedsHex={${seed}}`, "vdf.hashChain.resetSeeds.domain=null"]));
    assert.equal(hc.metadata.name, "main");
    assert.deepEqual(hc.spec.resetSeeds, { type: "list", firstInterval: 4, seedsHex: [seed] });
  });

  it("ships the Grafana dashboard for the sidecar when asked", () => {
    assert.ok(!render().some((o) => o.metadata.name === "arkube-dashboard"), "off by default");
    const cm = find(render(["grafanaDashboard.enabled=true", "grafanaDashboard.namespace=monitoring"]), "ConfigMap", "arkube-dashboard");
    assert.equal(cm.metadata.labels?.["grafana_dashboard"], "1");
    assert.equal(cm.metadata.namespace, "monitoring");
    assert.deepEqual(JSON.parse(cm.data!["arkube.json"]!), JSON.parse(readFileSync(join(chartDir, "dashboards", "arkube.json"), "utf8")));
  });

  const invalid: [string, string[], RegExp][] = [
    ["an unknown top-level key", ["replicaz=3"], /additional properties 'replicaz' not allowed/],
    ["an unknown NATS mode", ["nats.mode=cluster"], /\/nats\/mode/],
    ["an external NATS without a URL", ["nats.mode=external"], /\/nats\/external\/url/],
    ["a port out of range", ["cu.httpPort=70000"], /\/cu\/httpPort/],
    ["a malformed wallet seed", ["cu.walletSeedHex=xyz"], /\/cu\/walletSeedHex/],
    ["a relative data root", ["nodeAgent.dataRoots={mnt/disks}"], /\/nodeAgent\/dataRoots/],
    ["a string where a boolean belongs", ["crds.install=maybe"], /\/crds\/install/],
    ["a genesis output that is not 32 bytes", ["vdf.hashChain.genesisOutput=AAAA"], /\/vdf\/hashChain\/genesisOutput/],
    ["iterations below vdf's minimum", ["vdf.hashChain.iterationsPerCheckpoint=1"], /\/vdf\/hashChain\/iterationsPerCheckpoint/],
    ["list seeds without seeds", ["vdf.hashChain.resetSeeds.type=list", "vdf.hashChain.resetSeeds.domain=null"], /\/vdf\/hashChain\/resetSeeds/],
    ["the old vdf Deployment values", ["vdf.replicas=2"], /additional properties 'replicas' not allowed/],
  ];
  for (const [what, sets, message] of invalid) {
    it(`rejects ${what} (values.schema.json)`, () => {
      const res = helm(["template", "arkube", chartDir, ...sets.flatMap((s) => ["--set", s])]);
      assert.notEqual(res.status, 0, `helm template accepted ${sets.join(" ")}`);
      assert.match(res.stderr, message);
      const lint = helm(["lint", chartDir, ...sets.flatMap((s) => ["--set", s])]);
      assert.notEqual(lint.status, 0, `helm lint accepted ${sets.join(" ")}`);
    });
  }
});
