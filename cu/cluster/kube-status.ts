// Writes status.lastNonce and status.lastEvaluatedTime of the AOProcesses this pod owns (status
// subresource, server-side apply as field manager "arkube-cu": the operator applies assignedPod and
// conditions as its own manager, so neither removes the other's fields). Rate-limited per process
// (status-throttle.ts). Written only by the pod the AOProcess is assigned to, and never backwards:
// after a handoff the old owner's late write is dropped instead of undoing the new owner's.
import { unlessGone } from "../../operator/errors.ts";
import type { KubeApi } from "../../operator/kube/client.ts";
import { resources } from "../../operator/kube/resources.ts";
import type { AOProcess } from "../../protocol/crds/index.ts";
import type { ProgressSink } from "../compute/service.ts";
import type { Logger } from "../log.ts";
import { StatusThrottle, type Progress } from "./status-throttle.ts";

export const cuFieldManager = "arkube-cu";

/** The AOProcesses naming a process, as the pod's informer has them. */
export interface AOProcessDirectory {
  aoProcessesOf(processId: string): readonly AOProcess[];
}

export interface StatusWriterDeps {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly selfId: string;
  readonly directory: AOProcessDirectory;
  /** At most one status write per process per this many milliseconds. */
  readonly statusWriteIntervalMs: number;
  readonly logger: Logger;
}

export class AOProcessStatusWriter implements ProgressSink {
  private readonly throttle: StatusThrottle;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly writing = new Map<string, Promise<void>>();
  private writesTotal = 0;
  private closed = false;

  constructor(private readonly deps: StatusWriterDeps) {
    this.throttle = new StatusThrottle(deps.statusWriteIntervalMs);
  }

  evaluated(processId: string, nonce: number): void {
    if (this.closed) return;
    this.throttle.record(processId, { nonce, evaluatedAtMs: Date.now() });
    this.pump(processId);
  }

  released(processId: string): void {
    clearTimeout(this.timers.get(processId));
    this.timers.delete(processId);
    this.throttle.forget(processId);
  }

  metricsText(): string {
    return ["# TYPE arkube_cu_status_writes_total counter", `arkube_cu_status_writes_total ${this.writesTotal}`, ""].join("\n");
  }

  /** Stops: pending progress is dropped (the next owner writes its own), writes in flight finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.writing.values());
  }

  private pump(processId: string): void {
    if (this.closed || this.timers.has(processId) || this.writing.has(processId)) return;
    const now = Date.now();
    const decision = this.throttle.next(processId, now);
    if (decision.type === "wait") {
      const timer = setTimeout(() => {
        this.timers.delete(processId);
        this.pump(processId);
      }, decision.untilMs - now);
      this.timers.set(processId, timer);
    } else if (decision.type === "write") {
      const write = this.write(processId, decision.progress)
        .catch((err: unknown) => {
          this.throttle.failed(processId, decision.progress);
          this.deps.logger.warn({ event: "cu.status.write_failed", processId, nonce: decision.progress.nonce, error: String(err) });
        })
        .finally(() => {
          this.writing.delete(processId);
          this.pump(processId);
        });
      this.writing.set(processId, write);
    }
  }

  private async write(processId: string, progress: Progress): Promise<void> {
    const { api, namespace, selfId, directory } = this.deps;
    for (const proc of directory.aoProcessesOf(processId)) {
      const name = proc.metadata.name;
      if (name === undefined || proc.status?.assignedPod !== selfId) continue;
      if ((proc.status.lastNonce ?? -1) >= progress.nonce) continue;
      const status = { lastNonce: progress.nonce, lastEvaluatedTime: new Date(progress.evaluatedAtMs).toISOString() };
      // Deleted meanwhile: nothing to report on.
      const written = await unlessGone(() => api.apply(resources.aoProcess, { metadata: { name, namespace }, status } as never, { fieldManager: cuFieldManager, subresource: "status" }));
      if (written) this.writesTotal++;
    }
  }
}
