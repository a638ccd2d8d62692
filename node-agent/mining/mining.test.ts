// Mining on real parts: a real nats-server carrying VDF steps (verified by the vdf verifier) and the
// solutions stream; two agents, each holding different partitions of a synthetic weave they synced
// and packed themselves. With an easy difficulty both find solutions; H2 work for recall ranges that
// land on the other agent is done there (coordinated mining); every published solution re-verifies
// here from scratch, and its chunk 1 is byte-identical to what the finder stores.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { createPackingContext, type RandomxContext } from "../../native/index.ts";
import { encodeStepMessage } from "../../protocol/vdf/index.ts";
import { startNatsServer, type NatsServer } from "../../test/harness/index.ts";
import { SyntheticWeave, startWeaveServer, type WeaveServer } from "../../test/weave/index.ts";
import { DerivedSeedSource, ensureStepStream, StepProducer, StepStore, type ChainPoint } from "../../vdf/index.ts";
import { messageOf } from "../../vdf/test-support.ts";
import { Agent } from "../agent.ts";
import { parseConfig } from "../config.ts";
import { silentLogger } from "../log.ts";
import { Packer } from "../packing/packer.ts";
import { CHUNK_BYTES } from "../storage/layout.ts";
import { BlockMap } from "../sync/block-map.ts";
import { memoryMeter, tempDir, waitFor, type MemoryMeter } from "../test-support.ts";
import { checkSolution, decodeSolution, type Solution } from "./solution.ts";

const chain = "mining-test";
const iterations = 1000;
const genesisHex = "cd".repeat(32);
const C = BigInt(CHUNK_BYTES);
const partitionSizeBytes = 8n * C;
const address = Buffer.alloc(32, 0x5a);
const u256 = 1n << 256n;
const difficulty = u256 - u256 / 4n; // 1 in 4 H2s
const difficultyH1 = u256 - u256 / 16n; // 1 in 16 H1s
const programCount = 4;

