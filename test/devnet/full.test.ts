// End to end with storage and mining: a small devnet (1 vdf, 1 compute pod, 1 node agent with two
// 8-chunk partitions, the synthetic weave as its peer, an easy difficulty) started as `npm start`
// does. Waits until every partition is packed (real spora_2_6, 360 programs), a solution was published
// on the solutions stream (the agent re-verifies before publishing) and the demo process answered an
// Eval; then checks the published solution again here with node-agent's exported verifier against the
// weave's own block index, and that stopping leaves no process behind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { connect } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { createPackingContext } from "../../native/index.ts";
import { BlockMap, checkSolution, decodeSolution, HttpPeer, Packer, parseConfig, solutionStreamName, solutionSubject } from "../../node-agent/index.ts";
import { DevnetUnderTest, groupsLeft, moduleWasm } from "./harness.ts";

/** Start: calibration, nats, vdf, weave, the agent's exporter, cu. */
const readyTimeoutMs = 90_000;
/** 16 chunks after a ~16-30 s RandomX dataset build, at ~0.5-1 chunk/s on 2 busy cores. */
const packedTimeoutMs = 120_000;
/** Expected interval 3 s once packed (solutionIntervalMs below). */
const solutionTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;
const chunkBytes = 262_144;

let devnet: DevnetUnderTest | undefined;

after(async () => {
  await devnet?.cleanup(stopTimeoutMs);
});

describe("devnet end to end with storage and mining", () => {
  it("packs every partition, finds a solution that verifies, answers an Eval, stops cleanly", { timeout: 240_000 }, async () => {
    const d = (devnet = new DevnetUnderTest({
      ports: { nats: 0, status: 0, weave: 0, vdfMetrics: 0, cuHttp: 0, cuGrpc: 0 },
      vdf: { replicas: 1 },
      cu: { replicas: 1, moduleWasm },
      nodeAgents: { count: 1, partitionSizeBytes: 8 * chunkBytes, partitions: [0, 1], recallRangeChunks: 4, solutionIntervalMs: 3_000, randomxMode: "fast" },
      stopGraceMs: 5_000,
    }));
    const ready = await d.until("devnet ready", readyTimeoutMs, async () => ((await d.status())?.ready === true ? d.status() : undefined));
    assert.deepEqual(ready.components.map((c) => [c.name, c.state]), [["nats", "up"], ["vdf-0", "up"], ["weave", "up"], ["node-agent-0", "up"], ["cu-0", "up"]]);

    const two = await d.evalOnDemo("return 1+1");
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.output, "2");

    const packed = await d.until("every partition packed", packedTimeoutMs, async () => ((await d.status())?.storage.packed === true ? d.status() : undefined));
    assert.deepEqual(packed.storage.partitions.map((p) => [p.partition, p.stored, p.slots]), [[0, 8, 8], [1, 8, 8]]);

    // Two sources: the solutions subject (seen at once) and the agent's counter (seen at the next metrics
    // scrape), so wait for both rather than assume the scrape has caught up.
    const found = await d.until("a solution published and counted", solutionTimeoutMs, async () => {
      const s = await d.status();
      return s !== undefined && s.storage.solutionsPublished > 0 && s.storage.solutions >= 1 && s.storage.h1PerSecond > 0 ? s : undefined;
    });
    assert.ok(found.storage.solutions >= 1 && found.storage.solutionsPublished >= 1);

    // Independent check of the first published solution: its bytes from the stream, blocks from the weave.
    const agent = parseConfig(readFileSync(join(d.dataDir, "config", "node-agent-0.yaml"), "utf8"));
    const nc = await connect({ servers: agent.natsUrl });
    try {
      // Ordered consumer over the whole stream: this devnet's NATS holds only its own chain (nats-server here predates multi-subject filters).
      const consumer = await jetstream(nc).consumers.get(solutionStreamName);
      const msg = await consumer.next({ expires: 5_000 });
      assert.ok(msg !== null, "no solution in the stream");
      assert.equal(msg.subject, solutionSubject(agent.mining.chain));
      const solution = decodeSolution(msg.data);
      const peer = new HttpPeer({ url: agent.peers[0]!, requestTimeoutMs: 5_000 });
      const blocks = BlockMap.fromEntries(await peer.blockIndex(0, await peer.height()));
      // Light mode: the check computes one H0 and unpacks one or two chunks.
      const ctx = await createPackingContext("light");
      const deps = { ctx, packer: new Packer(ctx, { programCount: 360, threads: 1 }), blockAt: (b: bigint) => Promise.resolve(blocks.blockAt(b)), rules: agent.proofRules, difficulty: agent.mining.difficulty, difficultyH1: agent.mining.difficultyH1 };
      await checkSolution(solution, deps);
      assert.equal(solution.miningAddress.length, 32);
      assert.ok([0, 1].includes(solution.partition));
      // The check can fail: a flipped H1 byte is refused.
      const forged = { ...solution, h1: Buffer.from(solution.h1).map((b, i) => (i === 0 ? b ^ 1 : b)) };
      await assert.rejects(checkSolution(forged, deps), (err: unknown) => (err as { code?: string }).code === "ERR_MINING_SOLUTION_INVALID");
    } finally {
      await nc.close();
    }

    const pids = d.childPids();
    assert.equal(await d.stop(stopTimeoutMs), 0);
    assert.equal(groupsLeft(pids), "", "processes left after stop");
  });
});
