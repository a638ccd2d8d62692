// Inventory of data disks: the mounts at or under the configured data roots, with device id,
// capacity, free space and whether the device is rotational (what the operator places Partitions by).
// Parsing /proc/self/mountinfo is pure; the shell around it reads /proc, statfs and /sys.
import { readFile, statfs } from "node:fs/promises";
import { InventoryError } from "./errors.ts";

export interface MountEntry {
  /** "major:minor" of the filesystem's device. */
  deviceId: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

export interface DiskInfo extends MountEntry {
  capacityBytes: number;
  freeBytes: number;
  /** Capacity an unprivileged writer can fill: the total without the root-reserved blocks. */
  usableBytes: number;
  /** undefined when /sys has no answer (overlay, tmpfs, containers without /sys/dev/block). */
  rotational: boolean | undefined;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const [left, right] = line.split(" - ");
    const fields = left?.split(" ") ?? [];
    const tail = right?.split(" ") ?? [];
    if (fields.length < 5 || tail.length < 2) throw new InventoryError(`malformed mountinfo line: ${line}`);
    entries.push({ deviceId: fields[2]!, mountPoint: unescapeMount(fields[4]!), fsType: tail[0]!, source: unescapeMount(tail[1]!) });
  }
  return entries;
}

function isUnder(path: string, root: string): boolean {
  const r = root.endsWith("/") ? root : `${root}/`;
  return path === root || path.startsWith(r);
}

/** Mounts under any root, plus - for a root that is not itself a mount point - the mount that holds it. */
export function selectDataMounts(mounts: readonly MountEntry[], roots: readonly string[]): MountEntry[] {
  const picked = new Map<string, MountEntry>();
  for (const root of roots) {
    const inside = mounts.filter((m) => isUnder(m.mountPoint, root));
    if (!inside.some((m) => m.mountPoint === root)) {
      const holder = mounts.filter((m) => isUnder(root, m.mountPoint)).sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
      if (holder !== undefined) picked.set(root, { ...holder, mountPoint: root });
    }
    for (const m of inside) picked.set(m.mountPoint, m);
  }
  return [...picked.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

async function rotational(deviceId: string): Promise<boolean | undefined> {
  // A partition's queue is its parent disk's: /sys/dev/block/M:m/queue, else .../M:m/../queue.
  for (const path of [`/sys/dev/block/${deviceId}/queue/rotational`, `/sys/dev/block/${deviceId}/../queue/rotational`]) {
    try {
      return (await readFile(path, "utf8")).trim() === "1";
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

export async function inventory(roots: readonly string[]): Promise<DiskInfo[]> {
  let text: string;
  try {
    text = await readFile("/proc/self/mountinfo", "utf8");
  } catch (err) {
    throw new InventoryError("cannot read /proc/self/mountinfo", err);
  }
  const disks: DiskInfo[] = [];
  for (const m of selectDataMounts(parseMountInfo(text), roots)) {
    let s: Awaited<ReturnType<typeof statfs>>;
    try {
      s = await statfs(m.mountPoint);
    } catch {
      // A root that is gone or a disk that stopped answering is left out: the operator then sees the
      // disk missing (Scheduled=False, DiskMissing) instead of a stale inventory.
      continue;
    }
    const reserved = Math.max(0, s.bfree - s.bavail);
    disks.push({ ...m, capacityBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize, usableBytes: (s.blocks - reserved) * s.bsize, rotational: await rotational(m.deviceId) });
  }
  return disks;
}
