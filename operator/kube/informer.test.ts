// The informer's recovery logic with a scripted watch: a 410 Gone lists again and reports what
// vanished meanwhile as DELETED; a failed watch resumes from the last resourceVersion after a backoff.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeApi, KubeObject, ObjectList } from "./client.ts";
import { createInformer, type WatchFn } from "./informer.ts";
import { resources } from "./resources.ts";
import type { LogFields } from "../log.ts";

const obj = (name: string, rv: string): KubeObject => ({ metadata: { name, namespace: "ns", resourceVersion: rv } });
const bounds = { watchTimeoutSeconds: 60, retryDelayMinMs: 10, retryDelayMaxMs: 40, startTimeoutMs: 1_000 };

function fakeApi(lists: ObjectList<KubeObject>[]): KubeApi & { listCalls: number } {
  const api = {
    listCalls: 0,
    async list() {
      const next = lists[Math.min(api.listCalls, lists.length - 1)]!;
      api.listCalls++;
      return next;
    },
  };
  return api as unknown as KubeApi & { listCalls: number };
}

type Script = (onEvent: (type: string, obj: unknown) => void, onDone: (err: unknown) => void) => void;

function scriptedWatch(scripts: Script[]): WatchFn & { queries: Record<string, unknown>[] } {
  const queries: Record<string, unknown>[] = [];
  const fn = (async (_path, query, onEvent, onDone) => {
    queries.push(query);
    const script = scripts[queries.length - 1];
    let aborted = false;
    if (script !== undefined) setImmediate(() => script(onEvent, (err) => { if (!aborted) onDone(err); }));
    return { abort: () => { if (!aborted) { aborted = true; setImmediate(() => onDone(new Error("aborted"))); } } };
  }) as WatchFn & { queries: Record<string, unknown>[] };
  fn.queries = queries;
  return fn;
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), "condition not reached");
};

describe("informer recovery", () => {
  it("410 Gone: lists again, emits DELETED for vanished objects, and watches from the new resourceVersion", async () => {
    const api = fakeApi([
      { items: [obj("a", "5"), obj("b", "6")], resourceVersion: "10" },
      { items: [obj("a", "20"), obj("c", "21")], resourceVersion: "30" },
    ]);
    const watch = scriptedWatch([
      (ev) => { ev("MODIFIED", obj("a", "11")); ev("ERROR", { kind: "Status", code: 410 }); },
    ]);
    const seen: string[] = [];
    const logs: LogFields[] = [];
    const inf = createInformer({ api, ref: resources.partition, namespace: "ns", log: (f) => logs.push(f), bounds, watch, onEvent: (t, o) => seen.push(`${t} ${o.metadata.name}`) });
    await inf.start();
    await until(() => watch.queries.length === 2);
    inf.stop();
    assert.equal(api.listCalls, 2);
    assert.deepEqual(seen, ["ADDED a", "ADDED b", "MODIFIED a", "MODIFIED a", "ADDED c", "DELETED b"]);
    assert.equal(watch.queries[0]!["resourceVersion"], "10");
    assert.equal(watch.queries[1]!["resourceVersion"], "30");
    assert.deepEqual(inf.list().map((o) => o.metadata.name).sort(), ["a", "c"]);
    assert.deepEqual(logs.filter((l) => l.event === "watch_retry"), [], "a 410 is not an error");
  });

  it("a failed watch resumes from the last resourceVersion after a growing backoff, without listing", async () => {
    const api = fakeApi([{ items: [], resourceVersion: "1" }]);
    const watch = scriptedWatch([
      (ev, done) => { ev("ADDED", obj("x", "2")); ev("BOOKMARK", { metadata: { resourceVersion: "3" } }); done(new Error("connection reset")); },
      (_ev, done) => done(new Error("connection refused")),
      (_ev, done) => done(null),
    ]);
    const logs: LogFields[] = [];
    const inf = createInformer({ api, ref: resources.partition, namespace: "ns", log: (f) => logs.push(f), bounds, watch, onEvent: () => undefined });
    await inf.start();
    await until(() => watch.queries.length === 4);
    inf.stop();
    assert.equal(api.listCalls, 1);
    assert.deepEqual(watch.queries.map((q) => q["resourceVersion"]), ["1", "3", "3", "3"]);
    assert.deepEqual(logs.filter((l) => l.event === "watch_retry").map((l) => l["delayMs"]), [10, 20], "a server-side close (null) restarts at once");
    assert.equal(inf.get("x", "ns")?.metadata.resourceVersion, "2");
  });

  it("start() retries a failing first list, then gives up after startTimeoutMs", async () => {
    let calls = 0;
    const api = { async list() { calls++; throw new Error("429 storage is (re)initializing"); } } as unknown as KubeApi;
    const inf = createInformer({ api, ref: resources.partition, log: () => undefined, bounds: { ...bounds, startTimeoutMs: 60 }, watch: scriptedWatch([]), onEvent: () => undefined });
    await assert.rejects(inf.start(), /429/);
    assert.ok(calls >= 2, `${calls} attempts`);
  });
});
