import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FlagError } from "./errors.ts";
import { parseFlags } from "./flags.ts";

describe("operator flags", () => {
  it("defaults from the pod's environment", () => {
    const f = parseFlags([], { POD_NAMESPACE: "ns1", POD_NAME: "op-0" });
    assert.deepEqual(f, { namespace: "ns1", leaderElect: true, leaseName: "arkube-operator", identity: "op-0", cuPodSelector: "app.kubernetes.io/component=cu", metricsPort: 8080 });
  });

  it("takes --flag value and --flag=value", () => {
    const f = parseFlags(["--kubeconfig", "/tmp/k", "--namespace=x", "--leader-elect=false", "--identity", "me"], {});
    assert.equal(f.kubeconfig, "/tmp/k");
    assert.equal(f.namespace, "x");
    assert.equal(f.leaderElect, false);
    assert.equal(f.identity, "me");
  });

  it("takes the NATS URL and the default HashChain file for the HashChain controller", () => {
    const f = parseFlags(["--nats-url=nats://arkube-nats.arkube.svc:4222", "--default-hashchain", "/etc/arkube/hashchain.yaml"], {});
    assert.equal(f.natsUrl, "nats://arkube-nats.arkube.svc:4222");
    assert.equal(f.defaultHashChain, "/etc/arkube/hashchain.yaml");
    assert.throws(() => parseFlags(["--nats-url", "http://nats:4222"], {}), FlagError);
  });

  it("rejects unknown flags, missing values and bad booleans with FlagError", () => {
    assert.throws(() => parseFlags(["--nope"], {}), FlagError);
    assert.throws(() => parseFlags(["--namespace"], {}), FlagError);
    assert.throws(() => parseFlags(["--leader-elect=maybe"], {}), FlagError);
    assert.throws(() => parseFlags(["--metrics-port", "70000"], {}), FlagError);
    assert.throws(() => parseFlags(["--metrics-port=x"], {}), FlagError);
    assert.equal(parseFlags(["--metrics-port", "0"], {}).metricsPort, 0);
  });
});
