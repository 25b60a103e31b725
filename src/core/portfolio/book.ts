import { DAY_MS } from '../data/utcTime.ts';
import type { RegimeLabel } from '../indicators/regime.ts';
import { leaderRegime } from './leader.ts';
import { alignedReturns, atrVolatility, correlationOf, covariance, MIN_OBSERVATIONS, realisedVolatility, type SeriesWindow } from './series.ts';
import type { AllocationView, CorrelationView, LeaderView, PortfolioSettings, PresetTrade, RebalanceInputs, RebalanceReason, RebalanceRecord } from './types.ts';
import { applyBounds, equalRiskContributionWeights, equalWeights, fixedWeights, inverseVolatilityWeights, performanceWeights } from './weights.ts';

/**
 * The portfolio book: evaluated on a grid of check times (portfolio.rebalance.checkMs,
 * aligned to the epoch), each check a pure function of the candles that closed by then,
 * the trades whose exit bar had ended by then, and the previous checks. Both drivers (the
 * fast engine, the runtime) advance it to the grid time of each decision and it evaluates
 * every grid time in between in order, so the weights at a decision depend on the data,
 * never on when or how often a driver asked: the fast engine and the actors agree.
 *
 * At each check: correlations and the leader's regime (when used) are measured again; the
 * weights change only at a rebalance (the first check, a scheduled time, or a drift past
 * portfolio.rebalance.driftPct). A rebalance changes the budgets of the next entries;
 * open positions keep their size.
 */

export interface PortfolioPlan {
  readonly settings: PortfolioSettings;
  /** Enabled presets in config order with their symbols. */
  readonly presets: readonly { readonly id: string; readonly symbols: readonly string[] }[];
  /** Step (ms) of the series each symbol is measured on (its first preset's interval). */
  readonly stepOf: ReadonlyMap<string, number>;
  /** Measure correlations (risk.maxCorrelatedExposurePct below risk.maxTotalExposurePct). */
  readonly correlation: boolean;
  /** Time the book starts at (the first check is the grid time at or before it). */
  readonly start: number;
}

/** What a driver supplies at a check time `at`. */
export interface CheckSource {
  /** Rows of the symbol's series with start >= from and start + step <= at, oldest first. */
  window(symbol: string, from: number, at: number): SeriesWindow;
  /** Closed trades (all of them; the book keeps those whose exit bar had ended by `at`). */
  trades(): readonly PresetTrade[];
}

/** Whether the book does anything: allocation on, correlations measured, or the cross-asset rule. */
export function portfolioActive(settings: PortfolioSettings, correlation: boolean): boolean {
  return settings.allocation.mode !== 'none' || correlation || settings.crossAsset.enabled;
}

export class PortfolioBook {
  readonly presetIds: readonly string[];
  readonly symbols: readonly string[];
  private lastCheck = Number.NaN;
  private weights: Record<string, number> | null = null;
  private viewNow: AllocationView = { weights: null, correlation: null, leader: null };
  private leaderCache: { readonly bucket: number; readonly regime: RegimeLabel } | null = null;
  readonly rebalances: RebalanceRecord[] = [];
  /** Total checks evaluated. */
  checks = 0;

  constructor(readonly plan: PortfolioPlan) {
    this.presetIds = [...new Set(plan.presets.map((p) => p.id))];
    this.symbols = [...new Set(plan.presets.flatMap((p) => p.symbols))];
  }

  get checkMs(): number {
    return this.plan.settings.rebalance.checkMs;
  }

  /** The grid time at or before `t`. */
  gridAt(t: number): number {
    return Math.floor(t / this.checkMs) * this.checkMs;
  }

  /** Time of the newest check evaluated (NaN before the first). */
  get checkedAt(): number {
    return this.lastCheck;
  }

  /** The first check time not yet evaluated. */
  nextCheck(): number {
    return Number.isNaN(this.lastCheck) ? this.gridAt(this.plan.start) : this.lastCheck + this.checkMs;
  }

  /** Whether a decision at `t` needs checks the book has not evaluated yet. */
  behind(t: number): boolean {
    return this.nextCheck() <= this.gridAt(t);
  }

  view(): AllocationView {
    return this.viewNow;
  }

  currentWeights(): Readonly<Record<string, number>> | null {
    return this.weights;
  }

  /** Span of history (ms) a check reads for `symbol`. */
  spanOf(symbol: string): number {
    const s = this.plan.settings;
    const base = s.lookbackDays * DAY_MS;
    return s.crossAsset.enabled && symbol === s.crossAsset.leader ? Math.max(base, s.crossAsset.lookbackCandles * s.crossAsset.timeframeMinutes * 60_000) : base;
  }

  /** Evaluates every check time up to the grid time of `t`; returns the rebalances made. */
  advance(t: number, source: CheckSource): RebalanceRecord[] {
    const made: RebalanceRecord[] = [];
    const until = this.gridAt(t);
    for (let at = this.nextCheck(); at <= until; at += this.checkMs) {
      const record = this.check(at, source);
      if (record) made.push(record);
    }
    return made;
  }

