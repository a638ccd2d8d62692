// The pure election decision: when to create, renew, wait or take over, judged by the local clock from
// when a record version was first seen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, type Observation } from "./elector.ts";
import type { VersionedLease } from "./types.ts";

const self = { identity: "me", leading: false, leaseDurationMs: 1000 };
const held = (holder: string, term = 4, version = "v7"): VersionedLease => ({ record: { holder, term, durationMs: 1000 }, version });
const seen = (version: string | undefined, sinceMs: number): Observation => ({ version, holder: undefined, term: undefined, sinceMs });

test("no record: create term 1", () => {
  assert.deepEqual(decide(undefined, seen(undefined, 0), self, 0), { type: "create", record: { holder: "me", term: 1, durationMs: 1000 } });
});

test("another holder: wait until its version is unchanged for the record's duration", () => {
  assert.equal(decide(held("other"), seen("v6", 0), self, 5000).type, "wait", "a version just seen for the first time");
  assert.equal(decide(held("other"), seen("v7", 100), self, 1099).type, "wait");
  assert.deepEqual(decide(held("other"), seen("v7", 100), self, 1100), {
    type: "takeover",
    record: { holder: "me", term: 5, durationMs: 1000 },
    version: "v7",
  });
});

test("leader renews in the same term; a restarted holder takes a new term; a released record is free", () => {
  assert.deepEqual(decide(held("me"), seen("v7", 0), { ...self, leading: true }, 10), {
    type: "renew",
    record: { holder: "me", term: 4, durationMs: 1000 },
    version: "v7",
  });
  assert.equal(decide(held("me"), seen(undefined, 0), self, 0).type, "takeover");
  assert.equal((decide(held("me"), seen(undefined, 0), self, 0) as { record: { term: number } }).record.term, 5);
  assert.equal(decide(held(""), seen("v7", 0), self, 1).type, "takeover");
});
