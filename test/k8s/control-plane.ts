// A real Kubernetes control plane for integration tests: etcd, kube-apiserver and, on request,
// kube-controller-manager, kube-scheduler and kwok (fake nodes and pods), all on 127.0.0.1 with free
// ports, generated certificates and a kubeconfig for an admin client in system:masters.
// Binaries come from test/k8s/build-control-plane.sh (see binaries.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePki, readClientTls, type Pki } from "./certs.ts";
import { ControlPlaneError } from "./errors.ts";
import { kubeRequest, probe, type ClientTls, type KubeRequest, type KubeResponse } from "./kube-http.ts";
import { logTail, processSetIn, type ProcessGroupSet, stopGraceMsDefault, type Component } from "./processes.ts";

export interface ControlPlaneTimeouts {
  etcdReadyTimeoutMs: number;
  apiserverReadyTimeoutMs: number;
  controllerManagerReadyTimeoutMs: number;
  schedulerReadyTimeoutMs: number;
  kwokReadyTimeoutMs: number;
  /** Per component: SIGTERM, then SIGKILL after this long. */
  stopGraceMs: number;
}

// The API server's first start creates RBAC bootstrap roles, priority levels, etc.: seconds on 2 busy cores.
export const controlPlaneTimeoutsDefault: ControlPlaneTimeouts = {
  etcdReadyTimeoutMs: 30_000,
  apiserverReadyTimeoutMs: 90_000,
  controllerManagerReadyTimeoutMs: 60_000,
  schedulerReadyTimeoutMs: 60_000,
  kwokReadyTimeoutMs: 60_000,
  stopGraceMs: stopGraceMsDefault,
};

export interface ControlPlaneOptions {
  /** Directory with etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok. */
  binDir: string;
  controllerManager?: boolean;
  scheduler?: boolean;
  /** kwok manages Nodes annotated `kwok.x-k8s.io/node: fake` and the pods bound to them. */
  kwok?: boolean;
  /** Where component logs go; defaults to the work directory, which stop() removes. */
  logDir?: string;
  timeouts?: Partial<ControlPlaneTimeouts>;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  kubeconfigPath: string;
  tls: ClientTls;
  pki: Pki;
  components: readonly Component[];
  request(req: KubeRequest): Promise<KubeResponse>;
  /** Stops every component (process groups) and removes the work directory. Idempotent. */
  stop(): Promise<void>;
}

/** The annotation kwok's --manage-nodes-with-annotation-selector matches. */
export const kwokNodeAnnotation = { key: "kwok.x-k8s.io/node", value: "fake" } as const;

const serviceClusterIpRange = "10.96.0.0/16";
const serviceIp = "10.96.0.1";
const kwokPodCidr = "10.244.0.1/16";
const pollIntervalMs = 250;
const probeTimeoutMs = 2_000;

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

interface Layout {
  dir: string;
  logDir: string;
  pki: Pki;
  kubeconfigPath: string;
  ports: Ports;
  server: string;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const timeouts = { ...controlPlaneTimeoutsDefault, ...opts.timeouts };
  const dir = mkdtempSync(join(tmpdir(), "arkube-k8s-"));
  const procs = processSetIn(dir);
  try {
    const layout = await prepare(dir, opts);
    const tls = readClientTls(layout.pki);
    await startEtcd(procs, opts.binDir, layout, timeouts);
    await startApiserver(procs, opts.binDir, layout, tls, timeouts);
    if (opts.controllerManager === true) await startControllerManager(procs, opts.binDir, layout, timeouts);
    if (opts.scheduler === true) await startScheduler(procs, opts.binDir, layout, timeouts);
    if (opts.kwok === true) await startKwok(procs, opts.binDir, layout, timeouts);
    return controlPlaneHandle(procs, layout, tls, timeouts.stopGraceMs);
  } catch (err) {
    await procs.stopAll(timeouts.stopGraceMs).catch(() => undefined);
    throw err;
  }
}

