export * as ao from "./ao/index.ts";
export * as sync from "./sync/index.ts";
export * as crds from "./crds/index.ts";
export * as vdf from "./vdf/index.ts";
