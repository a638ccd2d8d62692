// Hardware-derived defaults: the CPU budget split, RandomX mode by memory, and the host probes' parsers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cgroupMemoryLeft, parseCfsQuota, parseCpuMax, parseThp } from "./host.ts";
import { parseConfig } from "./config.ts";
import { chooseRandomxMode, cpuBudget, partitionsOnDisks, planResources, randomxFastBytes, randomxFastMarginBytes, resolveConfig } from "./resources.ts";

const none = { packing: undefined, mining: undefined };

describe("cpuBudget", () => {
  it("gives mining what its partitions need first and packing the rest", () => {
    const b = cpuBudget({ cpus: 16, quota: undefined, partitions: 8, configured: none });
    assert.deepEqual([b.usable, b.mining, b.packing], [16, 3, 13], "1 VDF-verify thread + 8 partitions / 4 per thread");
    assert.deepEqual(b.source, { mining: "derived", packing: "derived" });
  });

  it("follows the container's CPU quota (rounded down, at least 1)", () => {
    assert.deepEqual(pick(cpuBudget({ cpus: 64, quota: 4, partitions: 2, configured: none })), [4, 2, 2]);
    assert.deepEqual(pick(cpuBudget({ cpus: 64, quota: 2.5, partitions: 2, configured: none })), [2, 2, 1]);
    assert.deepEqual(pick(cpuBudget({ cpus: 8, quota: 0.5, partitions: 1, configured: none })), [1, 1, 1], "a tiny quota still runs both");
  });

  it("never lets mining's need exceed the machine, and keeps 1 packing thread", () => {
    assert.deepEqual(pick(cpuBudget({ cpus: 4, quota: undefined, partitions: 40, configured: none })), [4, 4, 1]);
  });

  it("gives packing every CPU when nothing is mined, keeping 1 mining thread", () => {
    assert.deepEqual(pick(cpuBudget({ cpus: 8, quota: undefined, partitions: 0, configured: none })), [8, 1, 8]);
  });

  it("keeps configured values and derives only the missing one", () => {
    const both = cpuBudget({ cpus: 8, quota: undefined, partitions: 4, configured: { packing: 3, mining: 5 } });
    assert.deepEqual([both.mining, both.packing, both.source.mining, both.source.packing], [5, 3, "configured", "configured"]);
    const miningSet = cpuBudget({ cpus: 8, quota: undefined, partitions: 4, configured: { packing: undefined, mining: 6 } });
    assert.deepEqual([miningSet.mining, miningSet.packing], [6, 2]);
    const packingSet = cpuBudget({ cpus: 8, quota: undefined, partitions: 4, configured: { packing: 7, mining: undefined } });
    assert.deepEqual([packingSet.mining, packingSet.packing], [2, 7], "mining still gets its need");
  });
});

function pick(b: ReturnType<typeof cpuBudget>): number[] {
  return [b.usable, b.mining, b.packing];
}

describe("chooseRandomxMode", () => {
  const needed = randomxFastBytes + randomxFastMarginBytes;
  it("chooses fast only when the dataset and a margin fit", () => {
    assert.equal(chooseRandomxMode(undefined, needed).mode, "fast");
    assert.equal(chooseRandomxMode(undefined, needed - 1).mode, "light");
    assert.equal(chooseRandomxMode(undefined, 1024 ** 3).source, "derived");
  });
  it("keeps a configured mode whatever the memory", () => {
    assert.deepEqual([chooseRandomxMode("fast", 0).mode, chooseRandomxMode("fast", 0).source], ["fast", "configured"]);
    assert.equal(chooseRandomxMode("light", 64 * 1024 ** 3).mode, "light");
  });
});

describe("host parsers", () => {
  it("reads cgroup CPU quotas (v2 cpu.max, v1 cfs)", () => {
    assert.equal(parseCpuMax("max 100000\n"), undefined);
    assert.equal(parseCpuMax("250000 100000\n"), 2.5);
    assert.equal(parseCfsQuota("-1\n", "100000\n"), undefined);
    assert.equal(parseCfsQuota("200000\n", "100000\n"), 2);
  });
  it("reads the memory left under a cgroup limit", () => {
    assert.equal(cgroupMemoryLeft("max\n", "100\n"), undefined);
    assert.equal(cgroupMemoryLeft("9223372036854771712\n", "100\n"), undefined, "v1's no-limit sentinel");
    assert.equal(cgroupMemoryLeft("1000\n", "300\n"), 700);
    assert.equal(cgroupMemoryLeft("1000\n", "3000\n"), 0);
  });
  it("reads the THP mode", () => {
    assert.equal(parseThp("always [madvise] never\n"), "madvise");
    assert.equal(parseThp("[always] madvise never\n"), "always");
    assert.equal(parseThp("always madvise [never]\n"), "never");
    assert.equal(parseThp(""), "unknown");
  });
  it("estimates the partitions a node's disks hold (Kubernetes mode)", () => {
    assert.equal(partitionsOnDisks([10_000, 25_000, 999], 10_000n), 3);
  });
});

describe("resolveConfig", () => {
  it("fills only what the file left out", () => {
    const config = parseConfig(JSON.stringify({ nodeName: "n", miningAddressB64Url: Buffer.alloc(32).toString("base64url"), modules: [{ partition: 0, root: "/d" }], packing: { threads: 3 } }));
    const host = { cpus: 8, cpuQuota: undefined, availableMemoryBytes: 1024 ** 3, thp: "madvise" as const };
    const plan = planResources(config, host, 1);
    const resolved = resolveConfig(config, plan);
    assert.deepEqual([resolved.packing.threads, resolved.mining.hashThreads, resolved.randomxMode], [3, 2, "light"]);
    assert.equal(resolved.packing.programCount, config.packing.programCount);
  });
});
