import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HashChain } from "../../protocol/crds/index.ts";
import { configHashAnnotation, vdfConfigMap, vdfDeployment } from "./desired.ts";
import { configHash, renderVdfConfig } from "./vdf-config.ts";

const hc: HashChain = {
  apiVersion: "arkube.dev/v1alpha1", kind: "HashChain",
  metadata: { name: "main", namespace: "arkube", uid: "u1", generation: 2, labels: { "app.kubernetes.io/instance": "rel", "team": "x" } },
  spec: {
    chainName: "main", genesisOutput: "g".repeat(43), iterationsPerCheckpoint: 100, image: "arkube/vdf:1",
    resources: { requests: { cpu: "1" } }, nodeSelector: { pool: "vdf" }, imagePullSecrets: [{ name: "reg" }],
  },
};
const config = renderVdfConfig(hc, { natsUrl: "nats://n:4222", leaseName: "main-vdf" });
type Pod = {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: { containers: { args: string[]; image: string; resources?: unknown; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; configMap?: { name: string } }[]; nodeSelector?: unknown; imagePullSecrets?: unknown; serviceAccountName: string };
};
const podOf = (d: ReturnType<typeof vdfDeployment>) => (d.spec as { template: Pod }).template;

describe("HashChain children", () => {
  it("a 2-replica Deployment owned by the HashChain, started on the mounted config, with no clock values", () => {
    const d = vdfDeployment(hc, config);
    assert.equal(d.metadata.name, "main-vdf");
    assert.equal((d.spec as { replicas: number }).replicas, 2);
    assert.deepEqual(d.metadata.ownerReferences, [{ apiVersion: "arkube.dev/v1alpha1", kind: "HashChain", name: "main", uid: "u1", controller: true, blockOwnerDeletion: true }]);
    const pod = podOf(d);
    const c = pod.spec.containers[0]!;
    assert.deepEqual(c.args, ["--config", "/etc/arkube/config.yaml"]);
    assert.ok(c.volumeMounts.some((m) => m.name === "config" && m.mountPath === "/etc/arkube"));
    assert.ok(pod.spec.volumes.some((v) => v.configMap?.name === "main-vdf"));
    assert.equal(pod.spec.serviceAccountName, "arkube-vdf");
    assert.deepEqual([c.resources, pod.spec.nodeSelector, pod.spec.imagePullSecrets], [{ requests: { cpu: "1" } }, { pool: "vdf" }, [{ name: "reg" }]]);
    const text = JSON.stringify(d);
    assert.doesNotMatch(text, /20\d\d-\d\d-\d\dT/, "no timestamps in the pod template (they would roll the pods)");
    assert.equal(JSON.stringify(vdfDeployment(hc, config)), text, "deterministic");
  });

  it("rolls the pods when the config changes, through the config hash on the pod template", () => {
    assert.equal(podOf(vdfDeployment(hc, config)).metadata.annotations[configHashAnnotation], configHash(config));
    const other = renderVdfConfig(hc, { natsUrl: "nats://elsewhere:4222", leaseName: "main-vdf" });
    assert.notEqual(podOf(vdfDeployment(hc, other)).metadata.annotations[configHashAnnotation], configHash(config));
  });

  it("labels: the selector's own, plus the HashChain's instance labels so the chart's selectors find the pods", () => {
    const labels = podOf(vdfDeployment(hc, config)).metadata.labels;
    assert.equal(labels["arkube.dev/hashchain"], "main");
    assert.equal(labels["app.kubernetes.io/component"], "vdf");
    assert.equal(labels["app.kubernetes.io/name"], "arkube");
    assert.equal(labels["app.kubernetes.io/instance"], "rel");
    assert.equal(labels["team"], undefined, "only the standard grouping labels are inherited");
  });

  it("the ConfigMap holds the rendered file, owned like the Deployment", () => {
    const cm = vdfConfigMap(hc, config);
    assert.equal(cm.metadata.name, "main-vdf");
    assert.equal(cm.data["config.yaml"], config);
    assert.equal((cm.metadata.ownerReferences[0] as { uid: string }).uid, "u1");
  });
});
