// Data-disk inventory: mountinfo parsing (escapes, optional fields), selection under data roots, and
// a live read of this machine's mounts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { inventory, parseMountInfo, selectDataMounts } from "./inventory.ts";
import { parseConfig } from "./config.ts";

const sample = [
  "22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
  "40 22 8:17 / /mnt/data/disk1 rw,noatime shared:20 - xfs /dev/sdb1 rw,attr2",
  "41 22 8:33 / /mnt/data/disk\\0402 rw,noatime - xfs /dev/sdc1 rw",
  "42 22 0:45 / /mnt/other rw - tmpfs tmpfs rw",
].join("\n");

describe("inventory", () => {
  it("parses mountinfo and picks the mounts under the data roots", () => {
    const mounts = parseMountInfo(sample);
    assert.equal(mounts[2]!.mountPoint, "/mnt/data/disk 2");
    assert.deepEqual(
      selectDataMounts(mounts, ["/mnt/data"]).map((m) => [m.mountPoint, m.deviceId, m.fsType]),
      [
        ["/mnt/data", "252:1", "ext4"],
        ["/mnt/data/disk 2", "8:33", "xfs"],
        ["/mnt/data/disk1", "8:17", "xfs"],
      ],
    );
    assert.throws(() => parseMountInfo("garbage"), { code: "ERR_INVENTORY" });
  });

  it("reads this machine's disks", async () => {
    const disks = await inventory([tmpdir()]);
    assert.ok(disks.length >= 1);
    assert.ok(disks[0]!.capacityBytes > 0 && disks[0]!.freeBytes <= disks[0]!.capacityBytes);
    assert.match(disks[0]!.deviceId, /^\d+:\d+$/);
  });
});

describe("config", () => {
  const base = { nodeName: "n", miningAddressB64Url: Buffer.alloc(32).toString("base64url") };
  it("applies defaults with units and refuses unknown keys", () => {
    const c = parseConfig(JSON.stringify(base));
    assert.equal(c.packing.programCount, 360);
    assert.equal(c.partitionSizeBytes, 3_600_000_000_000n);
    assert.equal(c.mining.recallRangeChunks, 400);
    assert.ok(c.mining.difficultyH1 > c.mining.difficulty, "H1 target is harder");
    // Left out: derived from the hardware at start (resources.ts), so the file's absence is kept.
    assert.deepEqual([c.packing.threads, c.mining.hashThreads, c.randomxMode], [undefined, undefined, undefined]);
    const set = parseConfig(JSON.stringify({ ...base, randomxMode: "light", packing: { threads: 3 }, mining: { hashThreads: 2 } }));
    assert.deepEqual([set.packing.threads, set.mining.hashThreads, set.randomxMode], [3, 2, "light"]);
    assert.throws(() => parseConfig(JSON.stringify({ ...base, packing: { threads: 0 } })), { code: "ERR_AGENT_CONFIG" });
    assert.throws(() => parseConfig(JSON.stringify({ ...base, pakcing: {} })), { code: "ERR_AGENT_CONFIG" });
    assert.throws(() => parseConfig(JSON.stringify({ ...base, storage: { fsyncPolicy: "sometimes" } })), { code: "ERR_AGENT_CONFIG" });
  });
});
