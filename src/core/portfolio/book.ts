import { DAY_MS } from '../data/utcTime.ts';
import type { RegimeLabel } from '../indicators/regime.ts';
import { leaderRegime } from './leader.ts';
import { alignedReturns, atrVolatility, correlationOf, covariance, MIN_OBSERVATIONS, realisedVolatility, type SeriesWindow } from './series.ts';
import type { AllocationView, CorrelationView, LeaderView, PortfolioSettings, PresetTrade, RebalanceInputs, RebalanceReason, RebalanceRecord, ResizeOrder } from './types.ts';
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
 * open positions keep their size unless portfolio.resizeOpen (core/portfolio/resize.ts).
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

/** Budget key of one preset on one symbol: the strategy actor's id. */
export function sleeveKey(symbol: string, presetId: string): string {
  return `${symbol}:${presetId}`;
}

interface Target {
  /** Per preset (sum 1). */
  readonly weights: Record<string, number>;
  /** Per sleeve (symbol x preset, sum 1): what sizing uses. */
  readonly sleeves: Record<string, number>;
  readonly inputs: RebalanceInputs;
}

export class PortfolioBook {
  readonly presetIds: readonly string[];
  readonly symbols: readonly string[];
  private lastCheck = Number.NaN;
  private weights: Record<string, number> | null = null;
  private sleeves: Record<string, number> | null = null;
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

  /**
   * Attaches the reductions of open positions a driver decided for `record`
   * (portfolio.resizeOpen) to the book's copy of it; returns the record with them.
   */
  noteResized(record: RebalanceRecord, resized: readonly ResizeOrder[]): RebalanceRecord {
    const withResize: RebalanceRecord = { ...record, resized };
    const i = this.rebalances.lastIndexOf(record);
    if (i >= 0) this.rebalances[i] = withResize;
    return withResize;
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
      const current = this.sleeves;
      const drift = current ? Math.max(...Object.keys(target.sleeves).map((k) => Math.abs(target.sleeves[k]! - (current[k] ?? 0)))) * 100 : Number.POSITIVE_INFINITY;
      const reason: RebalanceReason | null = first ? 'initial' : scheduled ? 'schedule' : s.rebalance.driftPct > 0 && drift > s.rebalance.driftPct ? 'drift' : null;
      if (reason) {
        const inputs: RebalanceInputs = { ...target.inputs, ...(Number.isFinite(drift) ? { driftPct: drift } : {}) };
        record = { at, reason, mode: s.allocation.mode, weights: target.weights, sleeves: target.sleeves, previous: this.weights, inputs };
        this.weights = target.weights;
        this.sleeves = target.sleeves;
        this.rebalances.push(record);
      }
    }
    const correlation = this.plan.correlation ? this.correlations(windowOf) : null;
    const leader = s.crossAsset.enabled ? this.leader(at, source) : null;
    this.viewNow = { weights: this.sleeves, correlation, leader };
    return record;
  }

  private targets(at: number, source: CheckSource, windowOf: (symbol: string) => SeriesWindow): Target {
    const a = this.plan.settings.allocation;
    const ids = this.presetIds;
    switch (a.mode) {
      case 'fixed':
        return this.target(fixedWeights(ids, a.weights), {});
      case 'equal':
      case 'none':
        return this.target(applyBounds(ids, equalWeights(ids), a), {});
      case 'performance': {
        const trades = source.trades().filter((t) => t.exitTime + (this.plan.stepOf.get(t.symbol) ?? 0) <= at);
        const r = performanceWeights(ids, trades, a);
        return this.target(applyBounds(ids, r.weights, a), { scores: r.scores, trades: r.trades });
      }
      case 'riskParity':
        return this.riskParity(windowOf);
    }
  }

  /** Preset weights split evenly over each preset's symbols (its sleeves). */
  private target(weights: Record<string, number>, inputs: RebalanceInputs, sleeves?: Record<string, number>): Target {
    const split: Record<string, number> = {};
    for (const p of this.plan.presets) for (const sym of p.symbols) split[sleeveKey(sym, p.id)] = sleeves?.[sleeveKey(sym, p.id)] ?? (weights[p.id] ?? 0) / p.symbols.length;
    return { weights, sleeves: split, inputs };
  }

  /**
   * Risk parity over the instruments: each symbol's weight from its volatility (inverse
   * volatility, or equal risk contributions with the covariance of the symbols' returns),
   * shared evenly by the presets trading it; a preset's weight is the sum of its sleeves,
   * bounded by the floors and ceilings (its sleeves scaled with it).
   */
  private riskParity(windowOf: (symbol: string) => SeriesWindow): Target {
    const a = this.plan.settings.allocation;
    const ids = this.presetIds;
    const syms = this.symbols;
    const volatility: Record<string, number> = {};
    for (const sym of syms) volatility[sym] = a.volatility === 'atr' ? atrVolatility(windowOf(sym)) : realisedVolatility(windowOf(sym));
    const unknown = syms.filter((sym) => !(volatility[sym]! > 0));
    if (unknown.length > 0) return this.target(applyBounds(ids, equalWeights(ids), a), { volatility, fallback: `no volatility yet for ${unknown.join(', ')}: equal weights` });
    let symbolWeights = inverseVolatilityWeights(syms, volatility);
    let fallback: string | undefined;
    if (a.equalRiskContribution) {
      const aligned = alignedReturns(syms.map(windowOf));
      const erc = aligned.rows >= MIN_OBSERVATIONS ? equalRiskContributionWeights(covariance(aligned.returns, aligned.rows)) : null;
      if (erc) symbolWeights = Object.fromEntries(syms.map((sym, i) => [sym, erc[i]!]));
      else fallback = 'covariance not usable: inverse volatility';
    }
    const users = new Map(syms.map((sym) => [sym, this.plan.presets.filter((p) => p.symbols.includes(sym)).length]));
    const sleeves: Record<string, number> = {};
    const presetWeights: Record<string, number> = {};
    for (const p of this.plan.presets) {
      for (const sym of p.symbols) {
        const w = symbolWeights[sym]! / users.get(sym)!;
        sleeves[sleeveKey(sym, p.id)] = w;
        presetWeights[p.id] = (presetWeights[p.id] ?? 0) + w;
      }
    }
    const bounded = applyBounds(ids, presetWeights, a);
    for (const p of this.plan.presets) {
      const scale = presetWeights[p.id]! > 0 ? bounded[p.id]! / presetWeights[p.id]! : 0;
      for (const sym of p.symbols) sleeves[sleeveKey(sym, p.id)] = sleeves[sleeveKey(sym, p.id)]! * scale;
    }
    return this.target(bounded, { volatility, ...(fallback ? { fallback } : {}) }, sleeves);
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
