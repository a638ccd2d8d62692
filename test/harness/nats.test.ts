// The NATS harness: a real server with JetStream answers, and stop() leaves no process behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { isGroupAlive, startNatsServer } from "./index.ts";

test("starts nats-server with JetStream and stops it completely", async () => {
  const nats = await startNatsServer();
  try {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    assert.equal(typeof info.limits.max_streams, "number");
    const sub = nc.subscribe("arkube.harness.ping", { max: 1 });
    nc.publish("arkube.harness.ping", "pong");
    for await (const m of sub) assert.equal(m.string(), "pong");
    await nc.close();
  } finally {
    await nats.stop();
  }
  assert.equal(isGroupAlive(nats.server.pid), false);
  assert.equal(existsSync(nats.dir), false);
});
