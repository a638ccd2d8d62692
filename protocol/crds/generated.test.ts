// The generated CRD types must match crds/ exactly: edit the YAML, then run
// `node --import tsx scripts/generate-crd-types.ts`. Never edit *.generated.ts by hand.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { driftedFiles, generateCrdTypes, outDirDefault } from "../../scripts/generate-crd-types.ts";
import { aoProcessResource, hashChainResource, partitionResource, replicaResource } from "./index.ts";

describe("generated CRD types", () => {
  const scratch = mkdtempSync(join(tmpdir(), "arkube-crdgen-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("are in step with crds/", () => {
    assert.deepEqual(driftedFiles(), [], "run: node --import tsx scripts/generate-crd-types.ts");
  });

  it("one file per CRD, with the resource constants", () => {
    assert.deepEqual([...generateCrdTypes().keys()].sort(), [
      "aoprocess.generated.ts", "hashchain.generated.ts", "partition.generated.ts", "replica.generated.ts",
    ]);
    assert.equal(replicaResource.plural, "replicas");
    assert.equal(partitionResource.apiVersion, "arkube.dev/v1alpha1");
    assert.equal(hashChainResource.kind, "HashChain");
    assert.equal(aoProcessResource.plural, "aoprocesses");
  });

  it("detects a hand edit and a missing file", () => {
    const out = join(scratch, "out");
    cpSync(outDirDefault, out, { recursive: true });
    writeFileSync(join(out, "replica.generated.ts"), "// edited by hand\n");
    rmSync(join(out, "partition.generated.ts"));
    assert.deepEqual(driftedFiles(out).sort(), ["partition.generated.ts", "replica.generated.ts"]);
  });
});
