import { z } from 'zod';
import { DEFAULT_REGIME_SETTINGS, MARKET_REGIMES, REGIME_CODE, type MarketRegime, type RegimeSettings } from '../indicators/regime.ts';
import { clamp, roundScore } from './contract.ts';

/**
 * Per-preset confluence settings (backlog D1.2: A/B tests of confluence settings need them
 * configurable). Every strategy's params take two optional blocks; absent, the strategy
 * decides exactly as before (the decision golden holds the defaults to that):
 *
 *   confluence:
 *     weights: { <factor>: w, ... }      all three factors, normalised to sum 1 (default: the strategy's)
 *     thresholds: { <factor>: t }        a factor below its threshold vetoes the entry
 *     minScore: 0.5                      an entry scoring below this is not taken (risk.minScore still applies)
 *     sizing: { curve: linear|flat|power, exponent: 2, min: 0 }
 *                                        score -> size multiplier: linear = the score (the default
 *                                        behaviour), flat = 1, power = score^exponent; never below min
 *   regime:
 *     allow: [ranging, volatile, ...]    the filter: entries only in these regimes (unknown never passes)
 *     weight: 0.3                        the factor: score = 0.1 + 0.9 x ((1 - w) x weighted factors + w x fit)
 *     fit: { ranging, withTrend, againstTrend, volatile }
 *                                        how well each regime suits the strategy, 0..1 (defaults per strategy);
 *                                        withTrend = trending in the entry's direction
 *     adxPeriod, trendAdx, ...           the classifier's settings (src/core/indicators/regime.ts)
 */

export type FactorNames = readonly [string, string, string];

export const SIZING_CURVES = ['linear', 'flat', 'power'] as const;

const unit = z.number().min(0).max(1);

export function confluenceSchema(names: FactorNames) {
  const weights = z.strictObject({ [names[0]]: unit, [names[1]]: unit, [names[2]]: unit } as Record<string, typeof unit>).refine((w) => Object.values(w).some((v) => v > 0), {
    message: 'at least one weight must be above 0',
  });
  const thresholds = z.strictObject({ [names[0]]: unit.optional(), [names[1]]: unit.optional(), [names[2]]: unit.optional() } as Record<string, z.ZodOptional<typeof unit>>);
  return z
    .strictObject({
      weights: weights.optional(),
      thresholds: thresholds.optional(),
      minScore: z.number().min(0.1).max(1).optional(),
      sizing: z
        .strictObject({
          curve: z.enum(SIZING_CURVES).default('linear'),
          exponent: z.number().min(0.1).max(10).default(2),
          min: unit.default(0),
        })
        .optional(),
    })
    .optional();
}

export const REGIME_FIT_KEYS = ['ranging', 'withTrend', 'againstTrend', 'volatile'] as const;
export type RegimeFit = Readonly<Record<(typeof REGIME_FIT_KEYS)[number], number>>;

const period = (v: number) => z.number().int().min(2).max(500).default(v);
const d = DEFAULT_REGIME_SETTINGS;

export const RegimeParamsSchema = z
  .strictObject({
    allow: z.array(z.enum(MARKET_REGIMES)).min(1).optional(),
    weight: unit.default(0),
    fit: z.strictObject({ ranging: unit.optional(), withTrend: unit.optional(), againstTrend: unit.optional(), volatile: unit.optional() }).optional(),
    adxPeriod: period(d.adxPeriod),
    trendAdx: z.number().min(0).max(100).default(d.trendAdx),
    atrPeriod: period(d.atrPeriod),
    atrLookback: period(d.atrLookback),
    volatileAtrPercentile: z.number().min(0).max(100).default(d.volatileAtrPercentile),
    volPeriod: period(d.volPeriod),
    volLookback: period(d.volLookback),
    volatileVolRatio: z.number().min(0).max(100).default(d.volatileVolRatio),
  })
  .optional();

export type ConfluenceParams = z.infer<ReturnType<typeof confluenceSchema>>;
export type RegimeParams = z.infer<typeof RegimeParamsSchema>;

/** The two optional blocks, to spread into a strategy's params shape. */
export function confluenceParamsShape(names: FactorNames) {
  return { confluence: confluenceSchema(names), regime: RegimeParamsSchema };
}

