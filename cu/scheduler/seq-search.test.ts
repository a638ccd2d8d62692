// The binary search for a nonce's stream sequence against an in-memory stream where the process's
// entries are interleaved with other subjects at irregular gaps.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CorruptLogError } from "../errors.ts";
import { seqOfNonce, type Probed } from "./seq-search.ts";

/** seqs[n] = stream sequence of nonce n on the subject. */
function subject(seqs: readonly number[]): { head: Probed; probe: (seq: number) => Promise<Probed | undefined>; probes: () => number } {
  let probes = 0;
  return {
    head: { seq: seqs.at(-1)!, nonce: seqs.length - 1 },
    probe: async (seq) => {
      probes++;
      const nonce = seqs.findIndex((s) => s >= seq);
      return nonce === -1 ? undefined : { seq: seqs[nonce]!, nonce };
    },
    probes: () => probes,
  };
}

describe("seqOfNonce", () => {
  it("finds every nonce in O(log stream length) lookups", async () => {
    const seqs: number[] = [];
    for (let n = 0, seq = 3; n < 500; n++, seq += 1 + ((n * 7919) % 37)) seqs.push(seq);
    const s = subject(seqs);
    const bound = 2 * Math.ceil(Math.log2(s.head.seq + 1)) + 2;
    for (let n = 0; n < seqs.length; n++) {
      const before = s.probes();
      assert.equal(await seqOfNonce(n, s.head, s.probe), seqs[n]);
      assert.ok(s.probes() - before <= bound, `nonce ${n}: ${s.probes() - before} lookups`);
    }
  });

  it("answers the head without a lookup and refuses nonces outside the log", async () => {
    const s = subject([2, 5, 9]);
    assert.equal(await seqOfNonce(2, s.head, s.probe), 9);
    assert.equal(s.probes(), 0);
    await assert.rejects(seqOfNonce(3, s.head, s.probe), CorruptLogError);
    await assert.rejects(seqOfNonce(-1, s.head, s.probe), CorruptLogError);
  });

  it("reports a subject that skips a nonce as corruption instead of looping", async () => {
    const broken = { head: { seq: 9, nonce: 3 }, probe: async (seq: number) => (seq <= 4 ? { seq: 4, nonce: 0 } : { seq: 9, nonce: 3 }) };
    await assert.rejects(seqOfNonce(1, broken.head, broken.probe), CorruptLogError);
  });
});
