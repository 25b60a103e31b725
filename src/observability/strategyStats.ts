import { percentile } from '../core/alerts/percentile.ts';
import type { ActorEntry, ActorRegistry, TransitionRecord } from '../runtime/actorRegistry.ts';

/**
 * Recent figures per strategy preset, for the alert rules and /dashboard: the wall-clock
 * latency of the last N cycles (from which p50/p95/p99 are computed exactly) and the
 * confluence factors of the last entry signals. Fed by the actor registry, so it sees what
 * the observer measured without touching the machines.
 */
export interface LatencySummary {
  readonly strategy: string;
  readonly samples: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

export interface FactorSample {
  readonly at: number;
  readonly action: string;
  readonly score: number;
  readonly factors: Readonly<Record<string, number>>;
}

class Ring<T> {
  private readonly items: T[] = [];
  constructor(private capacity: number) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }
  resize(capacity: number): void {
    this.capacity = capacity;
    if (this.items.length > capacity) this.items.splice(0, this.items.length - capacity);
  }
  values(): readonly T[] {
    return this.items;
  }
}

export interface FactorObserver {
  observe(labels: { strategy: string; factor: string }, value: number): void;
}

export class StrategyStats {
  private readonly latency = new Map<string, Ring<number>>();
  private readonly factors = new Map<string, Ring<FactorSample>>();
  private readonly entries = new Map<string, number>();
  private unsubscribe: () => void = () => undefined;

  constructor(
    private latencyWindow: number,
    private readonly factorWindow = 500,
    private readonly factorMetric?: FactorObserver,
  ) {}

  follow(registry: ActorRegistry): void {
    const lastSignal = new Map<string, unknown>();
    const decisions = new Map<string, number>();
    this.unsubscribe = registry.onChange((entry: ActorEntry, transition: TransitionRecord | null) => {
      // One figure per iteration that got its data: the decision's own time. A cycle's wall time
      // also holds the exchange's reads and the order round trip (API latency, watched on its
      // own); the first cycles after a start also load the history over REST.
      if (entry.lastDecisionMs !== null && entry.decisions !== (decisions.get(entry.actorId) ?? 0)) {
        decisions.set(entry.actorId, entry.decisions);
        this.recordCycle(entry.presetId, entry.lastDecisionMs);
      }
      const signal = entry.context.lastSignal;
      if (signal && signal !== lastSignal.get(entry.actorId)) {
        lastSignal.set(entry.actorId, signal);
        if (signal.action !== 'none') this.recordSignal(entry.presetId, { at: signal.candleStart, action: signal.action, score: signal.score, factors: signal.factors });
      }
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  setLatencyWindow(window: number): void {
    this.latencyWindow = window;
    for (const ring of this.latency.values()) ring.resize(window);
  }

  recordCycle(strategy: string, ms: number): void {
    let ring = this.latency.get(strategy);
    if (!ring) this.latency.set(strategy, (ring = new Ring(this.latencyWindow)));
    ring.push(ms);
  }

  recordSignal(strategy: string, sample: FactorSample): void {
    let ring = this.factors.get(strategy);
    if (!ring) this.factors.set(strategy, (ring = new Ring(this.factorWindow)));
    ring.push(sample);
    this.entries.set(strategy, (this.entries.get(strategy) ?? 0) + 1);
    for (const [factor, value] of Object.entries(sample.factors)) this.factorMetric?.observe({ strategy, factor }, value);
  }

  /** Entry signals seen per preset since the start (actor restarts do not reset it). */
  entrySignals(strategy: string): number {
    return this.entries.get(strategy) ?? 0;
  }

  latencies(): LatencySummary[] {
    return [...this.latency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([strategy, ring]) => {
        const values = ring.values();
        return { strategy, samples: values.length, p50Ms: percentile(values, 0.5), p95Ms: percentile(values, 0.95), p99Ms: percentile(values, 0.99) };
      });
  }

  factorSamples(): ReadonlyMap<string, readonly FactorSample[]> {
    return new Map([...this.factors.entries()].map(([k, ring]) => [k, ring.values()]));
  }
}
