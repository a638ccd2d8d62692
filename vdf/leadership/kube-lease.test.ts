// Leadership over a coordination.k8s.io/v1 Lease on a real kube-apiserver (test/k8s harness): optimistic
// concurrency on resourceVersion, a takeover with leaseTransitions + 1 once the holder stops renewing,
// and the step annotations the operator's HashChain controller reads.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CoordinationV1Api, KubeConfig } from "@kubernetes/client-node";
import { ensureControlPlaneBinaries, startControlPlane, type ControlPlane } from "../../test/k8s/index.ts";
import { silentLogger } from "../log.ts";
import { waitFor } from "../test-support.ts";
import { Elector } from "./elector.ts";
import { KubeLeaseStore } from "./kube-lease.ts";
import { LeaseConflictError, type LeadershipEvent } from "./types.ts";

const namespace = "default";
// Lease durations are whole seconds in the API.
const timing = { leaseDurationMs: 2000, renewIntervalMs: 300, retryIntervalMs: 200, renewMarginMs: 500 };

async function untilElected(elector: Elector, timeoutMs: number): Promise<number> {
  const events = elector.events()[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), Math.max(0, deadline - Date.now())));
    const next = await Promise.race([events.next(), timer]);
    if (next === "timeout" || next.done) throw new Error("not elected in time");
    const ev: LeadershipEvent = next.value;
    if (ev.type === "elected") return ev.term;
  }
}

describe("Kubernetes Lease leadership", () => {
  let cp: ControlPlane;
  let api: CoordinationV1Api;

  before(async () => {
    cp = await startControlPlane({ binDir: await ensureControlPlaneBinaries() });
    const kc = new KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    api = kc.makeApiClient(CoordinationV1Api);
  });
  after(async () => {
    await cp?.stop();
  });

  it("compare-and-swap on resourceVersion", async () => {
    const a = new KubeLeaseStore(api, namespace, "vdf-cas");
    const b = new KubeLeaseStore(api, namespace, "vdf-cas");
    const v1 = await a.create({ holder: "a", term: 1, durationMs: 1000 });
    await assert.rejects(b.create({ holder: "b", term: 1, durationMs: 1000 }), LeaseConflictError);
    const v2 = await a.update({ holder: "a", term: 2, durationMs: 1000 }, v1);
    await assert.rejects(b.update({ holder: "b", term: 2, durationMs: 1000 }, v1), LeaseConflictError);
    const read = (await b.read())!;
    assert.equal(read.version, v2);
    assert.deepEqual(read.record, { holder: "a", term: 2, durationMs: 1000 });
  });

  it("the holder writes its newest step into the annotations the operator reads, with each renewal", async () => {
    // The names are the contract in operator/README.md ("vdf Lease"), spelled out rather than imported.
    const annotations = async () => (await api.readNamespacedLease({ name: "vdf-progress", namespace })).metadata?.annotations ?? {};
    const store = new KubeLeaseStore(api, namespace, "vdf-progress");
    const a = new Elector({ ...timing, store, identity: "pod-a", log: silentLogger });
    a.noteProgress({ step: 41, timeMs: Date.parse("2026-05-01T12:00:00.123Z") });
    a.start();
    await untilElected(a, 10_000);
    assert.equal((await annotations())["arkube.dev/vdf-step"], "41");
    assert.equal((await annotations())["arkube.dev/vdf-step-time"], "2026-05-01T12:00:00.123Z");
    a.noteProgress({ step: 42, timeMs: Date.parse("2026-05-01T12:00:01.000Z") });
    a.noteProgress({ step: 40, timeMs: Date.parse("2026-05-01T11:59:59.000Z") }); // older: ignored
    await waitFor("renewal with step 42", 10_000, async () => (await annotations())["arkube.dev/vdf-step"] === "42");
    assert.deepEqual((await store.read())?.record.progress, { step: 42, timeMs: Date.parse("2026-05-01T12:00:01.000Z") });
    await a.stop(true);
    const released = await api.readNamespacedLease({ name: "vdf-progress", namespace });
    assert.equal(released.spec?.holderIdentity, "");
    assert.equal(released.metadata?.annotations?.["arkube.dev/vdf-step"], "42", "the last step stays visible after release");
  });

  it("a standby takes over a Lease its holder stopped renewing, with the next term", async () => {
    const a = new Elector({ ...timing, store: new KubeLeaseStore(api, namespace, "vdf-takeover"), identity: "pod-a", log: silentLogger });
    const b = new Elector({ ...timing, store: new KubeLeaseStore(api, namespace, "vdf-takeover"), identity: "pod-b", log: silentLogger });
    a.start();
    const termA = await untilElected(a, 10_000);
    b.start();
    const bElected = untilElected(b, 15_000);
    await new Promise((r) => setTimeout(r, timing.leaseDurationMs));
    assert.equal(b.validTerm(), undefined, "no takeover while the holder renews");
    const stoppedAt = Date.now();
    await a.stop(false); // a crash: no release
    const termB = await bElected;
    assert.ok(Date.now() - stoppedAt >= timing.leaseDurationMs - timing.renewIntervalMs, "waited for the lease to expire");
    assert.equal(termB, termA + 1);
    const lease = await api.readNamespacedLease({ name: "vdf-takeover", namespace });
    assert.equal(lease.spec?.holderIdentity, "pod-b");
    assert.equal(lease.spec?.leaseTransitions, termB);
    await b.stop(true);
    const released = await api.readNamespacedLease({ name: "vdf-takeover", namespace });
    assert.equal(released.spec?.holderIdentity, "");
  });
});
