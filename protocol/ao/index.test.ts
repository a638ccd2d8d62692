import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ao from "./index.ts";
import { fromHex, loadAns104Vectors } from "./test-support.ts";

// The public surface (re-exported by protocol/index.ts as `ao`): what the scheduler and CUs import.
describe("ao index", () => {
  it("parses, verifies and chains through the namespace", () => {
    const vector = loadAns104Vectors().real_world.items[0];
    assert.ok(vector?.item_hex);
    const item = ao.parseVerifiedDataItem(fromHex(vector.item_hex));
    assert.equal(item.id, vector.id);
    assert.equal(ao.readAssignment(item.tags).nonce, 247050);
    assert.equal(typeof ao.nextHashChain, "function");
    assert.equal(typeof ao.createSignedDataItem, "function");
    assert.ok(new ao.BadSignatureError(item.id) instanceof ao.AoProtocolError);
    assert.equal(new ao.BadSignatureError(item.id).code, "ERR_ANS104_BAD_SIGNATURE");
  });
});
