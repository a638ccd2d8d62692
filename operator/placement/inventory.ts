// The disk inventory node agents report, one ConfigMap per node in the operator's namespace (like
// Rook's discovery daemon). Format, version 1:
//   metadata.name:   arkube-inventory-<node name>
//   metadata.labels: arkube.dev/inventory: "true"
//   data.node:       the Node's name
//   data.disks:      JSON array of {"path": "/mnt/disk0", "capacityBytes": 4000000000000,
//                    "device": "sdb" (optional), "rotational": true (optional)}
// The node agent owns the ConfigMap (server-side apply, field manager arkube-node-agent) and rewrites
// it when its disks change; the operator only reads it. A malformed ConfigMap is logged and ignored.
import { InventoryFormatError } from "../errors.ts";

export const inventoryLabel = "arkube.dev/inventory";
export const inventoryNamePrefix = "arkube-inventory-";
export const inventoryDisksMax = 256;

export interface InventoryDisk {
  path: string;
  capacityBytes: number;
  device?: string;
  rotational?: boolean;
}

export interface NodeInventory {
  node: string;
  disks: InventoryDisk[];
}

export interface InventoryConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: { node: string; disks: string };
}

export function inventoryConfigMap(namespace: string, inv: NodeInventory): InventoryConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: inventoryNamePrefix + inv.node, namespace, labels: { [inventoryLabel]: "true" } },
    data: { node: inv.node, disks: JSON.stringify(inv.disks) },
  };
}

export function parseInventory(cm: { metadata: { name?: string }; data?: Record<string, string> }): NodeInventory {
  const where = `inventory ConfigMap ${cm.metadata.name ?? "?"}`;
  const node = cm.data?.["node"];
  if (node === undefined || node === "") throw new InventoryFormatError(`${where}: data.node missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(cm.data?.["disks"] ?? "");
  } catch (err) {
    throw new InventoryFormatError(`${where}: data.disks is not JSON`, { cause: err });
  }
  if (!Array.isArray(raw)) throw new InventoryFormatError(`${where}: data.disks is not an array`);
  if (raw.length > inventoryDisksMax) throw new InventoryFormatError(`${where}: more than ${inventoryDisksMax} disks`);
  const disks = raw.map((d: unknown, i) => parseDisk(d, `${where}: disks[${i}]`));
  if (new Set(disks.map((d) => d.path)).size !== disks.length) throw new InventoryFormatError(`${where}: duplicate disk path`);
  return { node, disks };
}

function parseDisk(d: unknown, where: string): InventoryDisk {
  const disk = d as Partial<InventoryDisk> | null;
  if (disk === null || typeof disk !== "object") throw new InventoryFormatError(`${where}: not an object`);
  if (typeof disk.path !== "string" || !disk.path.startsWith("/")) throw new InventoryFormatError(`${where}: path must be absolute`);
  if (typeof disk.capacityBytes !== "number" || !Number.isSafeInteger(disk.capacityBytes) || disk.capacityBytes < 0) {
    throw new InventoryFormatError(`${where}: capacityBytes must be a non-negative integer`);
  }
  const out: InventoryDisk = { path: disk.path, capacityBytes: disk.capacityBytes };
  if (typeof disk.device === "string") out.device = disk.device;
  if (typeof disk.rotational === "boolean") out.rotational = disk.rotational;
  return out;
}