describe("mining with two agents over NATS", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let weave: SyntheticWeave;
  let server: WeaveServer;
  let ctx: RandomxContext;
  const data = tempDir("arkube-mining-");
  const agents: Agent[] = [];

  before(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    weave = new SyntheticWeave({ label: "m1", blocks: 4, txsPerBlock: 3, txBytesMax: 700_000 });
    server = await startWeaveServer(weave);
    ctx = await createPackingContext("light");
    await ensureStepStream(await jetstreamManager(nc), chain, { streamMaxMsgs: 1000, streamMaxAgeMs: 600_000, duplicateWindowMs: 60_000, storage: "memory" });
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await nc?.close();
    await nats?.stop();
    await server?.close();
    data.remove();
  });

  function configFor(name: string, partitions: number[]): string {
    return JSON.stringify({
      nodeName: name,
      natsUrl: nats.url,
      miningAddressB64Url: address.toString("base64url"),
      partitionSizeBytes: partitionSizeBytes.toString(),
      modules: partitions.map((partition) => ({ partition, root: `${data.path}/${name}` })),
      peers: [server.url],
      proofRules: "2.6",
      randomxMode: "light",
      packing: { programCount, threads: 2, fetchConcurrency: 2, queueChunksMax: 4, packBatchChunksMax: 2, writeBatchChunksMax: 4, resyncIntervalMs: 600_000 },
      storage: { chunksPerFile: 4, tailCheckChunks: 4, indexFlushEveryChunks: 8 },
      mining: {
        enabled: true,
        chain,
        iterationsPerCheckpoint: iterations,
        genesisOutputHex: genesisHex,
        difficulty: difficulty.toString(),
        difficultyH1: difficultyH1.toString(),
        recallRangeChunks: 2,
        partitionUpperBound: weave.weaveSize.toString(),
        readCacheBytesMax: 8 * CHUNK_BYTES,
        replica: "r1",
        hashThreads: 2,
      },
    });
  }

  it("finds solutions, including H2s computed on the peer that holds recall range 2", async () => {
    const partitionsTotal = Number((weave.weaveSize + partitionSizeBytes - 1n) / partitionSizeBytes);
    assert.ok(partitionsTotal >= 4, "weave spans four partitions");
    const meters: MemoryMeter[] = [memoryMeter(), memoryMeter()];
    const { mkdirSync } = await import("node:fs");
    mkdirSync(`${data.path}/node-a`);
    mkdirSync(`${data.path}/node-b`);
    agents.push(await Agent.start(parseConfig(configFor("node-a", [0, 1])), { log: silentLogger, meter: meters[0]!.meter }));
    agents.push(await Agent.start(parseConfig(configFor("node-b", [2, 3])), { log: silentLogger, meter: meters[1]!.meter }));
    const [a, b] = agents as [Agent, Agent];
    const expected = (p: number[]) => weave.chunks.filter((c) => p.includes(Number((c.absoluteEnd - 1n) / partitionSizeBytes))).length;
    await waitFor("both agents synced and packed", 60_000, () => {
      const stored = (x: Agent) => x.status().modules.reduce((s, m) => s + m.stored, 0);
      return stored(a) === expected([0, 1]) && stored(b) === expected([2, 3]);
    });

    const solutions: Solution[] = [];
    const sub = nc.subscribe("arkube.mining.solutions.>", { callback: (_e, msg) => void solutions.push(decodeSolution(msg.data)) });
    const store = new StepStore(await jetstreamManager(nc), jetstream(nc), chain);
    const producer = new StepProducer({ chain, iterations }, new DerivedSeedSource(chain));
    let prev: ChainPoint = { step: 0, output: Buffer.from(genesisHex, "hex") };
    const crossed = (finder: string, hasher: string) => solutions.some((s) => s.kind === "h2" && s.foundBy === finder && s.h2By === hasher);
    for (let n = 1; n <= 60; n += 1) {
      const s = await producer.next(prev);
      await store.publish(s.step, encodeStepMessage(messageOf(chain, iterations, s, 1)), 2000);
      prev = s;
      await waitFor(`step ${n} mined`, 10_000, () => a.status().mining!.steps >= n && b.status().mining!.steps >= n);
      if (n >= 8 && crossed("node-a", "node-b") && crossed("node-b", "node-a") && solutions.some((x) => x.kind === "h1")) break;
    }
    await waitFor("solutions delivered", 5000, () => solutions.length >= a.status().mining!.solutions + b.status().mining!.solutions);
    await sub.drain();

    assert.ok(crossed("node-a", "node-b"), "node-a's H1s hashed into solutions by node-b");
    assert.ok(crossed("node-b", "node-a"), "node-b's H1s hashed into solutions by node-a");
    assert.ok(solutions.some((s) => s.kind === "h2" && s.h2By === s.foundBy), "local H2 solutions");
    assert.ok(solutions.some((s) => s.kind === "h1"), "H1 solutions");
    assert.equal(a.status().mining!.rejectedSolutions + b.status().mining!.rejectedSolutions, 0);
    assert.ok(a.status().mining!.remoteH2Requests > 0 && b.status().mining!.remoteH2Requests > 0);

    // Independent re-check with this test's own packer and the weave's own block index.
    const blocks = BlockMap.fromEntries(weave.blockIndexEntries());
    const check = { ctx, packer: new Packer(ctx, { programCount, threads: 1 }), blockAt: async (x: bigint) => blocks.blockAt(x), rules: "2.6" as const, difficulty, difficultyH1 };
    for (const s of solutions) {
      await checkSolution(s, check);
      const finder = s.foundBy === "node-a" ? a : b;
      const module = finder.modules.find((m) => m.opts.partition === s.chunk1.partition)!;
      const onDisk = Buffer.alloc(CHUNK_BYTES);
      await module.readSlots(s.chunk1.slot, 1, onDisk);
      assert.ok(onDisk.equals(Buffer.from(s.chunk1.packed)), "chunk 1 is the stored chunk");
    }
    const forged = { ...solutions[0]!, nonce: solutions[0]!.nonce + 1 };
    await assert.rejects(checkSolution(forged, check), { code: "ERR_MINING_SOLUTION_INVALID" });

    const rates = await meters[0]!.gauge("mining_rate");
    assert.ok(rates.some((r) => r.attributes["type"] === "read" && r.value > 0), "mining_rate{type=read} is exported");
    assert.ok((await meters[0]!.counter("arkube_mining_hashes", { kind: "h1" })) > 0);
    assert.deepEqual((await meters[0]!.gauge("arkube_packing_progress_ratio")).map((p) => p.value), [1], "node-a's partitions are complete");
    assert.ok((await meters[1]!.gauge("arkube_mining_read_mib_per_second")).some((p) => p.attributes["partition"] === "2" && p.value > 0));
    // Self-care: the configured thread counts are the budget, and exactly one bottleneck is named.
    const budget = (await meters[0]!.gauge("arkube_node_agent_cpu_budget_threads")).map((p) => `${String(p.attributes["use"])}=${p.value}`).sort();
    assert.deepEqual(budget, ["mining=2", "packing=2"]);
    assert.equal((await meters[0]!.gauge("arkube_node_agent_bottleneck")).filter((p) => p.value === 1).length, 1);
    assert.equal((await meters[0]!.gauge("arkube_node_agent_huge_pages_enabled")).length, 1);
    const { bottleneck } = a.status();
    assert.ok(["none", "cpu", "disk", "vdf", "sync"].includes(bottleneck.kind) && bottleneck.reason.length > 0);
    assert.ok(bottleneck.idealHashPerSecond >= 0 && a.status().resources.randomxMode === "light");
  });
});
