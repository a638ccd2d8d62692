// Leadership record in a coordination.k8s.io/v1 Lease. Compare-and-swap is the API server's optimistic
// concurrency: a replace carrying a stale metadata.resourceVersion fails with 409 Conflict, a create of an
// existing name with 409 AlreadyExists. term = spec.leaseTransitions.
//
// Contract with the operator (operator/README.md, "vdf Lease"): the holder records its newest step in
// the annotations below, written with every renewal; the HashChain controller shows them in its status.
import { ApiException, V1MicroTime, type CoordinationV1Api, type V1Lease } from "@kubernetes/client-node";
import { LeaseConflictError, LeaseCorruptError, type LeaderProgress, type LeaseRecord, type LeaseStore, type VersionedLease } from "./types.ts";

const httpNotFound = 404;
const httpConflict = 409;

/** Decimal step number. */
export const stepAnnotation = "arkube.dev/vdf-step";
/** RFC 3339 (UTC, milliseconds) time of that step. */
export const stepTimeAnnotation = "arkube.dev/vdf-step-time";

export class KubeLeaseStore implements LeaseStore {
  readonly kind = "kubernetes-lease";

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async read(): Promise<VersionedLease | undefined> {
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (err instanceof ApiException && err.code === httpNotFound) return undefined;
      throw err;
    }
    return { record: recordOf(lease), version: lease.metadata?.resourceVersion ?? "" };
  }

  async create(record: LeaseRecord): Promise<string> {
    const body = this.lease(record, undefined);
    const created = await conflictsAs(() => this.api.createNamespacedLease({ namespace: this.namespace, body }));
    return created.metadata?.resourceVersion ?? "";
  }

  async update(record: LeaseRecord, version: string): Promise<string> {
    const body = this.lease(record, version);
    const replaced = await conflictsAs(() => this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body }));
    return replaced.metadata?.resourceVersion ?? "";
  }

  private lease(record: LeaseRecord, resourceVersion: string | undefined): V1Lease {
    // MicroTime: the API server insists on six fraction digits.
    const now = new V1MicroTime();
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(resourceVersion === undefined ? {} : { resourceVersion }),
        ...(record.progress === undefined ? {} : { annotations: progressAnnotations(record.progress) }),
      },
      spec: {
        holderIdentity: record.holder,
        // Whole seconds only: round up, so others wait at least as long as the holder assumes.
        leaseDurationSeconds: Math.ceil(record.durationMs / 1000),
        leaseTransitions: record.term,
        renewTime: now,
        acquireTime: now,
      },
    };
  }
}

function recordOf(lease: V1Lease): LeaseRecord {
  const spec = lease.spec;
  if (spec?.leaseDurationSeconds === undefined || spec.leaseTransitions === undefined) {
    throw new LeaseCorruptError(`Lease ${lease.metadata?.name} lacks leaseDurationSeconds or leaseTransitions`);
  }
  const record: LeaseRecord = { holder: spec.holderIdentity ?? "", term: spec.leaseTransitions, durationMs: spec.leaseDurationSeconds * 1000 };
  const progress = progressOf(lease.metadata?.annotations);
  return progress === undefined ? record : { ...record, progress };
}

function progressAnnotations(p: LeaderProgress): Record<string, string> {
  return { [stepAnnotation]: String(p.step), [stepTimeAnnotation]: new Date(p.timeMs).toISOString() };
}

/** Informational only: annotations someone else mangled are ignored, not a corrupt lease. */
function progressOf(annotations: Record<string, string> | undefined): LeaderProgress | undefined {
  const step = annotations?.[stepAnnotation];
  const timeMs = Date.parse(annotations?.[stepTimeAnnotation] ?? "");
  if (step === undefined || !/^\d+$/.test(step) || !Number.isSafeInteger(Number(step)) || Number.isNaN(timeMs)) return undefined;
  return { step: Number(step), timeMs };
}

async function conflictsAs<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ApiException && err.code === httpConflict) throw new LeaseConflictError("Lease changed concurrently", { cause: err });
    throw err;
  }
}
