// Membership from Kubernetes: the live cu pods (label selector, Ready, pod IP + named ports) and the
// operator's AOProcess assignment (status.assignedPod), each kept current by a list+watch informer (the
// operator's own, with its 410 recovery). Membership writes nothing: a pod joins when the kubelet
// reports it Ready and leaves when it turns unready or gets a deletionTimestamp (scale-down, eviction),
// which is also when the operator moves its processes away; the router then checkpoints what moved
// (handoff). The only write is progress (statusWriter, kube-status.ts) on AOProcesses assigned here.
import { KubeConfig } from "@kubernetes/client-node";
import { createKubeClient, type KubeApi } from "../../operator/kube/client.ts";
import { createInformer, type Informer } from "../../operator/kube/informer.ts";
import { resources } from "../../operator/kube/resources.ts";
import type { LogFields } from "../../operator/log.ts";
import type { AOProcess } from "../../protocol/crds/index.ts";
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { AssignmentIndex, kubeOwner, membersFromPods, ownershipView, type CuPodLike, type KubeOwnershipView, type PortNames } from "./kube-view.ts";
import { AOProcessStatusWriter, type AOProcessDirectory } from "./kube-status.ts";
import type { Membership } from "./membership.ts";
import { sameMembers, type Member } from "./ring.ts";

export interface KubeMembershipOptions {
  readonly namespace: string;
  /** Label selector of the cu pods (the operator's --cu-pod-selector). */
  readonly podSelector: string;
  readonly ports: PortNames;
  /** A kubeconfig file; absent: KubeConfig.loadFromDefault (in a pod: its service account). */
  readonly kubeconfig: string | undefined;
}

type Listener = (members: readonly Member[]) => void;

export class KubernetesMembership implements Membership, AOProcessDirectory {
  private view: KubeOwnershipView = ownershipView([]);
  private readonly assignments = new AssignmentIndex();
  private readonly listeners = new Set<Listener>();
  private pods: Informer<CuPodLike & { metadata: { name?: string } }> | undefined;
  private processes: Informer<AOProcess> | undefined;
  /** Set by informer events; one refresh per event-loop turn however many events arrived. */
  private refreshQueued = false;
  private assignmentsChanged = false;
  private unaddressable = "";
  private started = false;
  private closed = false;

  private constructor(
    private readonly api: KubeApi,
    readonly self: Member,
    private readonly opts: KubeMembershipOptions,
    private readonly logger: Logger,
  ) {}

  /** Lists the cu pods and the AOProcesses (retrying while the API server or the CRD is not ready), then watches. */
  static async start(self: Member, opts: KubeMembershipOptions, logger: Logger): Promise<KubernetesMembership> {
    const kc = new KubeConfig();
    try {
      if (opts.kubeconfig === undefined) kc.loadFromDefault();
      else kc.loadFromFile(opts.kubeconfig);
    } catch (err) {
      throw new ConfigError(`cannot load kubeconfig ${opts.kubeconfig ?? "(default)"}`, { cause: err });
    }
    const membership = new KubernetesMembership(await createKubeClient(kc), self, opts, logger);
    try {
      await membership.watch();
    } catch (err) {
      await membership.close();
      throw err;
    }
    return membership;
  }

  members(): readonly Member[] {
    return this.view.members;
  }

  ownerOf(processId: string): Member | undefined {
    return kubeOwner(processId, this.assignments.podOf(processId), this.view);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  aoProcessesOf(processId: string): readonly AOProcess[] {
    return this.processes?.list().filter((proc) => proc.spec.processId === processId) ?? [];
  }

  /** The writer of this pod's AOProcess progress, on this membership's client and informer. */
  statusWriter(statusWriteIntervalMs: number): AOProcessStatusWriter {
    return new AOProcessStatusWriter({ api: this.api, namespace: this.opts.namespace, selfId: this.self.id, directory: this, statusWriteIntervalMs, logger: this.logger });
  }

  /** Stops watching. Leaving is Kubernetes' business: the pod turns unready or is deleted. */
  async close(): Promise<void> {
    this.closed = true;
    this.pods?.stop();
    this.processes?.stop();
    this.api.close();
    this.logger.info({ event: "cu.membership.left", memberId: this.self.id });
  }

  private async watch(): Promise<void> {
    const { api, opts } = this;
    const log = (fields: LogFields): void => this.logger.warn({ ...fields, event: `cu.membership.${fields.event}` });
    this.pods = createInformer<CuPodLike & { metadata: { name?: string } }>({
      api, log, ref: resources.pod, namespace: opts.namespace, labelSelector: opts.podSelector,
      onEvent: () => this.queueRefresh(),
    });
    this.processes = createInformer<AOProcess>({
      api, log, ref: resources.aoProcess, namespace: opts.namespace,
      onEvent: (type, proc) => {
        const changed = type === "DELETED" ? this.assignments.remove(proc.metadata.name ?? "") : this.assignments.upsert(proc);
        if (changed) this.assignmentsChanged = true;
        this.queueRefresh();
      },
    });
    await this.pods.start();
    await this.processes.start();
    this.started = true;
    this.refresh();
    this.logger.info({ event: "cu.membership.joined", memberId: this.self.id, namespace: opts.namespace, members: this.view.members.map((m) => m.id), assignments: this.assignments.size });
  }

  private queueRefresh(): void {
    if (!this.started || this.refreshQueued) return;
    this.refreshQueued = true;
    setImmediate(() => {
      this.refreshQueued = false;
      this.refresh();
    });
  }

  private refresh(): void {
    if (this.closed || this.pods === undefined) return;
    const { members, unaddressable } = membersFromPods(this.pods.list(), this.opts.ports);
    if (unaddressable.join(",") !== this.unaddressable) {
      this.unaddressable = unaddressable.join(",");
      // Ready pods without a pod IP or the named ports: the operator may assign them processes, but
      // they cannot be dialled, so this view leaves them out and their processes go by the ring.
      if (unaddressable.length > 0) this.logger.warn({ event: "cu.membership.unaddressable_pods", pods: unaddressable, ports: this.opts.ports });
    }
    const membersChanged = !sameMembers(members, this.view.members);
    if (membersChanged) {
      this.view = ownershipView(members);
      this.logger.info({ event: "cu.membership.changed", members: members.map((m) => m.id) });
    }
    if (!membersChanged && !this.assignmentsChanged) return;
    this.assignmentsChanged = false;
    for (const listener of this.listeners) listener(members);
  }
}
