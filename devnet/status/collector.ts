// Thin I/O shell around StatusModel: VDF steps from the chain's NATS subject (the same subject node
// agents consume), mining solutions from the subject node agents publish them on, and a periodic
// scrape of every component's Prometheus endpoint (plus node agents' admin GET /status). Listeners are
// told after each step, solution and scrape round (the status server turns that into SSE events).
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { decodeStepMessage, stepSubjectWildcard } from "../../protocol/vdf/index.ts";
import type { ComponentKind } from "../plan.ts";
import type { StatusModel } from "./model.ts";
import { parsePrometheus } from "./prometheus.ts";
import { modulesOf, solutionSummaryOf } from "./storage.ts";

/** node-agent/mining/nats-wiring.ts solutionSubject (a JetStream stream's subject; plain subscribe sees new ones). */
export function solutionSubjectOf(chain: string): string {
  return `arkube.mining.solutions.${chain}`;
}

/** One scrape must not hold up the round: a hung component is just missing from it. */
export const scrapeTimeoutMs = 800;

export interface ScrapeTarget {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly metricsUrl: string;
  /** Node agents: the admin API base URL (per-module stored/slots). */
  readonly adminUrl?: string | undefined;
}

export class StatusCollector {
  private readonly subs: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly model: StatusModel,
    private readonly targets: readonly ScrapeTarget[],
    private readonly isUp: (name: string) => boolean,
    private readonly scrapeIntervalMs: number,
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const l of this.listeners) l();
  }

  /** Subscribes to the chain's steps on `nc` (owned by the caller). */
  follow(nc: NatsConnection, chain: string): void {
    const sub = nc.subscribe(stepSubjectWildcard(chain));
    this.subs.push(sub);
    const solutions = nc.subscribe(solutionSubjectOf(chain));
    this.subs.push(solutions);
    void (async () => {
      for await (const msg of solutions) {
        const s = solutionSummaryOf(msg.data, Date.now());
        if (s === undefined) continue;
        this.model.onSolution(s);
        this.changed();
      }
    })();
    void (async () => {
      for await (const msg of sub) {
        try {
          const step = decodeStepMessage(msg.data);
          this.model.onStep(step.step, step.leader, step.term, Date.now());
          this.changed();
        } catch {
          // A malformed step is the verifier's business (and counted there); the view just skips it.
        }
      }
    })();
  }

  start(): void {
    const tick = (): void => {
      void this.scrapeAll().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.scrapeIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const sub of this.subs) sub.unsubscribe();
    this.listeners.clear();
  }

  private async scrapeAll(): Promise<void> {
    await Promise.all(this.targets.filter((t) => this.isUp(t.name) && t.kind !== "vdf").map((t) => this.scrape(t)));
    this.changed();
  }

  private async scrape(target: ScrapeTarget): Promise<void> {
    await Promise.all([this.scrapeMetrics(target), target.adminUrl === undefined ? undefined : this.scrapeAdmin(target.name, target.adminUrl)]);
  }

  private async scrapeAdmin(name: string, adminUrl: string): Promise<void> {
    try {
      const res = await fetch(`${adminUrl}/status`, { signal: AbortSignal.timeout(scrapeTimeoutMs) });
      if (res.ok) this.model.onNodeAgentModules(name, modulesOf(await res.json()));
    } catch {
      // Missing from this round, like a failed metrics scrape.
    }
  }

  private async scrapeMetrics(target: ScrapeTarget): Promise<void> {
    let text: string;
    try {
      const res = await fetch(target.metricsUrl, { signal: AbortSignal.timeout(scrapeTimeoutMs) });
      if (!res.ok) return;
      text = await res.text();
    } catch {
      return;
    }
    const samples = parsePrometheus(text);
    if (target.kind === "cu") this.model.onComputeScrape(target.name, samples, Date.now());
    else if (target.kind === "node-agent") this.model.onNodeAgentScrape(target.name, samples, Date.now());
  }
}
