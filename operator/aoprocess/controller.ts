// AOProcess -> compute pod assignment. The ring is rebuilt only when the set of ready compute pods
// changes; then just the processes whose owner changed (about 1/N of them) are queued. Each reconcile
// is: get -> (no finalizer: nothing outside the object to clean up) -> desired assignment -> one status
// patch. The cu pods own lastNonce and lastEvaluatedTime; server-side apply keeps the writers apart.
import type { AOProcess, Condition } from "../../protocol/crds/index.ts";
import { fieldManager } from "../constants.ts";
import type { OperatorContext } from "../context.ts";
import { unlessGone } from "../errors.ts";
import { buildRing, type HashRing } from "../hashring/ring.ts";
import { createInformer, type Informer } from "../kube/informer.ts";
import { resources } from "../kube/resources.ts";
import { sameConditions } from "../reconcile/conditions.ts";
import { Controller } from "../reconcile/controller.ts";
import { done, type ReconcileResult } from "../reconcile/requeue.ts";
import { assignmentStatus, readyPodNames, type PodLike } from "./assign.ts";

export const cuPodSelectorDefault = "app.kubernetes.io/component=cu";
const aoFieldManager = `${fieldManager}-aoprocess`;

export interface AOProcessControllerOptions {
  /** Label selector of the compute Deployment's pods. */
  cuPodSelector: string;
  workers: number;
}

export interface AOProcessController {
  processes: Informer<AOProcess>;
  controller: Controller;
  currentRing(): HashRing;
  /** Status writes made so far (an operational counter: echoes of our own writes must not add to it). */
  statusPatches(): number;
  stop(): Promise<void>;
}

export async function startAOProcessController(ctx: OperatorContext, opts: AOProcessControllerOptions): Promise<AOProcessController> {
  const { api, log, namespace } = ctx;
  let ring = buildRing([]);
  let patches = 0;
  const controller = new Controller({ kind: "AOProcess", log, metrics: ctx.metrics, workers: opts.workers, reconcile: (k) => reconcile(k.name, k.namespace) });

  async function reconcile(name: string, ns: string): Promise<ReconcileResult> {
    const proc = processes.get(name, ns);
    if (proc === undefined || proc.metadata.deletionTimestamp !== undefined) return done;
    const want = assignmentStatus(proc, ring, ctx.now());
    const have = proc.status;
    // The echo of our own patch comes back as a MODIFIED event: it must compare equal and cost nothing.
    const same = have?.assignedPod === want.assignedPod &&
      sameConditions(have?.conditions?.filter((c) => c.type === "Assigned") as Condition[] | undefined, want.conditions);
    if (same) return done;
    patches++;
    await unlessGone(() => api.apply(resources.aoProcess, { metadata: { name, namespace: ns }, status: want } as never,
      { fieldManager: aoFieldManager, subresource: "status" }));
    return done;
  }

  const onPods = (pods: Informer<PodLike & { metadata: { name?: string } }>) => {
    const ready = readyPodNames(pods.list());
    if (ready.join("\n") === ring.members.join("\n")) return;
    ring = buildRing(ready);
    let moved = 0;
    for (const p of processes.list()) {
      if (p.status?.assignedPod === (ready.length > 0 ? ring.owner(p.spec.processId) : undefined)) continue;
      moved++;
      controller.enqueue(p.metadata.namespace, p.metadata.name);
    }
    log({ event: "compute_ring_changed", readyPods: ready.length, processesToMove: moved });
  };
  const processes: Informer<AOProcess> = createInformer<AOProcess>({ api, log, ref: resources.aoProcess, namespace, onEvent: (_t, p) => controller.enqueue(p.metadata.namespace, p.metadata.name) });
  const pods: Informer<PodLike & { metadata: { name?: string } }> = createInformer({
    api, log, ref: resources.pod, namespace, labelSelector: opts.cuPodSelector, onEvent: () => onPods(pods),
  });
  await pods.start();
  onPods(pods);
  await processes.start();
  controller.start();
  return {
    processes, controller,
    currentRing: () => ring,
    statusPatches: () => patches,
    async stop() {
      pods.stop();
      processes.stop();
      await controller.stop();
    },
  };
}
