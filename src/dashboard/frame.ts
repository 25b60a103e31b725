import type { AlertSnapshot } from '../core/alerts/types.ts';
import type { CockpitView, PositionView, PresetRow } from '../cockpit/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { LatencySummary, StrategyStats } from '../observability/strategyStats.ts';
import type { PortfolioPanel } from './portfolioPanel.ts';

/**
 * One frame of /dashboard: everything the page shows at one instant. The page keeps the
 * frames it received to draw the time series; the server keeps nothing per client.
 */
export interface FactorHistogram {
  readonly name: string;
  /** Counts in ten bins of width 0.1 over [0, 1]. */
  readonly bins: readonly number[];
  readonly mean: number | null;
}

export interface DashboardFrame {
  readonly type: 'frame';
  /** Bot-clock time (simulated in dry-run), ISO-8601 UTC. */
  readonly time: string;
  /** Wall-clock time of the frame, epoch ms (the x axis of the charts). */
  readonly wallTime: number;
  readonly mode: string;
  readonly venue: string;
  readonly configVersion: string;
  readonly tradingState: string;
  readonly haltReason: string | null;
  readonly latency: readonly LatencySummary[];
  readonly latencyThresholdMs: number;
  readonly process: { readonly rssMb: number; readonly heapUsedMb: number; readonly heapTotalMb: number; readonly eventLoopLagMs: number };
  readonly rssThresholdMb: number;
  /** Market-data cache lookups per second since the previous frame, and the hit ratio over them. */
  readonly cache: { readonly hitPerSec: number; readonly missPerSec: number; readonly stalePerSec: number; readonly hitRatio: number | null; readonly totals: Readonly<Record<string, number>> };
  readonly factors: readonly { readonly strategy: string; readonly signals: number; readonly factors: readonly FactorHistogram[] }[];
  readonly account: { readonly equity: number | null; readonly pnlToday: number | null };
  readonly positions: readonly PositionView[];
  readonly alerts: readonly (Omit<AlertSnapshot, 'firstAt' | 'lastAt' | 'resolvedAt'> & { readonly firstAt: string; readonly lastAt: string })[];
  readonly presets: readonly PresetRow[];
  /** The portfolio book as GET /portfolio shows it (budgets, used, free, correlations, last rebalance); null when not wired. */
  readonly portfolio: PortfolioPanel | null;
}

export interface CacheCounter {
  get(): Promise<{ readonly values: readonly { readonly labels: Readonly<Record<string, string | number>>; readonly value: number }[] }>;
}

const MB = 1e6;
const iso = (ms: number): string => new Date(ms).toISOString();

export function factorHistograms(samples: readonly { readonly factors: Readonly<Record<string, number>> }[]): FactorHistogram[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.factors)))];
  return names.map((name) => {
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let n = 0;
    for (const s of samples) {
      const v = s.factors[name];
      if (v === undefined || !Number.isFinite(v)) continue;
      bins[Math.min(9, Math.max(0, Math.floor(v * 10)))]!++;
      sum += v;
      n++;
    }
    return { name, bins, mean: n > 0 ? sum / n : null };
  });
}

export class DashboardFrames {
  private lastCache: { readonly at: number; readonly totals: Record<string, number> } | null = null;

  constructor(
    private readonly o: {
      readonly view: CockpitView;
      readonly stats: StrategyStats;
      readonly cache: CacheCounter;
      readonly eventLoopLagMs: () => number;
      readonly clock: Clock;
      readonly wallNow?: () => number;
      readonly thresholds: () => { readonly cycleLatencyP95Ms: number; readonly rssMb: number };
      readonly venue: string;
      /** The Portfolio panel (GET /portfolio's figures). */
      readonly portfolio?: () => PortfolioPanel;
    },
  ) {}

  private async cacheRates(wall: number): Promise<DashboardFrame['cache']> {
    const totals: Record<string, number> = { hit: 0, miss: 0, stale: 0 };
    for (const v of (await this.o.cache.get()).values) {
      const result = String(v.labels.result);
      totals[result] = (totals[result] ?? 0) + v.value;
    }
    const previous = this.lastCache;
    this.lastCache = { at: wall, totals };
    if (!previous || wall <= previous.at) return { hitPerSec: 0, missPerSec: 0, stalePerSec: 0, hitRatio: null, totals };
    const seconds = (wall - previous.at) / 1000;
    const d = (k: string) => Math.max(0, (totals[k] ?? 0) - (previous.totals[k] ?? 0));
    const lookups = d('hit') + d('miss') + d('stale');
    return { hitPerSec: d('hit') / seconds, missPerSec: d('miss') / seconds, stalePerSec: d('stale') / seconds, hitRatio: lookups > 0 ? d('hit') / lookups : null, totals };
  }

  async frame(): Promise<DashboardFrame> {
    const wall = (this.o.wallNow ?? Date.now)();
    const status = this.o.view.status();
    const memory = process.memoryUsage();
    const thresholds = this.o.thresholds();
    return {
      type: 'frame',
      time: iso(status.now),
      wallTime: wall,
      mode: status.mode,
      venue: this.o.venue,
      configVersion: status.configVersion,
      tradingState: status.tradingState,
      haltReason: status.haltReason,
      latency: this.o.stats.latencies(),
      latencyThresholdMs: thresholds.cycleLatencyP95Ms,
      process: { rssMb: memory.rss / MB, heapUsedMb: memory.heapUsed / MB, heapTotalMb: memory.heapTotal / MB, eventLoopLagMs: this.o.eventLoopLagMs() },
      rssThresholdMb: thresholds.rssMb,
      cache: await this.cacheRates(wall),
      factors: [...this.o.stats.factorSamples().entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([strategy, samples]) => ({ strategy, signals: samples.length, factors: factorHistograms(samples) })),
      account: { equity: status.equity, pnlToday: status.pnlToday },
      positions: status.positions,
      alerts: status.alerts.map((a) => ({ ...a, firstAt: iso(a.firstAt), lastAt: iso(a.lastAt) })),
      presets: this.o.view.presets(),
      portfolio: this.o.portfolio?.() ?? null,
    };
  }
}
