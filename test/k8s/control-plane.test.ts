// Integration test of the real control plane harness: builds (or reuses) the binaries, starts etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok, and talks HTTPS to the API server
// with the admin client certificate. Nothing is skipped: a failed build fails the test with its message.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ensureControlPlaneBinaries } from "./binaries.ts";
import { kwokNodeAnnotation, startControlPlane, type ControlPlane } from "./control-plane.ts";
import type { KubeResponse } from "./kube-http.ts";
import { isGroupAlive } from "./processes.ts";

const crdEstablishedTimeoutMs = 30_000;
const nodeReadyTimeoutMs = 60_000;
const podRunningTimeoutMs = 90_000;
const pollIntervalMs = 250;

const namespace = "arkube-cp-test";
const group = "tests.arkube.io";
const plural = "widgets";
const crdName = `${plural}.${group}`;
const celMessage = "spec.replicas must not exceed spec.maxReplicas";
const nodeName = "kwok-node-0";

describe("real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)", () => {
  let cp: ControlPlane;

  before(async () => {
    const binDir = await ensureControlPlaneBinaries();
    cp = await startControlPlane({ binDir, controllerManager: true, scheduler: true, kwok: true });
  });

  // Also runs when a step failed; stop() is idempotent.
  after(async () => {
    await cp?.stop();
  });

  it("answers /readyz with the admin client certificate", async () => {
    const res = await cp.request({ path: "/readyz" });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text.trim(), "ok");
  });

  it("creates a namespace", async () => {
    const res = await cp.request({
      method: "POST",
      path: "/api/v1/namespaces",
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    });
    assertStatus(res, 201);
  });

  it("creates a CRD with an OpenAPI schema and a CEL rule, which becomes Established", async () => {
    const res = await cp.request({ method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: widgetCrd() });
    assertStatus(res, 201);
    await pollUntil(`CRD ${crdName} Established`, crdEstablishedTimeoutMs, async () => {
      const got = await cp.request({ path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}` });
      return conditionStatus(got.json, "Established") === "True";
    });
  });

  it("accepts a valid custom object and rejects an invalid one with the CEL message", async () => {
    const path = `/apis/${group}/v1alpha1/namespaces/${namespace}/${plural}`;
    // Discovery for a just-Established CRD can lag by a moment; retry 404s only.
    const valid = await pollForNon404(() => cp.request({ method: "POST", path, body: widget("ok", 2, 3) }));
    assertStatus(valid, 201);
    const invalid = await cp.request({ method: "POST", path, body: widget("too-many", 5, 3) });
    assert.equal(invalid.status, 422, invalid.text);
    assert.match(invalid.text, new RegExp(escapeRegExp(celMessage)));
  });

  it("lets kwok make an annotated fake Node Ready", async () => {
    const res = await cp.request({ method: "POST", path: "/api/v1/nodes", body: fakeNode(nodeName) });
    assertStatus(res, 201);
    await pollUntil(`Node ${nodeName} Ready`, nodeReadyTimeoutMs, async () => {
      const got = await cp.request({ path: `/api/v1/nodes/${nodeName}` });
      return conditionStatus(got.json, "Ready") === "True";
    });
  });

  it("schedules a pod onto the fake node and kwok runs it", async () => {
    // The ServiceAccount admission needs the namespace's "default" account, made by the controller manager.
    await pollUntil("ServiceAccount default", podRunningTimeoutMs, async () => {
      const got = await cp.request({ path: `/api/v1/namespaces/${namespace}/serviceaccounts/default` });
      return got.status === 200;
    });
    const res = await cp.request({ method: "POST", path: `/api/v1/namespaces/${namespace}/pods`, body: fakePod("pod-0") });
    assertStatus(res, 201);
    await pollUntil("pod-0 Running on the fake node", podRunningTimeoutMs, async () => {
      const got = await cp.request({ path: `/api/v1/namespaces/${namespace}/pods/pod-0` });
      const pod = got.json as { spec?: { nodeName?: string }; status?: { phase?: string } };
      return pod.spec?.nodeName === nodeName && pod.status?.phase === "Running";
    });
  });

  it("stop() ends every process group and removes the work directory", async () => {
    const pgids = cp.components.map((c) => c.pid);
    assert.equal(pgids.length, 5);
    await cp.stop();
    for (const component of cp.components) {
      assert.equal(isGroupAlive(component.pid), false, `${component.name} (pgid ${component.pid}) still alive`);
      assert.notEqual(component.exit, undefined, `${component.name} has no exit status`);
    }
    assert.equal(existsSync(cp.kubeconfigPath), false, "work directory still there");
  });
});

function widgetCrd(): unknown {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crdName },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, singular: "widget", kind: "Widget", listKind: "WidgetList" },
      versions: [{
        name: "v1alpha1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["replicas", "maxReplicas"],
                properties: {
                  replicas: { type: "integer", minimum: 0 },
                  maxReplicas: { type: "integer", minimum: 1 },
                },
                "x-kubernetes-validations": [{ rule: "self.replicas <= self.maxReplicas", message: celMessage }],
              },
            },
          },
        },
      }],
    },
  };
}

function widget(name: string, replicas: number, maxReplicas: number): unknown {
  return { apiVersion: `${group}/v1alpha1`, kind: "Widget", metadata: { name }, spec: { replicas, maxReplicas } };
}

function fakeNode(name: string): unknown {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation.key]: kwokNodeAnnotation.value },
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", type: "kwok" },
    },
    // No taint (kwok's docs add one to keep real workloads off): the test pod must land here.
    spec: {},
  };
}

function fakePod(name: string): unknown {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      nodeSelector: { type: "kwok" },
      containers: [{ name: "main", image: "registry.invalid/none:0" }],
    },
  };
}

function conditionStatus(obj: unknown, type: string): string | undefined {
  const conditions = (obj as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions;
  return conditions?.find((c) => c.type === type)?.status;
}

function assertStatus(res: KubeResponse, expected: number): void {
  assert.equal(res.status, expected, `expected HTTP ${expected}, got ${res.status}: ${res.text}`);
}

async function pollUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) assert.fail(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

async function pollForNon404(send: () => Promise<KubeResponse>): Promise<KubeResponse> {
  let res = await send();
  const deadline = Date.now() + crdEstablishedTimeoutMs;
  while (res.status === 404 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    res = await send();
  }
  return res;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
