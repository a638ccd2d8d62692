// OpenTelemetry instruments of the node agent. The Meter is injected (main.ts wires the Prometheus
// exporter). Names start with arkube_; where the Arweave node has an equivalent, it is exported under
// the reference's name as well (chunks_stored, packing_duration_milliseconds, mining_rate{type},
// vdf_step_time_milliseconds, http_client_get_chunk_duration_seconds, mining_server_chunk_cache_size)
// so existing Arweave dashboards work.
import type { Counter, Histogram, Meter } from "@opentelemetry/api";
import { bottleneckKinds, type Bottleneck } from "./bottleneck.ts";
import type { ResourcePlan } from "./resources.ts";
import { CHUNK_BYTES } from "./storage/layout.ts";

/** Window over which rates (mining_rate, packing throughput) are averaged. */
export const rateWindowMs = 10_000;

/** Sums of events in a sliding time window (pure, clock injected). */
export class RateWindow {
  private readonly events: { t: number; n: number }[] = [];
  constructor(private readonly windowMs: number, private readonly now: () => number) {}

  add(n: number): void {
    this.events.push({ t: this.now(), n });
    this.trim();
  }

  perSecond(): number {
    this.trim();
    return (this.events.reduce((s, e) => s + e.n, 0) * 1000) / this.windowMs;
  }

  private trim(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.events.length > 0 && this.events[0]!.t < cutoff) this.events.shift();
  }
}

/** One partition's rates over the last rateWindowMs (what the Partition status reports). */
export interface PartitionRates {
  /** Unpacked chunk bytes fetched from peers for this partition. */
  syncBytesPerSecond: number;
  /** Packed bytes written to this partition's module. */
  packingBytesPerSecond: number;
  /** H2/s + H1/s / 100: the reference's mining_rate{type=hash} for this partition. */
  hashesPerSecond: number;
}

/** mining_rate's four values (chunks read and hashes per second, actual and ideal) and the step rate. */
export interface MiningRates {
  read: number;
  hash: number;
  idealRead: number;
  idealHash: number;
  stepsPerSecond: number;
}

export interface PackingProgress {
  /** Slots of all modules that hold a packed chunk. */
  storedChunks: number;
  /** Slots that can still be filled (chunks the weave has there). */
  targetChunks: number;
}