function controlPlaneHandle(procs: ProcessGroupSet, layout: Layout, tls: ClientTls, stopGraceMs: number): ControlPlane {
  let stopping: Promise<void> | undefined;
  return {
    server: layout.server,
    kubeconfigPath: layout.kubeconfigPath,
    tls,
    pki: layout.pki,
    components: procs.components(),
    request: (req) => kubeRequest(layout.server, tls, req),
    stop: () => (stopping ??= procs.stopAll(stopGraceMs)),
  };
}

async function prepare(dir: string, opts: ControlPlaneOptions): Promise<Layout> {
  const logDir = opts.logDir ?? join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const pkiDir = join(dir, "pki");
  mkdirSync(pkiDir);
  const pki = generatePki({ dir: pkiDir, serviceIp });
  const ports = await reservePorts();
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigPath = join(dir, "admin.kubeconfig");
  writeFileSync(kubeconfigPath, kubeconfig(server, pki));
  return { dir, logDir, pki, kubeconfigPath, ports, server };
}

async function startEtcd(procs: ProcessGroupSet, binDir: string, l: Layout, t: ControlPlaneTimeouts): Promise<void> {
  const client = `http://127.0.0.1:${l.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${l.ports.etcdPeer}`;
  // Plain HTTP is fine: etcd listens on loopback only and lives as long as the test.
  const etcd = procs.start("etcd", join(binDir, "etcd"), [
    "--name=arkube-test",
    `--data-dir=${join(l.dir, "etcd")}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=arkube-test=${peer}`,
    // Test data is thrown away: skipping fsync makes every write much cheaper on a shared disk.
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ], l.logDir);
  await waitUntil("etcd /health", t.etcdReadyTimeoutMs, etcd, async () => {
    const res = await probe(`${client}/health`, probeTimeoutMs);
    return res.status === 200 && (res.json as { health?: string } | undefined)?.health === "true";
  });
}

