import { describe, expect, it } from 'vitest';
import { StrategyKernel, type KernelSpec } from '../../../src/core/kernel/kernel.ts';
import { convergedWarmup, forgetSeed } from '../../../src/core/kernel/warmup.ts';
import { validateCandles } from '../../../src/core/data/validate.ts';
import { evaluateSignal } from '../../../src/core/strategy/runner.ts';
import { getStrategy } from '../../../src/core/strategy/registry.ts';
import type { AnyStrategyDefinition } from '../../../src/core/strategy/contract.ts';
import type { Candle } from '../../../src/domain/types.ts';
import { indicatorsAfter } from '../strategy/fixtures.ts';
import { regimeSeries } from '../../../src/core/indicators/regime.ts';
import { MIN, relDiff, syntheticCandles } from '../support/series.ts';

const risk = { riskPerTradePct: 1, minRewardRisk: 1.5, maxLeverage: 5, maxPositionPct: 100, maxTotalExposurePct: 250, maxOpenPositions: 3, dailyLossLimitPct: 5, minScore: 0.3 };
const def = (type: string): AnyStrategyDefinition => getStrategy(type)!;
const params = (type: string, extra: Record<string, unknown> = {}) => def(type).paramsSchema.parse(extra) as KernelSpec['params'];

function kernel(type: string, extra: Record<string, unknown> = {}): StrategyKernel {
  return new StrategyKernel({ definition: def(type), params: params(type, extra), symbol: 'BTCUSDT', presetId: `${type}-1`, risk, maxStalenessMs: 300_000 });
}

const series = (count: number, seed = 7) => syntheticCandles({ seed, count, intervalMs: 5 * MIN, startPrice: 100, theta: 0.02, volatility: 0.003 });
const feed = (k: StrategyKernel, rows: readonly Candle[]) => rows.forEach((c) => k.ingestCandle(c));
const endOf = (rows: readonly Candle[]) => rows[rows.length - 1]!.start + 5 * MIN;

describe('warm-up that converges', () => {
  it('sizes the history from the smoothing constants', () => {
    expect(forgetSeed(1 / 14)).toBe(280);
    expect(convergedWarmup(def('range'), params('range'))).toBe(2 * (14 + 280) + 1);
    expect(convergedWarmup(def('multiTimeframe'), params('multiTimeframe'))).toBe(3 * (21 + forgetSeed(2 / 22) + 1));
    expect(convergedWarmup(def('volumeVwap'), params('volumeVwap'))).toBe(14 + 280 + 1);
    expect(kernel('volumeVwap').warmupCandles).toBe(299); // the 300-candle window minus the forming one is longer
  });

  it.each(['range', 'multiTimeframe', 'volumeVwap'])('%s: two kernels seeded at different points agree to 1e-9 after the warm-up', (type) => {
    const rows = series(3000);
    const a = kernel(type);
    const b = kernel(type);
    const late = rows.length - a.warmupCandles;
    feed(a, rows);
    feed(b, rows.slice(late - (late % 3)));
    const va = a.indicators()!.values;
    const vb = b.indicators()!.values;
    for (const key of Object.keys(va)) expect(relDiff(va[key]!, vb[key]!), key).toBeLessThan(1e-9);
  });
});