  private check(at: number, source: CheckSource): RebalanceRecord | null {
    const s = this.plan.settings;
    const first = Number.isNaN(this.lastCheck);
    const scheduled = !first && Math.floor(at / s.rebalance.everyMs) > Math.floor(this.lastCheck / s.rebalance.everyMs);
    this.lastCheck = at;
    this.checks++;
    const windows = new Map<string, SeriesWindow>();
    const windowOf = (symbol: string): SeriesWindow => {
      let w = windows.get(symbol);
      if (!w) {
        w = source.window(symbol, at - this.plan.settings.lookbackDays * DAY_MS, at);
        windows.set(symbol, w);
      }
      return w;
    };
    let record: RebalanceRecord | null = null;
    if (s.allocation.mode !== 'none' && (first || scheduled || s.rebalance.driftPct > 0)) {
      const target = this.targets(at, source, windowOf);
      const drift = this.weights ? Math.max(...this.presetIds.map((p) => Math.abs((target.weights[p] ?? 0) - (this.weights![p] ?? 0)))) * 100 : Number.POSITIVE_INFINITY;
      const reason: RebalanceReason | null = first ? 'initial' : scheduled ? 'schedule' : s.rebalance.driftPct > 0 && drift > s.rebalance.driftPct ? 'drift' : null;
      if (reason) {
        const inputs: RebalanceInputs = { ...target.inputs, ...(Number.isFinite(drift) ? { driftPct: drift } : {}) };
        record = { at, reason, mode: s.allocation.mode, weights: target.weights, previous: this.weights, inputs };
        this.weights = target.weights;
        this.rebalances.push(record);
      }
    }
    const correlation = this.plan.correlation ? this.correlations(windowOf) : null;
    const leader = s.crossAsset.enabled ? this.leader(at, source) : null;
    this.viewNow = { weights: this.weights, correlation, leader };
    return record;
  }

  private targets(at: number, source: CheckSource, windowOf: (symbol: string) => SeriesWindow): { weights: Record<string, number>; inputs: RebalanceInputs } {
    const a = this.plan.settings.allocation;
    const ids = this.presetIds;
    const bounded = (w: Record<string, number>): Record<string, number> => applyBounds(ids, w, a);
    switch (a.mode) {
      case 'fixed':
        return { weights: fixedWeights(ids, a.weights), inputs: {} };
      case 'equal':
      case 'none':
        return { weights: bounded(equalWeights(ids)), inputs: {} };
      case 'performance': {
        const trades = source.trades().filter((t) => t.exitTime + (this.plan.stepOf.get(t.symbol) ?? 0) <= at);
        const r = performanceWeights(ids, trades, a);
        return { weights: bounded(r.weights), inputs: { scores: r.scores, trades: r.trades } };
      }
      case 'riskParity':
        return this.riskParity(windowOf, bounded);
    }
  }

  private riskParity(windowOf: (symbol: string) => SeriesWindow, bounded: (w: Record<string, number>) => Record<string, number>): { weights: Record<string, number>; inputs: RebalanceInputs } {
    const a = this.plan.settings.allocation;
    const ids = this.presetIds;
    const symbolVol = new Map(this.symbols.map((sym) => [sym, a.volatility === 'atr' ? atrVolatility(windowOf(sym)) : realisedVolatility(windowOf(sym))]));
    const volatility: Record<string, number> = {};
    for (const p of this.plan.presets) {
      const vols = p.symbols.map((sym) => symbolVol.get(sym)!);
      volatility[p.id] = vols.reduce((x, y) => x + y, 0) / vols.length;
    }
    const unknown = ids.filter((p) => !(volatility[p]! > 0));
    if (unknown.length > 0) return { weights: bounded(equalWeights(ids)), inputs: { volatility, fallback: `no volatility yet for ${unknown.join(', ')}: equal weights` } };
    if (a.equalRiskContribution) {
      const cov = this.presetCovariance(windowOf);
      const erc = cov ? equalRiskContributionWeights(cov) : null;
      if (erc) return { weights: bounded(Object.fromEntries(ids.map((p, i) => [p, erc[i]!]))), inputs: { volatility } };
      return { weights: bounded(inverseVolatilityWeights(ids, volatility)), inputs: { volatility, fallback: 'covariance not usable: inverse volatility' } };
    }
    return { weights: bounded(inverseVolatilityWeights(ids, volatility)), inputs: { volatility } };
  }

  /** Covariance of the presets' returns, each preset an equal-weight basket of its symbols' returns. */
  private presetCovariance(windowOf: (symbol: string) => SeriesWindow): number[][] | null {
    const aligned = alignedReturns(this.symbols.map(windowOf));
    if (aligned.rows < MIN_OBSERVATIONS) return null;
    const index = new Map(this.symbols.map((s, i) => [s, i]));
    const baskets = this.presetIds.map((id) => {
      const symbols = this.plan.presets.find((p) => p.id === id)!.symbols;
      const out = new Float64Array(aligned.rows);
      for (let r = 0; r < aligned.rows; r++) {
        let sum = 0;
        for (const sym of symbols) sum += aligned.returns[index.get(sym)!]![r]!;
        out[r] = sum / symbols.length;
      }
      return out;
    });
    return covariance(baskets, aligned.rows);
  }

  private correlations(windowOf: (symbol: string) => SeriesWindow): CorrelationView {
    const aligned = alignedReturns(this.symbols.map(windowOf));
    const matrix = aligned.rows >= MIN_OBSERVATIONS ? correlationOf(covariance(aligned.returns, aligned.rows)) : this.symbols.map((_, i) => this.symbols.map((__, j) => (i === j ? 1 : Number.NaN)));
    return { threshold: this.plan.settings.correlationThreshold, symbols: this.symbols, matrix };
  }

  private leader(at: number, source: CheckSource): LeaderView {
    const c = this.plan.settings.crossAsset;
    const tf = c.timeframeMinutes * 60_000;
    const bucket = Math.floor(at / tf) * tf;
    if (!this.leaderCache || this.leaderCache.bucket !== bucket) {
      const regime = leaderRegime(source.window(c.leader, at - this.spanOf(c.leader), at), tf, at);
      this.leaderCache = { bucket, regime };
    }
    return { symbol: c.leader, timeframeMinutes: c.timeframeMinutes, regime: this.leaderCache.regime, rule: c.rule, presets: c.presets };
  }
}