/** Classifier settings of a preset's regime block (defaults for anything unset). */
export function regimeSettingsOf(regime: RegimeParams | undefined): RegimeSettings {
  if (!regime) return DEFAULT_REGIME_SETTINGS;
  const { adxPeriod, trendAdx, atrPeriod, atrLookback, volatileAtrPercentile, volPeriod, volLookback, volatileVolRatio } = regime;
  return { adxPeriod, trendAdx, atrPeriod, atrLookback, volatileAtrPercentile, volPeriod, volLookback, volatileVolRatio };
}

export interface SizingRule {
  readonly curve: (typeof SIZING_CURVES)[number];
  readonly exponent: number;
  readonly min: number;
}

/** The settings of one preset, resolved once: what tradeOrNone applies on top of the strategy's own decision. */
export interface ConfluenceRules {
  readonly weights: readonly [number, number, number];
  readonly thresholds: readonly [number, number, number] | null;
  readonly minScore: number | null;
  readonly sizing: SizingRule | null;
  /** REGIME_CODEs the filter lets through; null = no filter. */
  readonly allow: readonly number[] | null;
  readonly regimeWeight: number;
  readonly fit: RegimeFit;
}

/** score -> size multiplier in (0, 1]; the risk layer sizes with it instead of the score. */
export function sizeFactorOf(rule: SizingRule, score: number): number {
  const s = clamp(score, 0, 1);
  const raw = rule.curve === 'flat' ? 1 : rule.curve === 'power' ? s ** rule.exponent : s;
  return clamp(Math.max(rule.min, raw), 0, 1);
}

/** Fit of a regime (REGIME_CODE) for an entry on `side`; unknown regimes fit 0. */
export function regimeFitOf(fit: RegimeFit, code: number, side: 'long' | 'short'): number {
  if (code === REGIME_CODE.ranging) return fit.ranging;
  if (code === REGIME_CODE.volatile) return fit.volatile;
  if (code === REGIME_CODE.trendingUp) return side === 'long' ? fit.withTrend : fit.againstTrend;
  if (code === REGIME_CODE.trendingDown) return side === 'short' ? fit.withTrend : fit.againstTrend;
  return 0;
}

/** The confluence score with the regime fit blended in with weight w (w = 0: confluenceScore exactly). */
export function scoreWithRegime(values: readonly number[], weights: readonly number[], fit: number, w: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += clamp(values[i] ?? 0, 0, 1) * (weights[i] ?? 0);
  return roundScore(clamp(0.1 + 0.9 * ((1 - w) * sum + w * clamp(fit, 0, 1)), 0.1, 1));
}

interface PresetBlocks {
  readonly confluence?: ConfluenceParams;
  readonly regime?: RegimeParams;
}

const cache = new WeakMap<object, ConfluenceRules | null>();

/**
 * The rules of a preset's params, or null when it sets neither block (the strategy's own
 * behaviour, untouched). Resolved once per params object (a kernel keeps its params).
 */
export function rulesOf(names: FactorNames, weights: readonly [number, number, number], defaultFit: RegimeFit, params: PresetBlocks): ConfluenceRules | null {
  const hit = cache.get(params);
  if (hit !== undefined) return hit;
  const c = params.confluence;
  const r = params.regime;
  let rules: ConfluenceRules | null = null;
  if (c || r) {
    const w = c?.weights ? names.map((n) => c.weights![n] ?? 0) : [...weights];
    const total = w.reduce((a, b) => a + b, 0);
    const thresholds = c?.thresholds ? (names.map((n) => c.thresholds![n] ?? 0) as [number, number, number]) : null;
    rules = {
      weights: (c?.weights ? w.map((x) => x / total) : w) as [number, number, number],
      thresholds,
      minScore: c?.minScore ?? null,
      sizing: c?.sizing ?? null,
      allow: r?.allow ? r.allow.map((label: MarketRegime) => REGIME_CODE[label]) : null,
      regimeWeight: r?.weight ?? 0,
      fit: { ...defaultFit, ...(r?.fit ?? {}) } as RegimeFit,
    };
  }
  cache.set(params, rules);
  return rules;
}
