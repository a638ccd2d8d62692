// Two operator replicas electing a leader on a real Lease: exactly one leads; a released lease is
// taken over at once; a crashed leader's lease is taken over after it expires.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LeaderElector, type LeaseObject } from "../leader/election.ts";
import { resources } from "../kube/resources.ts";
import { silentLogger } from "../log.ts";
import { pollUntil, startCluster, type Cluster } from "./support.ts";

const ns = "arkube-system";
const bounds = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 200 };
const timeoutMs = 15_000;

describe("leader election on a real Lease", () => {
  let cluster: Cluster;
  const electors: LeaderElector[] = [];
  const transitions: string[] = [];
  const elector = (identity: string) => {
    const e = new LeaderElector({
      api: cluster.api, namespace: ns, name: "arkube-operator", identity, log: silentLogger, now: () => new Date(), bounds,
      onStartedLeading: () => transitions.push(`${identity}+`), onStoppedLeading: () => transitions.push(`${identity}-`),
    });
    electors.push(e);
    return e;
  };
  const holder = async () => (await cluster.api.get<LeaseObject>(resources.lease, "arkube-operator", ns))?.spec?.holderIdentity;

  before(async () => {
    cluster = await startCluster({ namespaces: [ns] });
  });
  after(async () => {
    for (const e of electors) await e.stop({ release: false });
    await cluster?.stop();
  });

  it("exactly one of two candidates leads, and keeps leading", async () => {
    const a = elector("op-a");
    const b = elector("op-b");
    a.start();
    b.start();
    await pollUntil("a leader", timeoutMs, async () => a.isLeader || b.isLeader);
    await new Promise((r) => setTimeout(r, 3 * bounds.leaseDurationMs));
    assert.equal(Number(a.isLeader) + Number(b.isLeader), 1);
    assert.equal(transitions.length, 1, transitions.join(","));
    assert.equal(await holder(), a.isLeader ? "op-a" : "op-b");
  });

  it("a released lease is taken over within a retry period or two", async () => {
    const [a, b] = electors as [LeaderElector, LeaderElector];
    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    const started = Date.now();
    await leader.stop({ release: true });
    await pollUntil("standby leads", timeoutMs, async () => standby.isLeader);
    assert.ok(Date.now() - started < bounds.leaseDurationMs, `took ${Date.now() - started} ms`);
  });

  it("a crashed leader (no release) is replaced after its lease expires", async () => {
    const leader = electors.find((e) => e.isLeader)!;
    const c = elector("op-c");
    c.start();
    const started = Date.now();
    await leader.stop({ release: false });
    await pollUntil("op-c leads", timeoutMs, async () => c.isLeader);
    assert.ok(Date.now() - started >= bounds.leaseDurationMs - 500, "not before the lease expired");
    assert.equal(await holder(), "op-c");
    const lease = await cluster.api.get<LeaseObject>(resources.lease, "arkube-operator", ns);
    assert.equal(lease?.spec?.leaseTransitions, 2);
  });
});
