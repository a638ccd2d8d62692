// HashChain reconcile: get -> (no finalizer: the Deployment goes with its ownerReference) -> desired
// Deployment, server-side applied -> one status patch from the Deployment and the vdf Lease. A held
// lease is checked again when it would expire, since nothing else wakes us if the leader dies silently.
import type { HashChain } from "../../protocol/crds/index.ts";
import { fieldManager } from "../constants.ts";
import type { OperatorContext } from "../context.ts";
import { unlessGone } from "../errors.ts";
import { createInformer, type Informer } from "../kube/informer.ts";
import { resources } from "../kube/resources.ts";
import { sameConditions } from "../reconcile/conditions.ts";
import { Controller } from "../reconcile/controller.ts";
import { done, type ReconcileResult } from "../reconcile/requeue.ts";
import { currentLeader, hashChainLabel, hashChainStatus, vdfDeployment, vdfName, type DeploymentLike, type LeaseLike } from "./desired.ts";

/** Re-check a lease a little after it would expire (clock skew between us and the holder). */
export const leaseRecheckSlackMs = 1_000;

export interface HashChainController {
  controller: Controller;
  stop(): Promise<void>;
}

export async function startHashChainController(ctx: OperatorContext, workers: number): Promise<HashChainController> {
  const { api, log, namespace } = ctx;
  const controller = new Controller({ kind: "HashChain", log, metrics: ctx.metrics, workers, reconcile: (k) => reconcile(k.name, k.namespace) });
  const chainOf = (name: string | undefined) => name?.endsWith("-vdf") === true ? name.slice(0, -"-vdf".length) : undefined;
  const chains: Informer<HashChain> = createInformer({ api, log, ref: resources.hashChain, namespace, onEvent: (_t, h) => controller.enqueue(h.metadata.namespace, h.metadata.name) });
  const deployments: Informer<DeploymentLike & { metadata: { namespace?: string; labels?: Record<string, string> } }> = createInformer({
    api, log, ref: resources.deployment, namespace, labelSelector: hashChainLabel,
    onEvent: (_t, d) => controller.enqueue(d.metadata.namespace, d.metadata.labels?.[hashChainLabel]),
  });
  const leases: Informer<LeaseLike & { metadata: { namespace?: string } }> = createInformer({
    api, log, ref: resources.lease, namespace, onEvent: (_t, l) => controller.enqueue(l.metadata.namespace, chainOf(l.metadata.name)),
  });

  async function reconcile(name: string, ns: string): Promise<ReconcileResult> {
    const hc = chains.get(name, ns);
    if (hc === undefined || hc.metadata.deletionTimestamp !== undefined) return done;
    await api.apply(resources.deployment, vdfDeployment(hc) as never, { fieldManager });
    const now = ctx.now();
    const lease = leases.get(vdfName(name), ns);
    const status = hashChainStatus(hc, deployments.get(vdfName(name), ns), lease, now);
    const old = hc.status;
    const same = old !== undefined && sameConditions(old.conditions, status.conditions) && old.leader === status.leader &&
      old.step === status.step && old.readyReplicas === status.readyReplicas && old.observedGeneration === status.observedGeneration;
    if (!same) {
      await unlessGone(() => api.apply(resources.hashChain, { metadata: { name, namespace: ns }, status } as never, { fieldManager, subresource: "status" }));
    }
    const leader = currentLeader(lease, now);
    return leader !== undefined ? { requeueAfterMs: leader.expiresAt - now.getTime() + leaseRecheckSlackMs } : done;
  }

  for (const inf of [deployments, leases, chains]) await inf.start();
  controller.start();
  return {
    controller,
    async stop() {
      for (const inf of [deployments, leases, chains]) inf.stop();
      await controller.stop();
    },
  };
}
