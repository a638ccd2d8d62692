// `arkube status` flags: kubectl's names and forms, and a UsageError for anything else.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDurationMs, parseStatusArgs, requestTimeoutMsDefault } from "./args.ts";
import { UsageError } from "./errors.ts";

describe("parseStatusArgs", () => {
  it("defaults: current kubeconfig and context, the context's namespace, a table", () => {
    assert.deepEqual(parseStatusArgs([]), {
      kubeconfig: undefined, context: undefined, namespace: undefined, allNamespaces: false, output: "table",
      requestTimeoutMs: requestTimeoutMsDefault, help: false,
    });
  });

  it("takes kubectl's long and short forms", () => {
    const o = parseStatusArgs(["--kubeconfig", "/k", "--context=prod", "-n", "arkube", "-o", "json", "--request-timeout", "500ms"]);
    assert.deepEqual([o.kubeconfig, o.context, o.namespace, o.output, o.requestTimeoutMs], ["/k", "prod", "arkube", "json", 500]);
    assert.equal(parseStatusArgs(["-A"]).allNamespaces, true);
    assert.equal(parseStatusArgs(["--all-namespaces"]).allNamespaces, true);
    assert.equal(parseStatusArgs(["--output=json"]).output, "json");
    assert.equal(parseStatusArgs(["-ojson"]).output, "json");
    assert.equal(parseStatusArgs(["--namespace=x"]).namespace, "x");
  });

  it("rejects unknown flags, stray arguments, missing values and unknown formats", () => {
    for (const argv of [["--bogus"], ["extra"], ["-n"], ["-o", "yaml"], ["--namespace="], ["--request-timeout", "soon"]]) {
      assert.throws(() => parseStatusArgs(argv), (err: unknown) => err instanceof UsageError && err.code === "ERR_STATUS_USAGE", argv.join(" "));
    }
  });
});

describe("parseDurationMs", () => {
  it("reads kubectl's duration forms; a bare number is seconds", () => {
    assert.equal(parseDurationMs("250ms"), 250);
    assert.equal(parseDurationMs("20s"), 20_000);
    assert.equal(parseDurationMs("1.5m"), 90_000);
    assert.equal(parseDurationMs("1h"), 3_600_000);
    assert.equal(parseDurationMs("7"), 7_000);
  });
  it("rejects zero, negative and unitless garbage", () => {
    for (const text of ["0", "-1s", "1d", "", "s"]) assert.throws(() => parseDurationMs(text), UsageError, text);
  });
});
