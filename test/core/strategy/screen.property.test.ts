import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/types.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../../../src/core/strategy/contract.ts';
import { getStrategy } from '../../../src/core/strategy/registry.ts';
import { syntheticCandles } from '../support/series.ts';
import { GOLDEN_RUNS } from './golden/goldenSeries.ts';
import { indicatorsAfter } from './fixtures.ts';

/**
 * screen() is the hot path's shortcut: it may answer false only when signal() would
 * certainly answer action 'none'. Held here against generated markets, generated (also
 * absurd) indicator values and generated thresholds, and shown to be useful: it turns away
 * most candles of an ordinary market.
 */

/** Threshold params each strategy's screen reads, with ranges its schema accepts. */
const THRESHOLDS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  range: {
    adxMax: fc.double({ min: 21, max: 100, noNaN: true }),
    entryZone: fc.double({ min: 0, max: 0.5, noNaN: true }),
    boxEdgeZone: fc.double({ min: 0, max: 0.5, noNaN: true }),
    target: fc.constantFrom('middle', 'opposite'),
    minRewardRisk: fc.double({ min: 0.1, max: 5, noNaN: true }),
  },
  multiTimeframe: {
    minTrendAtr: fc.double({ min: 0, max: 1.9, noNaN: true }),
    pullbackRsiLong: fc.double({ min: 5, max: 50, noNaN: true }),
    pullbackRsiShort: fc.double({ min: 50, max: 95, noNaN: true }),
    takeProfitR: fc.double({ min: 0.1, max: 5, noNaN: true }),
    minRewardRisk: fc.double({ min: 0.1, max: 5, noNaN: true }),
  },
  volumeVwap: {
    deviationMode: fc.constantFrom('std', 'pct'),
    deviationStd: fc.double({ min: 0.1, max: 10, noNaN: true }),
    deviationPct: fc.double({ min: 0.01, max: 5, noNaN: true }),
    stdFloorAtr: fc.double({ min: 0, max: 10, noNaN: true }),
    minSessionCandles: fc.integer({ min: 1, max: 200 }),
    minVolumeRatio: fc.double({ min: 0, max: 5, noNaN: true }),
    minRewardRisk: fc.double({ min: 0.1, max: 5, noNaN: true }),
  },
};

const TYPES = ['range', 'multiTimeframe', 'volumeVwap'] as const;

function definition(type: string): AnyStrategyDefinition & { screen: NonNullable<AnyStrategyDefinition['screen']> } {
  const def = getStrategy(type);
  if (!def?.screen) throw new Error(`${type} has no screen()`);
  return def as AnyStrategyDefinition & { screen: NonNullable<AnyStrategyDefinition['screen']> };
}

/** Params: the defaults with some thresholds replaced; combinations the schema rejects are skipped. */
function paramsArbitrary(type: string): fc.Arbitrary<unknown> {
  const def = definition(type);
  return fc.record(THRESHOLDS[type]!, { requiredKeys: [] }).map((overrides) => def.paramsSchema.safeParse(overrides)).filter((r) => r.success).map((r) => r.data);
}

/** A market: regime, scale and a few broken or flat candles. */
const marketArbitrary = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    count: fc.integer({ min: 150, max: 700 }),
    theta: fc.constantFrom(0, 0.01, 0.05),
    volatility: fc.constantFrom(0.0005, 0.002, 0.006),
    drift: fc.constantFrom(-0.0005, 0, 0.0005),
    startPrice: fc.constantFrom(0.05, 100, 30_000),
    flatFrom: fc.integer({ min: 0, max: 600 }),
    broken: fc.array(fc.integer({ min: 0, max: 699 }), { maxLength: 4 }),
  })
  .map((m): Candle[] =>
    syntheticCandles(m).map((c, i) => {
      if (m.broken.includes(i)) return { ...c, close: Number.NaN };
      if (i >= m.flatFrom && i < m.flatFrom + 40) return { ...c, open: m.startPrice, high: m.startPrice, low: m.startPrice, close: m.startPrice, volume: i % 2 ? 0 : c.volume };
      return c;
    }),
  );

/** Feeds the candles and checks screen() against signal() on every candle that has indicators. */
function holdsOnMarket(def: ReturnType<typeof definition>, params: unknown, candles: readonly Candle[]): { decided: number; screenedOut: number } {
  let state = def.initState(params);
  let decided = 0;
  let screenedOut = 0;
  for (const candle of candles) {
    state = def.update(state, candle, params);
    const ind = def.indicators(state, params);
    if (ind === null) continue;
    decided++;
    if (def.screen(ind, params)) continue;
    screenedOut++;
    const d = def.signal(ind, params);
    if (d.action !== 'none') throw new Error(`screen() said no at ${candle.start}, signal() said ${d.action}: ${d.reason}`);
  }
  return { decided, screenedOut };
}

/** Any number, including the ones that break arithmetic, and values right at the params' thresholds. */
function valueArbitrary(original: number, params: Record<string, unknown>): fc.Arbitrary<number> {
  const thresholds = Object.values(params).filter((v): v is number => typeof v === 'number');
  return fc.oneof(
    fc.constant(original),
    fc.double({ min: -0.5, max: 0.5, noNaN: true }).map((k) => original * (1 + k)),
    fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 0.5, 1, 50, 100),
    fc.constantFrom(...thresholds),
  );
}

