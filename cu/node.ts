// Wiring of one compute pod: NATS stores, the scheduler, the outbox and messenger, the compute
// service behind the cluster router (membership + gRPC forwarding), and one HTTP server serving both
// the scheduler (SU) and the CU routes. No logic lives here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { ed25519PrivateKeyFromSeed, ownerAddress, signerFromPrivateKey } from "../protocol/ao/index.ts";
import { cuRoutes, type CuRoutes } from "./api/routes.ts";
import { startGrpcServer } from "./cluster/grpc.ts";
import { KubernetesMembership } from "./cluster/kube-membership.ts";
import { NatsKvMembership, type Membership } from "./cluster/membership.ts";
import type { Member } from "./cluster/ring.ts";
import { ClusterCompute } from "./cluster/router.ts";
import { KvResultStore, ObjectCheckpointStore } from "./compute/nats-stores.ts";
import { ComputeService } from "./compute/service.ts";
import type { CuConfig } from "./config.ts";
import { ClosedError, NotFoundError } from "./errors.ts";
import { serve } from "./http/util.ts";
import type { Logger } from "./log.ts";
import { Messenger } from "./messenger/messenger.ts";
import { JetStreamOutbox } from "./messenger/outbox.ts";
import { schedulerRoutes } from "./scheduler/http.ts";
import { JetStreamAssignmentLog } from "./scheduler/jetstream-log.ts";
import { Scheduler } from "./scheduler/scheduler.ts";

export interface CuNode {
  readonly url: string;
  readonly podId: string;
  readonly schedulerAddress: string;
  readonly service: ComputeService;
  readonly router: ClusterCompute;
  readonly membership: Membership;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function joinMembership(config: CuConfig, nc: NatsConnection, self: Member, logger: Logger): Promise<Membership> {
  const m = config.membership ?? { type: "nats-kv" };
  if (m.type === "nats-kv") return NatsKvMembership.join(nc, self, config.bounds, logger, config.nats.replicas);
  return KubernetesMembership.start(self, m, logger);
}

export async function startCuNode(config: CuConfig, logger: Logger): Promise<CuNode> {
  const { bounds } = config;
  const nc: NatsConnection = await connect({ servers: config.nats.url, name: `arkube-cu-${config.podId}` });
  const replicas = config.nats.replicas;
  const log = await JetStreamAssignmentLog.open(nc, replicas);
  const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(Buffer.from(config.walletSeedHex, "hex")));
  const scheduler = new Scheduler({
    log,
    signer,
    clock: () => ({ epoch: 0, timestamp: Date.now(), blockHeight: config.blockHeight }),
    bounds: { itemBytesMax: bounds.itemBytesMax },
    logger,
  });
  const outbox = await JetStreamOutbox.open(nc, signer, logger, replicas);
  const service = new ComputeService({
    log,
    results: await KvResultStore.open(nc, replicas),
    checkpoints: await ObjectCheckpointStore.open(nc, { replicas, ...(config.checkpointCacheDir === undefined ? {} : { cacheDir: config.checkpointCacheDir }) }),
    outbox,
    modules: new Map(config.modules.map((m) => [m.id, m])),
    trustedForwarders: new Set([ownerAddress(signer.owner)]),
    bounds,
    logger,
  });
  const grpc = await startGrpcServer(service, config.grpc.host, config.grpc.port, logger);

  // The HTTP port must be bound before joining (the member record names it); until the router
  // exists, CU routes answer 503.
  const routes: { cu?: CuRoutes } = {};
  const su = schedulerRoutes(scheduler, log, bounds.itemBytesMax);
  const server = createServer(
    serve(async (req, res, url) => {
      if (routes.cu === undefined) throw new ClosedError("cu pod (starting)");
      if (await routes.cu.handle(req, res, url)) return;
      if (await su.handle(req, res, url)) return;
      throw new NotFoundError(`${req.method} ${url.pathname}`);
    }, logger),
  );
  const port = await listen(server, config.http.host, config.http.port);
  const url = `http://${config.http.host}:${port}`;
  const self = { id: config.podId, grpcAddress: config.grpc.advertise ?? `${config.grpc.host}:${grpc.port}`, httpUrl: url };
  const membership = await joinMembership(config, nc, self, logger);
  const statusWriter = membership instanceof KubernetesMembership ? membership.statusWriter(bounds.statusWriteIntervalMs) : undefined;
  if (statusWriter !== undefined) service.reportProgressTo(statusWriter);
  const router = new ClusterCompute({ local: service, membership, bounds, logger });
  const messenger = new Messenger({
    nc,
    schedule: (item) => scheduler.schedule(item),
    delivered: (processId) => router.evaluateSoon(processId),
    bounds: { ackWaitMs: bounds.outboxAckWaitMs, retryDelayMs: bounds.outboxRetryDelayMs },
    logger,
    replicas,
  });
  await messenger.start();
  const metrics = { metricsText: () => router.metricsText() + outbox.metricsText() + messenger.metricsText() + (statusWriter?.metricsText() ?? "") };
  routes.cu = cuRoutes({
    log: router.log,
    resultAt: (pid, nonce) => router.resultAt(pid, nonce),
    dryRun: (pid, message) => router.dryRun(pid, message),
    state: (pid) => router.state(pid),
    cronResults: (pid, query) => router.cronResults(pid, query),
    hotProcesses: () => router.hotProcesses(),
    metricsText: metrics.metricsText,
  });
  logger.info({ event: "cu.node.started", url, podId: config.podId, grpc: self.grpcAddress, modules: config.modules.map((m) => m.id) });
  return {
    url,
    podId: config.podId,
    schedulerAddress: ownerAddress(signer.owner),
    service,
    router,
    membership,
    async close() {
      // Stop taking work, checkpoint what is hot (the handoff), then leave so others take over.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await grpc.close();
      await messenger.stop();
      await router.close();
      await service.close();
      await statusWriter?.close();
      await membership.close();
      await nc.drain();
      logger.info({ event: "cu.node.stopped", podId: config.podId });
    },
  };
}
