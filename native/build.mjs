// Builds the addon with node-gyp against the headers of the running Node (no header download:
// machines here have no internet). Fails with a clear message when the headers are missing.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const prefix = dirname(dirname(process.execPath));
if (!existsSync(join(prefix, "include", "node", "node_api.h"))) {
  console.error(`native build: Node headers not found in ${prefix}/include/node (install Node with its headers)`);
  process.exit(1);
}
const gyp = require.resolve("node-gyp/bin/node-gyp.js");
const jobs = process.env.ARKUBE_BUILD_JOBS ?? "max";
// Builds in one checkout are serialised (flock): two node-gyp runs in one build/ corrupt each other.
// configure + build (not rebuild) keeps the build incremental and never deletes a working addon;
// configure runs every time because the source list is globbed when gyp configures.
const lockFile = join(dirname(new URL(import.meta.url).pathname), ".build.lock");
const cwd = dirname(new URL(import.meta.url).pathname);
for (const step of [["configure"], ["build", "-j", jobs]]) {
  const result = spawnSync("flock", [lockFile, process.execPath, gyp, ...step, `--nodedir=${prefix}`], {
    cwd,
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
