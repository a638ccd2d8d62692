// Self-care on real disks: an agent holds three partitions on three disks. One disk is a tmpfs that
// is all but full (its writes fail with ENOSPC / short writes), one has a chunk file cut short after
// packing (reads fail), one is healthy. The failing partitions go Failed with the reason while the
// healthy one packs to the end and stays in service. The tmpfs needs mount(2) (root); without it
// that case is skipped and the read-error case still runs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, statfsSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SyntheticWeave, startWeaveServer, type WeaveServer } from "../test/weave/index.ts";
import { Agent } from "./agent.ts";
import { parseConfig } from "./config.ts";
import { silentLogger } from "./log.ts";
import { CHUNK_BYTES } from "./storage/layout.ts";
import { memoryMeter, tempDir, waitFor } from "./test-support.ts";

const C = BigInt(CHUNK_BYTES);
const partitionSizeBytes = 8n * C;
const address = Buffer.alloc(32, 0x31);
/** Left free on the full disk: enough to open the module (index files), less than one chunk. */
const fullDiskSlackBytes = 96 * 1024;

function tryMountTmpfs(dir: string, bytes: number): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("agent self-care: a failing disk fails its partition only", () => {
  let weave: SyntheticWeave;
  let server: WeaveServer;
  let agent: Agent | undefined;
  let mounted = false;
  const data = tempDir("arkube-agent-failure-");
  const disks = { full: join(data.path, "full"), cut: join(data.path, "cut"), good: join(data.path, "good") };

  before(async () => {
    weave = new SyntheticWeave({ label: "failure", blocks: 4, txsPerBlock: 3, txBytesMax: 700_000 });
    server = await startWeaveServer(weave);
    for (const d of Object.values(disks)) mkdirSync(d);
    mounted = tryMountTmpfs(disks.full, 4 * 1024 * 1024);
    if (mounted) {
      const s = statfsSync(disks.full);
      writeFileSync(join(disks.full, "filler"), Buffer.alloc(s.bavail * s.bsize - fullDiskSlackBytes));
    }
  });
  after(async () => {
    await agent?.stop();
    await server?.close();
    if (mounted) execFileSync("umount", [disks.full]);
    data.remove();
  });

  const chunksIn = (p: number) => weave.chunks.filter((c) => (c.absoluteEnd - 1n) / partitionSizeBytes === BigInt(p)).length;

  it("fails the partition on the full disk (write) and on the cut file (read); the healthy one completes", async (t) => {
    assert.ok(weave.weaveSize > 2n * partitionSizeBytes, "three partitions hold data");
    const modules = [{ partition: 1, root: disks.cut }, { partition: 2, root: disks.good }];
    if (mounted) modules.unshift({ partition: 0, root: disks.full });
    else t.diagnostic("mount(2) not permitted: the full-disk case is skipped");
    const config = parseConfig(JSON.stringify({
      nodeName: "failure-node",
      miningAddressB64Url: address.toString("base64url"),
      partitionSizeBytes: partitionSizeBytes.toString(),
      modules,
      peers: [server.url],
      proofRules: "2.6",
      randomxMode: "light",
      packing: { programCount: 4, threads: 2, fetchConcurrency: 2, queueChunksMax: 4, packBatchChunksMax: 2, writeBatchChunksMax: 2, resyncIntervalMs: 600_000 },
      storage: { chunksPerFile: 4, tailCheckChunks: 4, indexFlushEveryChunks: 4 },
      selfCheck: { sampleIntervalMs: 200, sampleChunks: 8 },
    }));
    agent = await Agent.start(config, { log: silentLogger, meter: memoryMeter().meter });
    const a = agent;

    if (mounted) {
      await waitFor("partition 0 failed", 60_000, () => a.report(0)?.state === "failed");
      const r0 = a.report(0)!;
      t.diagnostic(`partition 0: ${r0.failure?.message}`);
      assert.equal(r0.failure?.reason, "WriteError");
      assert.match(r0.failure!.message, /^partition 0: write failed: (ENOSPC|short write)/);
    }
    await waitFor("partitions 1 and 2 packed", 60_000, () => a.report(1)?.storedChunks === chunksIn(1) && a.report(2)?.storedChunks === chunksIn(2));
    await waitFor("the run caught up", 30_000, () => a.report(2)?.sync === "caughtUp");
    assert.equal(a.report(1)?.state, "open");

    // The file under partition 1 shrinks (a disk that lost data): the sampler's read comes back short.
    const dir1 = a.modules.find((m) => m.opts.partition === 1)!.dir;
    truncateSync(join(dir1, "chunks", "chunks_0000000000.bin"), CHUNK_BYTES / 2);
    await waitFor("partition 1 failed", 30_000, () => a.report(1)?.state === "failed");
    assert.equal(a.report(1)?.failure?.reason, "ReadError");
    assert.match(a.report(1)!.failure!.message, /short read/);
    assert.equal(a.report(1)?.storedChunks, chunksIn(1), "a failed partition still reports what it held");

    // The healthy partition is untouched and still verifies in full.
    assert.equal(a.report(2)?.state, "open");
    assert.deepEqual((await a.verify(2)).failures, []);
    const status = a.status();
    assert.deepEqual(status.modules.map((m) => [m.partition, m.state]), [...(mounted ? [[0, "failed"]] : []), [1, "failed"], [2, "open"]]);
    assert.match(status.modules.find((m) => m.partition === 1)!.error!, /^ReadError: /);
    assert.deepEqual(a.modules.map((m) => m.opts.partition), [2], "only the healthy module stays in service");
  });
});
