import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDefaultHashChain } from "./default.ts";

const manifest = (extra = "") => `apiVersion: arkube.dev/v1alpha1
kind: HashChain
metadata:
  name: arkube
  labels: {app.kubernetes.io/instance: arkube}
${extra}spec:
  chainName: devnet
  genesisOutput: ${"A".repeat(43)}
  iterationsPerCheckpoint: 20000
  image: arkube/vdf:0.1.0
`;

describe("the default HashChain file", () => {
  it("becomes an object in the operator's namespace with only name, labels, annotations and spec", () => {
    const hc = parseDefaultHashChain(manifest(), "arkube");
    assert.deepEqual(hc.metadata, { name: "arkube", namespace: "arkube", labels: { "app.kubernetes.io/instance": "arkube" } });
    assert.equal(hc.spec.chainName, "devnet");
  });

  it("refuses other kinds, another namespace, no name or no spec with ERR_DEFAULT_HASHCHAIN", () => {
    const bad = [
      "- a list",
      manifest().replace("kind: HashChain", "kind: Replica"),
      manifest().replace("name: arkube\n", ""),
      manifest().replace(/spec:[\s\S]*/, ""),
      manifest("  namespace: other\n"),
      "{unclosed",
    ];
    for (const text of bad) assert.throws(() => parseDefaultHashChain(text, "arkube"), { code: "ERR_DEFAULT_HASHCHAIN" }, text);
  });
});