describe('strategy kernel', () => {
  it('decides on a clean series exactly as the strategy does on the same candles', () => {
    const rows = series(800);
    const k = kernel('range');
    feed(k, rows);
    const evaluation = k.evaluate(endOf(rows), true);
    expect(evaluation.kind).toBe('signal');
    const expected = evaluateSignal({ definition: def('range'), params: params('range'), indicators: indicatorsAfter(def('range'), params('range'), rows), candles: rows, degraded: false, strategyId: 'range-1', symbol: 'BTCUSDT', regime: k.regime });
    if (evaluation.kind === 'signal') expect(evaluation.signal).toEqual(expected);
  });

  it('restarts the indicators after a gap, and degrades the window until the gap has left it', () => {
    const rows = series(900);
    const withGap = [...rows.slice(0, 400), ...rows.slice(405)];
    const k = kernel('range');
    feed(k, withGap.slice(0, 400 + 150));
    const mid = k.evaluate(endOf(withGap.slice(0, 550)), true);
    expect(mid.kind === 'signal' && mid.degraded).toBe(true);
    feed(k, withGap.slice(550));
    // The window (199 rows) is clean again; the state is the series after the gap only.
    expect(k.verdict(endOf(withGap)).ok).toBe(true);
    expect(k.indicators()).toEqual(indicatorsAfter(def('range'), params('range'), withGap.slice(400)));
  });

  it('drops a bad row (the hole restarts the indicators) and runs the fallback over the repaired window meanwhile', () => {
    const rows = series(700);
    const bad = rows.map((c, i) => (i === 650 ? { ...c, close: Number.NaN } : c));
    const k = kernel('range');
    feed(k, bad);
    const evaluation = k.evaluate(endOf(bad), true);
    expect(evaluation.kind === 'signal' && evaluation.degraded).toBe(true);
    const window = bad.slice(-199);
    const repaired = validateCandles(window, { intervalMs: 5 * MIN, now: endOf(bad), maxStalenessMs: 300_000, minCandles: 48 });
    expect(repaired.ok).toBe(false);
    if (evaluation.kind === 'signal') {
      const expected = evaluateSignal({ definition: def('range'), params: params('range'), indicators: null, candles: repaired.candles, degraded: true, strategyId: 'range-1', symbol: 'BTCUSDT', regime: k.regime });
      expect(evaluation.signal).toEqual(expected);
    }
    expect(k.indicators()).toEqual(indicatorsAfter(def('range'), params('range'), rows.slice(651)));
  });

  it('stamps every signal with the regime of its own classifier, which restarts with the indicators after a gap', () => {
    const rows = series(900);
    const k = kernel('range');
    feed(k, rows);
    expect(k.regime).toBe(regimeSeries(rows).at(-1));
    const evaluation = k.evaluate(endOf(rows), true);
    expect(evaluation.kind === 'signal' && evaluation.signal.regime).toBe(k.regime);
    const withGap = [...rows.slice(0, 800), ...rows.slice(805)];
    const g = kernel('range');
    feed(g, withGap);
    expect(g.regime).toBe('unknown'); // 95 rows since the gap: the classifier is warming up again
  });

  it('ignores a duplicate and an out-of-order row for the indicators', () => {
    const rows = series(600);
    const k = kernel('range');
    feed(k, rows.slice(0, 500));
    k.ingestCandle(rows[499]!);
    k.ingestCandle(rows[450]!);
    feed(k, rows.slice(500));
    expect(k.indicators()).toEqual(indicatorsAfter(def('range'), params('range'), rows));
    const verdict = k.verdict(endOf(rows));
    expect(verdict.ok ? [] : verdict.reasons).toEqual(['OUT_OF_ORDER', 'DUPLICATE']);
  });

  it('skips flat stretches as unusable but keeps feeding the indicators', () => {
    const rows = series(600).map((c, i) => (i >= 300 ? { ...c, open: 100, high: 100, low: 100, close: 100 } : c));
    const k = kernel('range');
    feed(k, rows);
    const evaluation = k.evaluate(endOf(rows), true);
    expect(evaluation.kind === 'skip' && evaluation.verdict.primary).toBe('ALL_FLAT');
    expect(k.indicators()).toEqual(indicatorsAfter(def('range'), params('range'), rows));
  });

  it('judges staleness against the decision time', () => {
    const rows = series(600);
    const k = kernel('range');
    feed(k, rows);
    expect(k.evaluate(endOf(rows) + 300_001, true)).toMatchObject({ kind: 'skip', verdict: { primary: 'STALE' } });
  });

  it('is never serialised', () => {
    const k = kernel('range');
    expect(JSON.stringify({ kernel: k, other: 1 })).toBe('{"other":1}');
  });

  it('sizes an entry through the risk layer and stamps the deterministic orderLinkId', () => {
    const rows = series(700);
    const k = kernel('range');
    feed(k, rows);
    const evaluation = k.evaluate(endOf(rows), true);
    if (evaluation.kind !== 'signal') throw new Error('expected a signal');
    const signal = { ...evaluation.signal, action: 'long' as const, stopLoss: rows[699]!.close * 0.99, takeProfit: rows[699]!.close * 1.05, score: 1 };
    const instrument = { symbol: 'BTCUSDT', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT', tickSize: 0.01, minPrice: 0.01, maxPrice: 1e6, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 1e3, maxMktOrderQty: 1e3, minNotional: 5, minLeverage: 1, maxLeverage: 100, leverageStep: 0.01 } as const;
    const portfolio = { equity: 10_000, availableBalance: 10_000, positions: [], openOrders: [], dayStartEquity: 10_000 };
    const { decision, orderLinkId } = k.assess(signal, portfolio, instrument, 'ACTIVE');
    expect(decision.allowed).toBe(true);
    expect(orderLinkId).toMatch(/^bb1-BTCUSDT-[0-9a-z]{7}-[0-9a-z]+-BE$/);
    expect(k.assess(signal, portfolio, instrument, 'REDUCING').decision).toMatchObject({ allowed: false, code: 'REDUCE_ONLY' });
  });
});
