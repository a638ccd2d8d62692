// Pure: the compute cluster as Kubernetes describes it. Members are the cu pods the operator counts
// (Running, Ready, not terminating: the operator's own readyPodNames, so both sides agree on who is
// alive), addressed by their pod IP and the container ports named in the config. The owner of a
// process is the pod its AOProcess names in status.assignedPod; a process without an AOProcess (spawned
// through POST / or by another process) or one assigned to a pod this view does not hold yet goes by
// the operator's consistent-hash ring over the same members, i.e. where the operator would put it.
import { isIPv6 } from "node:net";
import { readyPodNames, type PodLike } from "../../operator/aoprocess/assign.ts";
import { buildRing, type HashRing } from "../../operator/hashring/ring.ts";
import type { Member } from "./ring.ts";

export interface ContainerPortLike {
  readonly name?: string;
  readonly containerPort: number;
}

export interface CuPodLike extends PodLike {
  spec?: { containers?: readonly { ports?: readonly ContainerPortLike[] }[] };
  status?: PodLike["status"] & { podIP?: string };
}

/** The container port names a cu pod declares for its two servers (the chart names them http and grpc). */
export interface PortNames {
  readonly http: string;
  readonly grpc: string;
}

export interface PodMembers {
  /** Ready pods with an address, sorted by id. */
  readonly members: readonly Member[];
  /** Ready pods without a pod IP or without one of the named ports (misconfigured: never routed to). */
  readonly unaddressable: readonly string[];
}

function namedPort(pod: CuPodLike, name: string): number | undefined {
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) if (port.name === name) return port.containerPort;
  }
  return undefined;
}

function hostPort(ip: string, port: number): string {
  return isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function membersFromPods(pods: readonly CuPodLike[], ports: PortNames): PodMembers {
  const byName = new Map(pods.map((p) => [p.metadata.name ?? "", p]));
  const members: Member[] = [];
  const unaddressable: string[] = [];
  for (const name of readyPodNames(pods)) {
    const pod = byName.get(name)!;
    const ip = pod.status?.podIP;
    const http = namedPort(pod, ports.http);
    const grpc = namedPort(pod, ports.grpc);
    if (ip === undefined || ip === "" || http === undefined || grpc === undefined) {
      unaddressable.push(name);
      continue;
    }
    members.push({ id: name, grpcAddress: hostPort(ip, grpc), httpUrl: `http://${hostPort(ip, http)}` });
  }
  return { members, unaddressable };
}

/** An immutable ownership view: members by id and the operator's ring over them. */
export interface KubeOwnershipView {
  readonly members: readonly Member[];
  readonly byId: ReadonlyMap<string, Member>;
  readonly ring: HashRing;
}

export function ownershipView(members: readonly Member[]): KubeOwnershipView {
  return { members, byId: new Map(members.map((m) => [m.id, m])), ring: buildRing(members.map((m) => m.id)) };
}

export function kubeOwner(processId: string, assignedPod: string | undefined, view: KubeOwnershipView): Member | undefined {
  const assigned = assignedPod === undefined ? undefined : view.byId.get(assignedPod);
  if (assigned !== undefined) return assigned;
  if (view.ring.members.length === 0) return undefined;
  return view.byId.get(view.ring.owner(processId));
}

export interface AOProcessLike {
  metadata: { name?: string };
  spec: { processId: string };
  status?: { assignedPod?: string };
}

/**
 * processId -> assigned pod, from AOProcess events. Two AOProcesses may name the same process id
 * (nothing forbids it); each keeps its own entry and the lookup takes the first by name, so every pod
 * resolves the duplicate the same way.
 */
export class AssignmentIndex {
  private readonly byName = new Map<string, { processId: string; pod: string | undefined }>();
  private readonly byProcess = new Map<string, Map<string, string | undefined>>();

  /** Records an added or modified AOProcess; true when the owner of a process may have changed. */
  upsert(proc: AOProcessLike): boolean {
    const name = proc.metadata.name ?? "";
    const entry = { processId: proc.spec.processId, pod: proc.status?.assignedPod || undefined };
    const old = this.byName.get(name);
    if (old !== undefined && old.processId === entry.processId && old.pod === entry.pod) return false;
    return this.changes([entry.processId, ...(old === undefined ? [] : [old.processId])], () => {
      this.forget(name);
      this.byName.set(name, entry);
      let names = this.byProcess.get(entry.processId);
      if (names === undefined) this.byProcess.set(entry.processId, (names = new Map()));
      names.set(name, entry.pod);
    });
  }

  /** Forgets a deleted AOProcess; true when the owner of its process may have changed. */
  remove(name: string): boolean {
    const old = this.byName.get(name);
    if (old === undefined) return false;
    return this.changes([old.processId], () => this.forget(name));
  }

  podOf(processId: string): string | undefined {
    const names = this.byProcess.get(processId);
    if (names === undefined) return undefined;
    let first: string | undefined;
    for (const name of names.keys()) if (first === undefined || name < first) first = name;
    return names.get(first!);
  }

  get size(): number {
    return this.byName.size;
  }

  private changes(processIds: readonly string[], mutate: () => void): boolean {
    const before = processIds.map((pid) => this.podOf(pid));
    mutate();
    return processIds.some((pid, i) => this.podOf(pid) !== before[i]);
  }

  private forget(name: string): void {
    const old = this.byName.get(name);
    if (old === undefined) return;
    this.byName.delete(name);
    const names = this.byProcess.get(old.processId)!;
    names.delete(name);
    if (names.size === 0) this.byProcess.delete(old.processId);
  }
}