type Params = Record<string, number | string>;

/**
 * Indicator values placed exactly on each veto's threshold (where `<` and `<=` part ways),
 * built so the derived quantity lands on it without rounding: a screen that is one ulp too
 * eager fails here. `x` is a free value in [0, 1] for the rest.
 */
const AT_THRESHOLDS: Record<string, (p: Params, x: number) => IndicatorResult[]> = {
  range: (p, x) => {
    const zone = p.entryZone as number;
    const box = p.boxEdgeZone as number;
    const base = { bbUpper: 2, bbMiddle: 1, bbLower: 0.5, donchianUpper: 1, donchianLower: 0, adx: p.adxMax as number, plusDI: 20, minusDI: 20, rsi: 30, atr: 0.01, volumeRatio: 1, open: 0.5, high: 0.6, low: 0.4 };
    return [
      { candleStart: 0, close: box, values: { ...base, percentB: zone } },
      { candleStart: 0, close: box, values: { ...base, adx: (p.adxMax as number) * x, percentB: zone } },
      { candleStart: 0, close: 1 - box, values: { ...base, adx: (p.adxMax as number) * x, percentB: 1 - zone } },
      { candleStart: 0, close: box, values: { ...base, adx: (p.adxMax as number) * x, percentB: x * zone } },
    ];
  },
  multiTimeframe: (p, x) => {
    const trend = p.minTrendAtr as number;
    const base = { htfSlowEma: 0, atr: 1, open: 1, high: 1.2, low: 0.8 };
    return [
      { candleStart: 0, close: 1, values: { ...base, htfFastEma: trend, rsi: p.pullbackRsiLong as number } },
      { candleStart: 0, close: 1, values: { ...base, htfFastEma: -trend, rsi: p.pullbackRsiShort as number } },
      { candleStart: 0, close: 1, values: { ...base, htfFastEma: trend + x, rsi: (p.pullbackRsiLong as number) * x } },
    ];
  },
  volumeVwap: (p, x) => {
    const threshold = (p.deviationMode === 'std' ? p.deviationStd : p.deviationPct) as number;
    // std mode: mean 0 and unit 1, so the deviation is the close; pct mode: mean 100, so it is close - 100.
    const std = p.deviationMode === 'std';
    const base = { vwap: std ? 0 : 100, vwapStdDev: 1, sessionCandles: p.minSessionCandles as number, volumeRatio: p.minVolumeRatio as number, atr: 1e-9, open: 1, high: 1, low: 1 };
    const close = std ? threshold : 100 + threshold;
    return [
      { candleStart: 0, close, values: { ...base, high: close * 1.01, low: close * 0.5 } },
      { candleStart: 0, close, values: { ...base, volumeRatio: (p.minVolumeRatio as number) + x, high: close, low: close * x } },
    ];
  },
};

describe.each(TYPES)('%s: screen() is false only when signal() answers none', (type) => {
  const def = definition(type);

  it('on generated markets, with default, golden and generated params', () => {
    const named = GOLDEN_RUNS.filter((r) => r.type === type).map((r) => def.paramsSchema.parse(r.params) as unknown);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...named), paramsArbitrary(type)), marketArbitrary, (params, candles) => {
        holdsOnMarket(def, params, candles);
      }),
      { numRuns: 60 },
    );
  });

  it('on generated indicator values (NaN, infinities, missing values, thresholds)', () => {
    const params = def.paramsSchema.parse({}) as Record<string, unknown>;
    const base = indicatorsAfter(def, params, syntheticCandles({ seed: 31, count: 600 }))!;
    const names = Object.keys(base.values);
    const valuesArbitrary = fc.record(Object.fromEntries(names.map((n) => [n, valueArbitrary(base.values[n]!, params)])), { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.constant(params), paramsArbitrary(type)), valuesArbitrary, valueArbitrary(base.close, params), (p, values, close) => {
        const ind: IndicatorResult = { candleStart: base.candleStart, close, values: values as Record<string, number> };
        if (!def.screen(ind, p)) expect(def.signal(ind, p).action).toBe('none');
      }),
      { numRuns: 3000 },
    );
  });

  it('exactly on every veto threshold', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(def.paramsSchema.parse({})), paramsArbitrary(type)), fc.double({ min: 0, max: 1, noNaN: true }), (p, x) => {
        for (const ind of AT_THRESHOLDS[type]!(p as Params, x)) {
          if (!def.screen(ind, p)) expect(def.signal(ind, p).action, JSON.stringify(ind)).toBe('none');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is useful: it turns away most candles of an ordinary market and lets every signal through', () => {
    const params = def.paramsSchema.parse({});
    let decided = 0;
    let screenedOut = 0;
    for (const seed of [41, 42, 43]) {
      const r = holdsOnMarket(def, params, syntheticCandles({ seed, count: 3_000, theta: 0.03, volatility: 0.002 }));
      decided += r.decided;
      screenedOut += r.screenedOut;
    }
    expect(decided).toBeGreaterThan(8_000);
    expect(screenedOut / decided).toBeGreaterThan(0.75);
  });
});
