// The Dockerfile and the Tiltfile cannot be built here (no Docker engine), so check what can go stale:
// every COPY source exists in the repository, every image target runs an entry point that exists, the
// Tiltfile builds exactly those targets, and the chart's commands name the same entry points.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { parseConfig as parseCuConfig } from "../../cu/config.ts";
import { vdfDeployment } from "../../operator/hashchain/desired.ts";
import { renderVdfConfig, vdfConfigDir, vdfConfigKey } from "../../operator/hashchain/vdf-config.ts";
import type { HashChain } from "../../protocol/crds/index.ts";
import { find, podSpec, render, repoRoot, type PodContainer } from "./helm.ts";

const components = ["operator", "vdf", "cu", "node-agent"];
const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
const lines = dockerfile.split("\n").filter((l) => !l.trimStart().startsWith("#"));

/** ENTRYPOINT of each final stage, keyed by stage name. */
function entrypoints(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let stage = "";
  for (const line of lines) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from !== null) stage = from[1]!;
    const entry = /^ENTRYPOINT\s+(\[.*\])\s*$/.exec(line);
    if (entry !== null) out.set(stage, JSON.parse(entry[1]!) as string[]);
  }
  return out;
}

describe("Dockerfile, Tiltfile and chart agree with the repository", () => {
  it("copies only paths that exist (from the build context)", () => {
    const copies = lines.filter((l) => /^COPY\s/.test(l) && !/--from=/.test(l));
    assert.ok(copies.length > 5);
    for (const line of copies) {
      const parts = line.trim().split(/\s+/).slice(1).filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1)) assert.ok(existsSync(join(repoRoot, src)), `Dockerfile: COPY ${src}: no such path`);
    }
    // Every workspace's manifest is copied before `npm ci`, or the lockfile would not match.
    const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
    for (const ws of root.workspaces) assert.ok(lines.some((l) => l.startsWith(`COPY ${ws}/package.json `)), `Dockerfile does not copy ${ws}/package.json`);
  });

  it("has one target per component whose entry point exists", () => {
    const entries = entrypoints();
    for (const c of components) {
      const entry = entries.get(c);
      assert.ok(entry !== undefined, `no ENTRYPOINT in stage ${c}`);
      assert.deepEqual(entry.slice(0, 3), ["node", "--import", "tsx"]);
      assert.ok(existsSync(join(repoRoot, entry[3]!)), `${c}: ${entry[3]} does not exist`);
    }
  });

  it("the Tiltfile builds each target with the entry point the Dockerfile uses", () => {
    const tiltfile = readFileSync(join(repoRoot, "Tiltfile"), "utf8");
    const entries = entrypoints();
    for (const c of components) {
      assert.match(tiltfile, new RegExp(`'${c}': '${entries.get(c)![3]!.replace(/\./g, "\\.")}'`), `Tiltfile components lack ${c}`);
    }
    assert.match(tiltfile, /target=component/);
    assert.match(tiltfile, /helm\(\s*'charts\/arkube'/);
  });

  it("the chart runs the same entry points with --config", () => {
    const objects = render();
    const byComponent: [string, string, string][] = [["Deployment", "arkube-cu", "cu"], ["DaemonSet", "arkube-node-agent", "node-agent"]];
    for (const [kind, name, c] of byComponent) {
      const workload = objects.find((o) => o.kind === kind && o.metadata.name === name)!;
      const script = podSpec(workload).containers[0]!.command!.join(" ");
      assert.ok(script.includes(`node --import tsx ${entrypoints().get(c)![3]} --config /tmp/arkube-config.yaml`), `${name}: ${script}`);
    }
    const operator = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "arkube-operator")!;
    assert.equal(podSpec(operator).containers[0]!.command, undefined, "the operator image's ENTRYPOINT runs");
  });

  it("the operator's vdf Deployment runs the vdf image's entry point on the config it mounts", () => {
    const hc = parse(find(render(), "ConfigMap", "arkube-default-hashchain").data!["hashchain.yaml"]!) as HashChain;
    hc.metadata.namespace = "arkube";
    const config = renderVdfConfig(hc, { natsUrl: "nats://n:4222", leaseName: "arkube-vdf" });
    const pod = (vdfDeployment(hc, config).spec as { template: { spec: { containers: PodContainer[] } } }).template.spec;
    const container = pod.containers[0]!;
    assert.equal(container.command, undefined, "the image's ENTRYPOINT runs");
    assert.equal(entrypoints().get("vdf")![3], "vdf/main.ts");
    assert.deepEqual(container.args, ["--config", `${vdfConfigDir}/${vdfConfigKey}`]);
    assert.equal(container.image, "arkube/vdf:0.1.0");
  });

  it("the chart's launch script fills in the pod's values as YAML strings", () => {
    const objects = render();
    const script = podSpec(find(objects, "Deployment", "arkube-cu")).containers[0]!.command![2]!;
    const dir = mkdtempSync(join(tmpdir(), "arkube-launch-"));
    try {
      writeFileSync(join(dir, "config.yaml"), find(objects, "ConfigMap", "arkube-cu").data!["config.yaml"]!);
      const local = script.replaceAll("/etc/arkube/", `${dir}/`).replaceAll("/tmp/arkube-config.yaml", join(dir, "out.yaml"))
        .replace("exec node --import tsx", "exec echo");
      const seed = "1".repeat(64);
      const res = spawnSync("sh", ["-c", local], {
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", POD_NAME: "arkube-cu-7d9f", POD_IP: "10.1.2.3", NODE_NAME: "42", WALLET_SEED_HEX: seed },
      });
      assert.equal(res.status, 0, res.stderr);
      assert.equal(res.stdout.trim(), `cu/main.ts --config ${join(dir, "out.yaml")}`);
      const config = parse(readFileSync(join(dir, "out.yaml"), "utf8")) as { podId: unknown; walletSeedHex: unknown; grpc: { advertise: unknown } };
      assert.equal(config.podId, "arkube-cu-7d9f");
      assert.equal(config.walletSeedHex, seed, "an all-digit seed stays a string");
      assert.equal(config.grpc.advertise, "10.1.2.3:6364");
      // cu's own parser accepts what the pod would run with; membership follows the operator's assignment.
      const cu = parseCuConfig(readFileSync(join(dir, "out.yaml"), "utf8"), dir);
      assert.deepEqual(cu.membership === undefined ? undefined : { type: cu.membership.type, namespace: "namespace" in cu.membership ? cu.membership.namespace : "" }, { type: "kubernetes", namespace: "arkube" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
