// Wiring of one compute pod: NATS stores, the scheduler, the compute service and one HTTP server
// serving both the scheduler (SU) and the CU routes. No logic lives here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { ed25519PrivateKeyFromSeed, ownerAddress, signerFromPrivateKey } from "../protocol/ao/index.ts";
import { cuRoutes } from "./api/routes.ts";
import { KvResultStore, ObjectCheckpointStore } from "./compute/nats-stores.ts";
import { ComputeService } from "./compute/service.ts";
import type { CuConfig } from "./config.ts";
import { NotFoundError } from "./errors.ts";
import { serve } from "./http/util.ts";
import type { Logger } from "./log.ts";
import { schedulerRoutes } from "./scheduler/http.ts";
import { JetStreamAssignmentLog } from "./scheduler/jetstream-log.ts";
import { Scheduler } from "./scheduler/scheduler.ts";

export interface CuNode {
  readonly url: string;
  readonly schedulerAddress: string;
  readonly service: ComputeService;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startCuNode(config: CuConfig, logger: Logger): Promise<CuNode> {
  const nc: NatsConnection = await connect({ servers: config.nats.url, name: "arkube-cu" });
  const replicas = config.nats.replicas;
  const log = await JetStreamAssignmentLog.open(nc, replicas);
  const signer = signerFromPrivateKey(ed25519PrivateKeyFromSeed(Buffer.from(config.walletSeedHex, "hex")));
  const scheduler = new Scheduler({
    log,
    signer,
    clock: () => ({ epoch: 0, timestamp: Date.now(), blockHeight: config.blockHeight }),
    bounds: { itemBytesMax: config.bounds.itemBytesMax },
    logger,
  });
  const service = new ComputeService({
    log,
    results: await KvResultStore.open(nc, replicas),
    checkpoints: await ObjectCheckpointStore.open(nc, { replicas, ...(config.checkpointCacheDir === undefined ? {} : { cacheDir: config.checkpointCacheDir }) }),
    modules: new Map(config.modules.map((m) => [m.id, m])),
    trustedForwarders: new Set([ownerAddress(signer.owner)]),
    bounds: config.bounds,
    logger,
  });
  const su = schedulerRoutes(scheduler, log, config.bounds.itemBytesMax);
  const cu = cuRoutes(service);
  const server = createServer(
    serve(async (req, res, url) => {
      if (await cu.handle(req, res, url)) return;
      if (await su.handle(req, res, url)) return;
      throw new NotFoundError(`${req.method} ${url.pathname}`);
    }, logger),
  );
  const port = await listen(server, config.http.host, config.http.port);
  const url = `http://${config.http.host}:${port}`;
  logger.info({ event: "cu.node.started", url, modules: config.modules.map((m) => m.id) });
  return {
    url,
    schedulerAddress: ownerAddress(signer.owner),
    service,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await service.close();
      await nc.drain();
      logger.info({ event: "cu.node.stopped" });
    },
  };
}
