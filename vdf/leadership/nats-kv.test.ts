// Leadership over a NATS KV key on a real nats-server: compare-and-swap, takeover after expiry with a
// new term, and a leader that cannot renew giving up its right to publish before anyone takes over.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, type NatsServer } from "../../test/harness/index.ts";
import { silentLogger } from "../log.ts";
import { Elector } from "./elector.ts";
import { NatsKvLeaseStore } from "./nats-kv.ts";
import { LeaseConflictError, type LeadershipEvent, type LeaseRecord, type LeaseStore } from "./types.ts";

const timing = { leaseDurationMs: 1200, renewIntervalMs: 200, retryIntervalMs: 100, renewMarginMs: 300 };

/** A store whose writes can be made to fail, as when the leader is cut off from NATS. */
class CutOffStore implements LeaseStore {
  readonly kind = "cut-off";
  cut = false;
  constructor(private readonly inner: LeaseStore) {}
  read() {
    return this.cut ? Promise.reject(new Error("cut off")) : this.inner.read();
  }
  create(r: LeaseRecord) {
    return this.cut ? Promise.reject(new Error("cut off")) : this.inner.create(r);
  }
  update(r: LeaseRecord, v: string) {
    return this.cut ? Promise.reject(new Error("cut off")) : this.inner.update(r, v);
  }
}

async function nextEvent(events: AsyncIterator<LeadershipEvent>, type: LeadershipEvent["type"], timeoutMs: number): Promise<LeadershipEvent & { atMs: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), Math.max(0, deadline - performance.now())));
    const next = await Promise.race([events.next(), timer]);
    if (next === "timeout") throw new Error(`no ${type} event within ${timeoutMs} ms`);
    if (next.done) throw new Error(`events ended before ${type}`);
    if (next.value.type === type) return { ...next.value, atMs: performance.now() };
  }
}

describe("NATS KV leadership", () => {
  let nats: NatsServer;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it("compare-and-swap: one create wins, a stale update fails", async () => {
    const [a, b] = await Promise.all([NatsKvLeaseStore.open(nc, "cas"), NatsKvLeaseStore.open(nc, "cas")]);
    const results = await Promise.allSettled([a.create({ holder: "a", term: 1, durationMs: 1000 }), b.create({ holder: "b", term: 1, durationMs: 1000 })]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(failed.reason instanceof LeaseConflictError);
    const current = (await a.read())!;
    const v2 = await a.update({ ...current.record, term: 2 }, current.version);
    await assert.rejects(b.update({ holder: "b", term: 2, durationMs: 1000 }, current.version), LeaseConflictError);
    assert.equal((await b.read())!.version, v2);
  });

  it("a follower takes over with term + 1; a cut-off leader stops before that", async () => {
    const cut = new CutOffStore(await NatsKvLeaseStore.open(nc, "takeover"));
    const a = new Elector({ ...timing, store: cut, identity: "a", log: silentLogger });
    const b = new Elector({ ...timing, store: await NatsKvLeaseStore.open(nc, "takeover"), identity: "b", log: silentLogger });
    const aEvents = a.events()[Symbol.asyncIterator]();
    const bEvents = b.events()[Symbol.asyncIterator]();
    a.start();
    const elected = await nextEvent(aEvents, "elected", 5000);
    b.start();
    await nextEvent(bEvents, "observed", 5000);
    assert.equal(a.validTerm(), elected.type === "elected" ? elected.term : -1);
    assert.equal(b.validTerm(), undefined);

    cut.cut = true;
    const lost = await nextEvent(aEvents, "lost", 5000);
    const bElected = await nextEvent(bEvents, "elected", 5000);
    assert.equal(lost.type === "lost" && lost.reason, "renew-deadline");
    assert.equal(a.validTerm(), undefined);
    assert.ok(lost.atMs < bElected.atMs, "the old leader went quiet before the new one was elected");
    assert.equal(bElected.type === "elected" && bElected.term, (elected.type === "elected" ? elected.term : 0) + 1);
    assert.equal(b.validTerm(), bElected.type === "elected" ? bElected.term : -1);

    // A released lease is taken over without waiting for expiry.
    const c = new Elector({ ...timing, store: await NatsKvLeaseStore.open(nc, "takeover"), identity: "c", log: silentLogger });
    const cEvents = c.events()[Symbol.asyncIterator]();
    c.start();
    await nextEvent(cEvents, "observed", 5000);
    const releasedAt = performance.now();
    await b.stop(true);
    const cElected = await nextEvent(cEvents, "elected", 5000);
    assert.ok(cElected.atMs - releasedAt < timing.leaseDurationMs, "no expiry wait after a release");
    await Promise.all([a.stop(false), c.stop(true)]);
  });
});
