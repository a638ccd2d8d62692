// HashChain reconcile: get -> (no finalizer: the children go with their ownerReferences) -> the vdf
// config rendered from the spec -> ConfigMap, then Deployment, server-side applied -> one status patch
// from the Deployment and the vdf Lease. A held lease is checked again when it would expire, since
// nothing else wakes us if the leader dies silently.
import type { HashChain } from "../../protocol/crds/index.ts";
import { fieldManager } from "../constants.ts";
import type { OperatorContext } from "../context.ts";
import { unlessGone } from "../errors.ts";
import { createInformer, type Informer } from "../kube/informer.ts";
import { resources } from "../kube/resources.ts";
import { sameConditions } from "../reconcile/conditions.ts";
import { Controller } from "../reconcile/controller.ts";
import { done, type ReconcileResult } from "../reconcile/requeue.ts";
import { hashChainLabel, vdfConfigMap, vdfDeployment, vdfName } from "./desired.ts";
import { currentLeader, hashChainStatus, type Blocked, type DeploymentLike, type LeaseLike } from "./status.ts";
import { renderVdfConfig } from "./vdf-config.ts";

/** Re-check a lease a little after it would expire (clock skew between us and the holder). */
export const leaseRecheckSlackMs = 1_000;

export interface HashChainControllerOptions {
  workers: number;
  /** The NATS URL written into every chain's vdf config (--nats-url); without it no chain can run. */
  natsUrl: string | undefined;
}

export interface HashChainController {
  controller: Controller;
  stop(): Promise<void>;
}

const noNatsUrl: Blocked = { reason: "NatsUrlMissing", message: "the operator runs without --nats-url, so it cannot configure the vdf pods" };

type Labelled = { metadata: { namespace?: string; labels?: Record<string, string> } };

export async function startHashChainController(ctx: OperatorContext, opts: HashChainControllerOptions): Promise<HashChainController> {
  const { api, log, namespace } = ctx;
  const controller = new Controller({ kind: "HashChain", log, metrics: ctx.metrics, workers: opts.workers, reconcile: (k) => reconcile(k.name, k.namespace) });
  const chainOf = (name: string | undefined) => name?.endsWith("-vdf") === true ? name.slice(0, -"-vdf".length) : undefined;
  const byLabel = (_t: unknown, o: Labelled) => controller.enqueue(o.metadata.namespace, o.metadata.labels?.[hashChainLabel]);
  const chains: Informer<HashChain> = createInformer({ api, log, ref: resources.hashChain, namespace, onEvent: (_t, h) => controller.enqueue(h.metadata.namespace, h.metadata.name) });
  const deployments: Informer<DeploymentLike & Labelled> = createInformer({ api, log, ref: resources.deployment, namespace, labelSelector: hashChainLabel, onEvent: byLabel });
  // Only to repair a deleted or edited config: its content is ours, re-rendered on every reconcile.
  const configMaps: Informer<Labelled> = createInformer({ api, log, ref: resources.configMap, namespace, labelSelector: hashChainLabel, onEvent: byLabel });
  const leases: Informer<LeaseLike & { metadata: { namespace?: string } }> = createInformer({
    api, log, ref: resources.lease, namespace, onEvent: (_t, l) => controller.enqueue(l.metadata.namespace, chainOf(l.metadata.name)),
  });
  const informers = [deployments, configMaps, leases, chains];

  async function reconcile(name: string, ns: string): Promise<ReconcileResult> {
    const hc = chains.get(name, ns);
    if (hc === undefined || hc.metadata.deletionTimestamp !== undefined) return done;
    if (opts.natsUrl !== undefined) {
      const config = renderVdfConfig(hc, { natsUrl: opts.natsUrl, leaseName: vdfName(name) });
      // The config first: new pods find the file they are started with.
      await api.apply(resources.configMap, vdfConfigMap(hc, config) as never, { fieldManager });
      await api.apply(resources.deployment, vdfDeployment(hc, config) as never, { fieldManager });
    }
    const now = ctx.now();
    const lease = leases.get(vdfName(name), ns);
    const status = hashChainStatus(hc, deployments.get(vdfName(name), ns), lease, now, opts.natsUrl === undefined ? noNatsUrl : undefined);
    const old = hc.status;
    const same = old !== undefined && sameConditions(old.conditions, status.conditions) && old.leader === status.leader && old.step === status.step &&
      old.stepTime === status.stepTime && old.readyReplicas === status.readyReplicas && old.observedGeneration === status.observedGeneration;
    if (!same) {
      await unlessGone(() => api.apply(resources.hashChain, { metadata: { name, namespace: ns }, status } as never, { fieldManager, subresource: "status" }));
    }
    const leader = currentLeader(lease, now);
    return leader !== undefined ? { requeueAfterMs: leader.expiresAt - now.getTime() + leaseRecheckSlackMs } : done;
  }

  for (const inf of informers) await inf.start();
  controller.start();
  return {
    controller,
    async stop() {
      for (const inf of informers) inf.stop();
      await controller.stop();
    },
  };
}
