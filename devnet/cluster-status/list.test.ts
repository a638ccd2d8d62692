// The I/O shell against a scripted HTTP API server (the real kube-apiserver is in cli.test.ts):
// paging with continue tokens, the request timeout, and the mapping of every failure to one error.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ApiException, KubeConfig } from "@kubernetes/client-node";
import { replicaResource } from "../../protocol/crds/index.ts";
import { ApiRequestError, ClusterUnreachableError, CrdsMissingError } from "./errors.ts";
import type { KubeTarget } from "./kubeconfig.ts";
import { listClusterObjects, listPageItemsMax, toStatusError } from "./list.ts";
import { replica } from "./test-fixtures.ts";

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const emptyList = { apiVersion: "v1", kind: "List", items: [], metadata: {} };

describe("listClusterObjects", () => {
  let server: Server;
  let handler: Handler = (_req, _url, res) => json(res, 200, emptyList);
  const seen: string[] = [];
  let target: (namespace: string | undefined) => KubeTarget;

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push(`${url.pathname}${url.search}`);
      handler(req, url, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    target = (namespace) => {
      const kc = new KubeConfig();
      kc.loadFromClusterAndUser({ name: "c", server: address, skipTLSVerify: true }, { name: "u" });
      return { kubeConfig: kc, context: "loaded-context", server: address, namespace };
    };
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("follows continue tokens page by page, in the namespace or across all of them", async () => {
    seen.length = 0;
    handler = (_req, url, res) => {
      if (!url.pathname.endsWith("/replicas")) return json(res, 200, emptyList);
      const page = url.searchParams.get("continue");
      if (page === null) return json(res, 200, { ...emptyList, items: [replica("a", "ns")], metadata: { continue: "p2" } });
      return json(res, 200, { ...emptyList, items: [replica("b", "ns")], metadata: {} });
    };
    const objects = await listClusterObjects(target("ns"), 5_000);
    assert.deepEqual(objects.replicas.map((r) => r.metadata.name), ["a", "b"]);
    assert.deepEqual(objects.partitions, []);
    const replicaRequests = seen.filter((s) => s.includes("/replicas"));
    assert.deepEqual(replicaRequests, [
      `/apis/arkube.dev/v1alpha1/namespaces/ns/replicas?limit=${listPageItemsMax}`,
      `/apis/arkube.dev/v1alpha1/namespaces/ns/replicas?continue=p2&limit=${listPageItemsMax}`,
    ]);
    seen.length = 0;
    await listClusterObjects(target(undefined), 5_000);
    assert.ok(seen.includes(`/apis/arkube.dev/v1alpha1/aoprocesses?limit=${listPageItemsMax}`), seen.join("\n"));
  });

  it("names every kind the server does not serve in one CrdsMissingError", async () => {
    handler = (_req, url, res) => url.pathname.endsWith("/replicas") || url.pathname.endsWith("/hashchains")
      ? json(res, 404, { kind: "Status", status: "Failure", reason: "NotFound", message: "the server could not find the requested resource", code: 404 })
      : json(res, 200, emptyList);
    await assert.rejects(listClusterObjects(target("ns"), 5_000), (err: unknown) => {
      assert.ok(err instanceof CrdsMissingError);
      assert.deepEqual(err.missing, ["replicas.arkube.dev/v1alpha1", "hashchains.arkube.dev/v1alpha1"]);
      assert.match(err.message, /^CRDs not installed \(replicas\.arkube\.dev\/v1alpha1, hashchains\.arkube\.dev\/v1alpha1 not served\): run `helm install/);
      return true;
    });
  });

  it("reports a forbidden list with the server's message, in preference to a missing kind", async () => {
    handler = (_req, url, res) => url.pathname.endsWith("/partitions")
      ? json(res, 403, { kind: "Status", reason: "Forbidden", code: 403, message: 'partitions.arkube.dev is forbidden: User "bob" cannot list resource "partitions"' })
      : json(res, 404, { kind: "Status", reason: "NotFound", code: 404, message: "not found" });
    await assert.rejects(listClusterObjects(target("ns"), 5_000), (err: unknown) =>
      err instanceof ApiRequestError && err.httpStatus === 403 && err.message === 'forbidden: partitions.arkube.dev is forbidden: User "bob" cannot list resource "partitions"');
  });

  it("gives up on a server that does not answer after the request timeout", async () => {
    handler = () => undefined; // never answers
    await assert.rejects(listClusterObjects(target("ns"), 200), (err: unknown) =>
      err instanceof ClusterUnreachableError && /^cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+: no answer within 200 ms$/.test(err.message));
  });
});

describe("toStatusError", () => {
  const server = "https://k:6443";
  it("maps HTTP statuses", () => {
    const e = (code: number, body: unknown) => toStatusError(new ApiException(code, "x", body, {}), replicaResource, server, 1000);
    assert.ok(e(404, "") instanceof CrdsMissingError);
    const unauthorized = e(401, JSON.stringify({ message: "Unauthorized" }));
    assert.ok(unauthorized instanceof ApiRequestError);
    assert.equal(unauthorized.message, "unauthorized at https://k:6443: the kubeconfig's credentials were refused (Unauthorized)");
    assert.equal(e(500, { message: "etcdserver: request timed out" }).message, "list replicas.arkube.dev: HTTP 500: etcdserver: request timed out");
    assert.equal(e(503, "").message, "list replicas.arkube.dev: HTTP 503");
  });
  it("passes its own errors through unchanged", () => {
    const own = new CrdsMissingError(["replicas.arkube.dev/v1alpha1"]);
    assert.equal(toStatusError(own, replicaResource, server, 1000), own);
  });
  it("maps transport failures to one line naming the server and the system error", () => {
    const refused = Object.assign(new Error("request to https://k:6443/apis/x failed, reason: connect ECONNREFUSED 127.0.0.1:6443"),
      { name: "FetchError", type: "system", code: "ECONNREFUSED" });
    const err = toStatusError(refused, replicaResource, server, 1000);
    assert.ok(err instanceof ClusterUnreachableError);
    assert.equal(err.message, "cannot reach the cluster at https://k:6443: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:6443)");
    const aborted = Object.assign(new Error("The user aborted a request."), { name: "AbortError", type: "aborted" });
    assert.equal(toStatusError(aborted, replicaResource, server, 1000).message, "cannot reach the cluster at https://k:6443: no answer within 1000 ms");
  });
});