const msBuckets = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export class AgentMetrics {
  private readonly fetched: Counter;
  private readonly rejected: Counter;
  private readonly fetchSeconds: Histogram;
  private readonly packed: Counter;
  private readonly packMs: Histogram;
  private readonly stored: Counter;
  private readonly storedBytes: Counter;
  private readonly hashes: Counter;
  private readonly readBytes: Counter;
  private readonly solutions: Counter;
  private readonly stepTime: Histogram;
  private readonly dropped: Counter;
  private readonly replyDropped: Counter;
  private plan: ResourcePlan | undefined;
  private bottleneckOf: () => Bottleneck | undefined = () => undefined;
  private readonly rates = new Map<string, RateWindow>();
  private progressOf: () => PackingProgress = () => ({ storedChunks: 0, targetChunks: 0 });
  private cacheBytes = 0;
  private idealPerStep = { reads: 0, hashes: 0 };
  private stepsPerSecond: RateWindow;

  constructor(meter: Meter, private readonly now: () => number = () => performance.now()) {
    this.stepsPerSecond = new RateWindow(rateWindowMs, now);
    this.fetched = meter.createCounter("arkube_sync_chunks_fetched", { description: "Chunks fetched from peers whose proofs held" });
    this.rejected = meter.createCounter("arkube_sync_chunks_rejected", { description: "Peer replies rejected, by peer and reason" });
    this.fetchSeconds = meter.createHistogram("http_client_get_chunk_duration_seconds", { description: "GET /chunk latency (reference name)" });
    this.packed = meter.createCounter("arkube_packing_chunks_packed", { description: "Chunks packed (spora_2_6)" });
    this.packMs = meter.createHistogram("packing_duration_milliseconds", { description: "Time to pack one batch, per chunk (reference name)", advice: { explicitBucketBoundaries: msBuckets } });
    this.stored = meter.createCounter("arkube_storage_chunks_stored", { description: "Chunks written to storage modules" });
    this.storedBytes = meter.createCounter("chunks_stored", { description: "Bytes of chunks written (reference name; 256 KiB per chunk)" });
    this.hashes = meter.createCounter("arkube_mining_hashes", { description: "H1 and H2 hashes computed, by kind and partition" });
    this.readBytes = meter.createCounter("arkube_mining_read_bytes", { description: "Bytes read for mining, by partition and device" });
    this.solutions = meter.createCounter("arkube_mining_solutions", { description: "Solutions found and re-verified, by kind" });
    this.dropped = meter.createCounter("arkube_mining_stale_work_dropped", { description: "Mining tasks dropped because their VDF session ended" });
    this.replyDropped = meter.createCounter("arkube_mining_h2_reply_solutions_dropped", { description: "H2 solutions for a replica peer beyond the per-reply limit (not sent)" });
    this.stepTime = meter.createHistogram("vdf_step_time_milliseconds", { description: "Time between verified VDF steps (reference name)", advice: { explicitBucketBoundaries: msBuckets } });
    this.observeGauges(meter);
  }

  private observeGauges(meter: Meter): void {
    meter.createObservableGauge("arkube_packing_progress_ratio", { description: "Stored / target chunks" }).addCallback((r) => {
      const p = this.progressOf();
      r.observe(p.targetChunks === 0 ? 1 : p.storedChunks / p.targetChunks);
    });
    meter.createObservableGauge("arkube_packing_chunks_per_second").addCallback((r) => r.observe(this.rate("stored").perSecond()));
    meter.createObservableGauge("arkube_packing_eta_seconds", { description: "Remaining chunks / current rate" }).addCallback((r) => {
      const eta = this.packingEtaSeconds();
      if (eta !== undefined) r.observe(eta);
    });
    meter.createObservableGauge("mining_rate", { description: "Chunks read and hashes per second, actual and ideal (reference name)" }).addCallback((r) => {
      const m = this.miningRates();
      r.observe(m.read, { type: "read" });
      r.observe(m.hash, { type: "hash" });
      r.observe(m.idealRead, { type: "ideal_read" });
      r.observe(m.idealHash, { type: "ideal_hash" });
    });
    meter.createObservableGauge("arkube_mining_hashes_per_second").addCallback((r) => {
      r.observe(this.rate("h1").perSecond(), { kind: "h1" });
      r.observe(this.rate("h2").perSecond(), { kind: "h2" });
    });
    meter.createObservableGauge("arkube_mining_read_mib_per_second").addCallback((r) => {
      for (const [key, window] of this.rates) {
        if (!key.startsWith("read:")) continue;
        const [, partition, device] = key.split(":");
        r.observe(window.perSecond() / (1024 * 1024), { partition: partition!, device: device! });
      }
    });
    this.observeSelfCare(meter);
    meter.createObservableGauge("mining_server_chunk_cache_size", { description: "Chunks held by the mining read cache (reference name)" }).addCallback((r) => r.observe(this.cacheBytes / CHUNK_BYTES));
  }

  /** The hardware plan and the current bottleneck (a gauge per value: 1 for the current kind). */
  private observeSelfCare(meter: Meter): void {
    meter.createObservableGauge("arkube_node_agent_cpu_budget_threads", { description: "Threads given to packing and to mining (configured or derived from the CPUs)" }).addCallback((r) => {
      if (this.plan === undefined) return;
      r.observe(this.plan.cpu.packing, { use: "packing" });
      r.observe(this.plan.cpu.mining, { use: "mining" });
    });
    meter.createObservableGauge("arkube_node_agent_huge_pages_enabled", { description: "1 when transparent huge pages are available to the RandomX dataset (always or madvise)" }).addCallback((r) => {
      if (this.plan === undefined) return;
      const { thp } = this.plan.host;
      r.observe(thp === "always" || thp === "madvise" ? 1 : 0, { mode: thp });
    });
    meter.createObservableGauge("arkube_node_agent_bottleneck", { description: "1 for what holds the hashrate back now (none, cpu, disk, vdf, sync)" }).addCallback((r) => {
      const current = this.bottleneckOf();
      if (current === undefined) return;
      for (const kind of bottleneckKinds) r.observe(kind === current.kind ? 1 : 0, { kind });
    });
  }

  setResourcePlan(plan: ResourcePlan): void {
    this.plan = plan;
  }

  setBottleneckSource(source: () => Bottleneck | undefined): void {
    this.bottleneckOf = source;
  }

  miningRates(): MiningRates {
    const stepsPerSecond = this.stepsPerSecond.perSecond();
    return {
      read: this.rate("read").perSecond(),
      hash: this.rate("hash").perSecond(),
      idealRead: stepsPerSecond * this.idealPerStep.reads,
      idealHash: stepsPerSecond * this.idealPerStep.hashes,
      stepsPerSecond,
    };
  }

  private rate(key: string): RateWindow {
    let w = this.rates.get(key);
    if (w === undefined) this.rates.set(key, (w = new RateWindow(rateWindowMs, this.now)));
    return w;
  }

  packingEtaSeconds(): number | undefined {
    const p = this.progressOf();
    const perSecond = this.rate("stored").perSecond();
    return perSecond > 0 ? (p.targetChunks - p.storedChunks) / perSecond : undefined;
  }

  setProgressSource(source: () => PackingProgress): void {
    this.progressOf = source;
  }

  chunkFetched(peer: string, seconds: number): void {
    this.fetched.add(1, { peer });
    this.fetchSeconds.record(seconds, { peer });
  }

  chunkRejected(peer: string, reason: string): void {
    this.rejected.add(1, { peer, reason });
  }

  batchPacked(chunks: number, ms: number): void {
    this.packed.add(chunks);
    for (let i = 0; i < chunks; i += 1) this.packMs.record(ms / chunks);
  }

  /** A proven chunk fetched for `partition` (its unpacked size). */
  chunkSynced(partition: number, bytes: number): void {
    this.rate(`synced:${partition}`).add(bytes);
  }

  chunksStored(partition: number, chunks: number): void {
    this.stored.add(chunks, { partition: String(partition) });
    this.storedBytes.add(chunks * CHUNK_BYTES, { packing: "spora_2_6", storage_module: String(partition) });
    this.rate("stored").add(chunks);
    this.rate(`stored:${partition}`).add(chunks);
  }

  hashed(kind: "h1" | "h2", partition: number, count: number): void {
    this.hashes.add(count, { kind, partition: String(partition) });
    this.rate(kind).add(count);
    // The reference scales H1 down: an H1 is 100x less likely to be a solution.
    const weighted = kind === "h2" ? count : count / 100;
    this.rate("hash").add(weighted);
    this.rate(`hash:${partition}`).add(weighted);
  }

  partitionRates(partition: number): PartitionRates {
    return {
      syncBytesPerSecond: this.rate(`synced:${partition}`).perSecond(),
      packingBytesPerSecond: this.rate(`stored:${partition}`).perSecond() * CHUNK_BYTES,
      hashesPerSecond: this.rate(`hash:${partition}`).perSecond(),
    };
  }

  read(partition: number, device: string, bytes: number): void {
    this.readBytes.add(bytes, { partition: String(partition), device });
    this.rate(`read:${partition}:${device}`).add(bytes);
    this.rate("read").add(bytes / CHUNK_BYTES);
  }

  solutionFound(kind: "h1" | "h2"): void {
    this.solutions.add(1, { kind });
  }

  replySolutionsDropped(count: number): void {
    this.replyDropped.add(count);
  }

  staleDropped(count: number): void {
    this.dropped.add(count);
  }

  vdfStep(sincePreviousMs: number | undefined, ideal: { reads: number; hashes: number }): void {
    if (sincePreviousMs !== undefined) this.stepTime.record(sincePreviousMs);
    this.stepsPerSecond.add(1);
    this.idealPerStep = ideal;
  }

  setCacheBytes(bytes: number): void {
    this.cacheBytes = bytes;
  }
}