async function startApiserver(
  procs: ProcessGroupSet, binDir: string, l: Layout, tls: ClientTls, t: ControlPlaneTimeouts,
): Promise<void> {
  const apiserver = procs.start("kube-apiserver", join(binDir, "kube-apiserver"), [
    `--etcd-servers=http://127.0.0.1:${l.ports.etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${l.ports.apiserver}`,
    `--cert-dir=${join(l.dir, "apiserver")}`,
    `--tls-cert-file=${l.pki.serverCertPath}`,
    `--tls-private-key-file=${l.pki.serverKeyPath}`,
    `--client-ca-file=${l.pki.caCertPath}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${l.pki.serviceAccountPubPath}`,
    `--service-account-signing-key-file=${l.pki.serviceAccountKeyPath}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    // As in a real cluster; the admin client is in system:masters, which RBAC always allows.
    "--authorization-mode=Node,RBAC",
    "--allow-privileged=true",
    // The default reconciler publishes --advertise-address in the "kubernetes" Endpoints, which rejects
    // loopback addresses and logs an error every few seconds; nothing in these tests runs in a pod.
    "--endpoint-reconciler-type=none",
    "--profiling=false",
  ], l.logDir);
  await waitUntil("kube-apiserver /readyz", t.apiserverReadyTimeoutMs, apiserver, async () => {
    const res = await kubeRequest(l.server, tls, { path: "/readyz", timeoutMs: probeTimeoutMs });
    return res.status === 200 && res.text.trim() === "ok";
  });
}

async function startControllerManager(procs: ProcessGroupSet, binDir: string, l: Layout, t: ControlPlaneTimeouts): Promise<void> {
  const kcm = procs.start("kube-controller-manager", join(binDir, "kube-controller-manager"), [
    `--kubeconfig=${l.kubeconfigPath}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${l.ports.controllerManager}`,
    `--cert-dir=${join(l.dir, "kube-controller-manager")}`,
    // One instance per test: no need to wait for a lease.
    "--leader-elect=false",
    `--service-account-private-key-file=${l.pki.serviceAccountKeyPath}`,
    `--root-ca-file=${l.pki.caCertPath}`,
    `--cluster-signing-cert-file=${l.pki.caCertPath}`,
    `--cluster-signing-key-file=${l.pki.caKeyPath}`,
    "--profiling=false",
  ], l.logDir);
  await waitForHealthz(kcm, `https://127.0.0.1:${l.ports.controllerManager}/healthz`, t.controllerManagerReadyTimeoutMs);
}

async function startScheduler(procs: ProcessGroupSet, binDir: string, l: Layout, t: ControlPlaneTimeouts): Promise<void> {
  const scheduler = procs.start("kube-scheduler", join(binDir, "kube-scheduler"), [
    `--kubeconfig=${l.kubeconfigPath}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${l.ports.scheduler}`,
    `--cert-dir=${join(l.dir, "kube-scheduler")}`,
    "--leader-elect=false",
    "--profiling=false",
  ], l.logDir);
  await waitForHealthz(scheduler, `https://127.0.0.1:${l.ports.scheduler}/healthz`, t.schedulerReadyTimeoutMs);
}

async function startKwok(procs: ProcessGroupSet, binDir: string, l: Layout, t: ControlPlaneTimeouts): Promise<void> {
  // An explicit (empty) config keeps kwok from reading ~/.kwok/kwok.yaml: same behaviour on every machine.
  const configPath = join(l.dir, "kwok.yaml");
  writeFileSync(configPath, "apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n");
  const kwok = procs.start("kwok", join(binDir, "kwok"), [
    `--config=${configPath}`,
    `--kubeconfig=${l.kubeconfigPath}`,
    // Only annotated nodes are fake, so a test can still create Nodes that nobody manages.
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
    `--cidr=${kwokPodCidr}`,
    "--node-ip=127.0.0.1",
    // Serves /healthz, our readiness signal (kwok serves nothing without an address).
    `--server-address=127.0.0.1:${l.ports.kwok}`,
  ], l.logDir);
  await waitForHealthz(kwok, `http://127.0.0.1:${l.ports.kwok}/healthz`, t.kwokReadyTimeoutMs);
}

function waitForHealthz(component: Component, url: string, timeoutMs: number): Promise<void> {
  return waitUntil(`${component.name} ${new URL(url).pathname}`, timeoutMs, component, async () => {
    const res = await probe(url, probeTimeoutMs);
    return res.status === 200;
  });
}

/** Polls `check` until it returns true; fails early if the component exits, or after timeoutMs. */
async function waitUntil(what: string, timeoutMs: number, component: Component, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (component.exit !== undefined) {
      const { code, signal } = component.exit;
      throw new ControlPlaneError("PROCESS_EXITED",
        `${component.name} exited (code ${code}, signal ${signal}) while waiting for ${what}; log tail:\n${logTail(component)}`);
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err; // not listening yet: keep polling
    }
    if (Date.now() >= deadline) {
      throw new ControlPlaneError("TIMEOUT",
        `${what} not ready within ${timeoutMs} ms (last error: ${String(lastError)}); log tail:\n${logTail(component)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

/** Binds every port at once (so they are distinct), then releases them for the components. */
async function reservePorts(): Promise<Ports> {
  const servers = await Promise.all(Array.from({ length: 6 }, () => listenOnFreePort()));
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === "string") throw new ControlPlaneError("PORT_UNAVAILABLE", "no TCP address");
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = ports as [number, number, number, number, number, number];
  return { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
}

function listenOnFreePort(): Promise<ReturnType<typeof createServer>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (cause) => reject(new ControlPlaneError("PORT_UNAVAILABLE", "cannot listen on 127.0.0.1:0", { cause })));
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function kubeconfig(server: string, pki: Pki): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: arkube-test",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority: ${pki.caCertPath}`,
    "users:",
    "- name: admin",
    "  user:",
    `    client-certificate: ${pki.clientCertPath}`,
    `    client-key: ${pki.clientKeyPath}`,
    "contexts:",
    "- name: arkube-test",
    "  context:",
    "    cluster: arkube-test",
    "    user: admin",
    "current-context: arkube-test",
    "",
  ].join("\n");
}
