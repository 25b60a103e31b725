import { z } from 'zod';
import { ALLOCATION_MODES } from '../src/core/portfolio/types.ts';
import { PresetIdSchema, SymbolSchema } from './fields.ts';

/** The `portfolio` section of the configuration schema (config/schema.ts) and its cross-section checks. */

const presetId = PresetIdSchema;
const positiveMs = z.number().int().positive();
const weightPct = z.number().min(0).max(100);

/** Portfolio allocation (README, "Portfolio allocation"): budgets per preset, rebalancing, correlated exposure, the cross-asset filter. */
export const PortfolioSchema = z.strictObject({
  allocation: z
    .strictObject({
      /** none: every preset sizes from the whole equity (no budgets); fixed, equal, riskParity, performance: a capital budget per preset. */
      mode: z.enum(ALLOCATION_MODES).default('none'),
      /** fixed: weight per preset id (normalised; a preset not listed gets no budget). */
      weights: z.record(presetId, z.number().nonnegative()).default({}),
      /** riskParity: each preset's volatility from realised log returns or from ATR%. */
      volatility: z.enum(['realised', 'atr']).default('realised'),
      /** riskParity: equal risk contributions with the covariance of the presets' returns instead of inverse volatility. */
      equalRiskContribution: z.boolean().default(false),
      /** performance: rolling expectancy (mean return per trade) or Sharpe (mean / stdev per trade). */
      performanceMetric: z.enum(['expectancy', 'sharpe']).default('sharpe'),
      /** performance: the newest closed trades of a preset that are scored. */
      performanceTrades: z.number().int().min(2).max(1000).default(30),
      /** performance: a preset with fewer closed trades keeps a neutral (equal) weight. */
      minTrades: z.number().int().min(1).max(1000).default(5),
      /** performance: shrinkage towards equal weight (0: scores alone, 1: equal). */
      shrinkage: z.number().min(0).max(1).default(0.5),
      /** Bounds of every preset's weight in % (equal, riskParity, performance). */
      floorPct: weightPct.default(0),
      ceilingPct: weightPct.default(100),
      /** Per-preset bounds overriding floorPct / ceilingPct. */
      bounds: z.record(presetId, z.strictObject({ floorPct: weightPct.optional(), ceilingPct: weightPct.optional() })).default({}),
    })
    .prefault({}),
  /** Days of candles behind volatilities, covariances and correlations. */
  lookbackDays: z.number().positive().max(365).default(30),
  rebalance: z
    .strictObject({
      /** Scheduled rebalance every this many ms, aligned to the epoch (86400000: daily at 00:00 UTC). */
      everyMs: positiveMs.default(86_400_000),
      /** Also rebalance when a target weight drifts from the current one by more than this many percentage points (0: off). */
      driftPct: z.number().min(0).max(100).default(0),
      /** The book is checked on this grid (targets for drift, correlations, the leader's regime); everyMs must be a multiple. */
      checkMs: positiveMs.min(60_000).default(3_600_000),
    })
    .prefault({}),
  /**
   * A rebalance that cuts a sleeve's budget below the initial margin its open position uses
   * reduces that position (reduce-only market order of the excess); false (default): open
   * positions keep their size and the new budgets apply to the next entries.
   */
  resizeOpen: z.boolean().default(false),
  /** Same-direction positions in symbols whose return correlation is at or above this count together (risk.maxCorrelatedExposurePct). */
  correlationThreshold: z.number().min(-1).max(1).default(0.7),
  crossAsset: z
    .strictObject({
      /** An alt preset trades only with (or not against) the leader's higher-timeframe regime. */
      enabled: z.boolean().default(false),
      leader: SymbolSchema.default('BTCUSDT'),
      /** Higher timeframe of the leader's regime, in minutes (a multiple of the leader's candle interval). */
      timeframeMinutes: z.number().int().positive().max(43_200).default(240),
      /** notAgainst: no long in a down trend, no short in an up trend; with: longs only in an up trend, shorts only in a down trend. */
      rule: z.enum(['notAgainst', 'with']).default('notAgainst'),
      /** Presets the rule applies to; empty: every preset (never on the leader itself). */
      presets: z.array(presetId).default([]),
      /** Higher-timeframe candles the regime is classified over (the classifier needs about 200 to warm up). */
      lookbackCandles: z.number().int().min(30).max(2_000).default(300),
    })
    .prefault({}),
});


/** Cross-section checks of the portfolio section (presets it names, the leader, the grid). */
export function portfolioIssues(config: { readonly strategies: readonly { readonly id: string; readonly enabled: boolean; readonly symbols: readonly string[] }[]; readonly portfolio: z.infer<typeof PortfolioSchema> }): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const p = config.portfolio;
  const ids = new Set(config.strategies.map((s) => s.id));
  if (p.rebalance.everyMs % p.rebalance.checkMs !== 0) issues.push({ path: ['portfolio', 'rebalance', 'everyMs'], message: `must be a multiple of portfolio.rebalance.checkMs (${p.rebalance.checkMs})` });
  for (const id of Object.keys(p.allocation.weights)) if (!ids.has(id)) issues.push({ path: ['portfolio', 'allocation', 'weights', id], message: `no preset "${id}"` });
  for (const id of Object.keys(p.allocation.bounds)) if (!ids.has(id)) issues.push({ path: ['portfolio', 'allocation', 'bounds', id], message: `no preset "${id}"` });
  if (p.allocation.mode === 'fixed' && !config.strategies.some((s) => s.enabled && (p.allocation.weights[s.id] ?? 0) > 0)) {
    issues.push({ path: ['portfolio', 'allocation', 'weights'], message: 'mode "fixed" needs a positive weight for at least one enabled preset' });
  }
  if (p.resizeOpen && p.allocation.mode === 'none') issues.push({ path: ['portfolio', 'resizeOpen'], message: 'needs a portfolio.allocation.mode other than "none": without budgets there is nothing to resize to' });
  if (p.allocation.floorPct > p.allocation.ceilingPct) issues.push({ path: ['portfolio', 'allocation', 'floorPct'], message: 'must be <= portfolio.allocation.ceilingPct' });
  if (p.crossAsset.enabled && !config.strategies.some((s) => s.enabled && s.symbols.includes(p.crossAsset.leader))) {
    issues.push({ path: ['portfolio', 'crossAsset', 'leader'], message: `${p.crossAsset.leader} is traded by no enabled preset: its candles are read through the presets' intervals` });
  }
  for (const id of p.crossAsset.presets) if (!ids.has(id)) issues.push({ path: ['portfolio', 'crossAsset', 'presets'], message: `no preset "${id}"` });
  return issues;
}
