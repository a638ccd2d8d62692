// List-then-watch with a local cache, recovering by itself: a watch that ends (server timeout, network
// error) resumes from the last resourceVersion after a backoff; a 410 Gone (resourceVersion compacted
// away) lists again and reports the difference as events, so handlers never miss a deletion.
import { Watch } from "@kubernetes/client-node";
import { WatchExpiredError } from "../errors.ts";
import type { KubeApi, KubeObject } from "./client.ts";
import type { Logger } from "../log.ts";
import { collectionPath, type ResourceRef } from "./resources.ts";

export type InformerEventType = "ADDED" | "MODIFIED" | "DELETED";
export type InformerHandler<T> = (type: InformerEventType, obj: T) => void;

export interface InformerBounds {
  /** The server ends each watch after this long; we resume from the last resourceVersion. */
  watchTimeoutSeconds: number;
  retryDelayMinMs: number;
  retryDelayMaxMs: number;
  /** start() keeps retrying the first list this long (a just-installed CRD answers 429 for a moment). */
  startTimeoutMs: number;
}

export const informerBoundsDefault: InformerBounds = { watchTimeoutSeconds: 300, retryDelayMinMs: 200, retryDelayMaxMs: 30_000, startTimeoutMs: 60_000 };

/** Starts one watch request; onDone(null) when the server ended it, onDone(err) on failure. */
export type WatchFn = (
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onEvent: (type: string, obj: unknown) => void,
  onDone: (err: unknown) => void,
) => Promise<{ abort(): void }>;

/** The default WatchFn: client-node's Watch with the KubeApi's credentials. */
export function libraryWatch(api: KubeApi): WatchFn {
  const watch = new Watch(api.kubeConfig);
  return (path, query, onEvent, onDone) => watch.watch(path, query, onEvent, onDone);
}

export interface InformerOptions<T> {
  api: KubeApi;
  ref: ResourceRef;
  namespace?: string;
  labelSelector?: string;
  log: Logger;
  onEvent: InformerHandler<T>;
  bounds?: InformerBounds;
  /** Defaults to libraryWatch(api). */
  watch?: WatchFn;
}

export interface Informer<T> {
  /** Resolves once the first list is in the cache (handlers have seen every object as ADDED). */
  start(): Promise<void>;
  stop(): void;
  get(name: string, namespace?: string): T | undefined;
  list(): T[];
}

export function cacheKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === "" ? name : `${namespace}/${name}`;
}

export function createInformer<T extends KubeObject>(opts: InformerOptions<T>): Informer<T> {
  const bounds = opts.bounds ?? informerBoundsDefault;
  const store = new Map<string, T>();
  const watch = opts.watch ?? libraryWatch(opts.api);
  let resourceVersion = "";
  let stopped = false;
  let abort: { abort(): void } | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelayMs = bounds.retryDelayMinMs;
  const keyOf = (o: T) => cacheKey(o.metadata.namespace, o.metadata.name ?? "");

  async function relist(): Promise<void> {
    const list = await opts.api.list<T>(opts.ref, opts.namespace, opts.labelSelector);
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const had = store.has(key);
      store.set(key, item);
      opts.onEvent(had ? "MODIFIED" : "ADDED", item);
    }
    for (const [key, old] of store) {
      if (seen.has(key)) continue;
      store.delete(key);
      opts.onEvent("DELETED", old);
    }
    resourceVersion = list.resourceVersion;
  }

  function onWatchEvent(type: string, obj: T & { code?: number; metadata?: { resourceVersion?: string } }): void {
    if (type === "ERROR") {
      if (obj.code === 410) throw new WatchExpiredError(`watch ${opts.ref.plural}: resourceVersion ${resourceVersion} expired`);
      return;
    }
    if (obj.metadata?.resourceVersion !== undefined) resourceVersion = obj.metadata.resourceVersion;
    if (type === "BOOKMARK") return;
    retryDelayMs = bounds.retryDelayMinMs;
    const key = keyOf(obj);
    if (type === "DELETED") store.delete(key);
    else store.set(key, obj);
    opts.onEvent(type as InformerEventType, obj);
  }

  function scheduleRestart(expired: boolean, err: unknown): void {
    if (stopped) return;
    const delay = err === null || err === undefined ? 0 : retryDelayMs;
    if (delay > 0) {
      opts.log({ event: "watch_retry", resource: opts.ref.plural, delayMs: delay, expired, error: String(err) });
      retryDelayMs = Math.min(retryDelayMs * 2, bounds.retryDelayMaxMs);
    }
    retryTimer = setTimeout(() => void runWatch(expired), delay);
  }

  async function runWatch(needsRelist: boolean): Promise<void> {
    if (stopped) return;
    try {
      if (needsRelist) await relist();
    } catch (err) {
      scheduleRestart(true, err);
      return;
    }
    let expired = false;
    const query = {
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: bounds.watchTimeoutSeconds,
      labelSelector: opts.labelSelector,
    };
    const onEvent = (type: string, obj: unknown) => {
      if (stopped || expired) return;
      try {
        onWatchEvent(type, obj as T);
      } catch (err) {
        if (!(err instanceof WatchExpiredError)) throw err;
        expired = true;
        abort?.abort();
      }
    };
    const onDone = (err: unknown) => {
      const status = (err as { statusCode?: number } | null)?.statusCode;
      const gone = expired || status === 410;
      // An abort we caused for 410 is not an error: list again at once.
      scheduleRestart(gone, gone ? null : err);
    };
    try {
      abort = await watch(collectionPath(opts.ref, opts.namespace), query, onEvent, onDone);
    } catch (err) {
      scheduleRestart(false, err);
      return;
    }
    // A 410 delivered before watch() returned could not abort yet.
    if (expired || stopped) abort.abort();
  }

  return {
    async start() {
      const deadline = Date.now() + bounds.startTimeoutMs;
      for (let delay = bounds.retryDelayMinMs; ; delay = Math.min(delay * 2, bounds.retryDelayMaxMs)) {
        try {
          await relist();
          break;
        } catch (err) {
          if (stopped || Date.now() + delay > deadline) throw err;
          opts.log({ event: "informer_start_retry", resource: opts.ref.plural, delayMs: delay, error: String(err) });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
      void runWatch(false);
    },
    stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      abort?.abort();
    },
    get: (name, namespace) => store.get(cacheKey(namespace, name)),
    list: () => [...store.values()],
  };
}
