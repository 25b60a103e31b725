import { describe, expect, it } from 'vitest';
import { convergedWarmup } from '../../../src/core/kernel/warmup.ts';
import { regimeLabelOf } from '../../../src/core/indicators/regime.ts';
import { assessEntry } from '../../../src/core/risk/assess.ts';
import { sizeFactorOf } from '../../../src/core/strategy/confluence.ts';
import type { AnyStrategyDefinition, SignalDecision } from '../../../src/core/strategy/contract.ts';
import { getStrategy } from '../../../src/core/strategy/registry.ts';
import type { Candle } from '../../../src/domain/types.ts';
import { goldenCandles } from './golden/goldenSeries.ts';

/**
 * Per-preset confluence settings (confluence.ts): absent they change nothing (the decision
 * golden holds that on 20,000 candles); present, each rule does what the README says.
 */
const candles = goldenCandles(20_260_514, 6_000);
const TYPES = ['range', 'multiTimeframe', 'volumeVwap'] as const;
const def = (type: string): AnyStrategyDefinition => getStrategy(type)!;

interface Step {
  readonly decision: SignalDecision;
  readonly regime: number | undefined;
}

function run(type: string, extra: Record<string, unknown>, rows: readonly Candle[] = candles): Step[] {
  const d = def(type);
  const params = d.paramsSchema.parse(extra);
  let state = d.initState(params);
  const out: Step[] = [];
  for (const c of rows) {
    state = d.update(state, c, params);
    const ind = d.indicators(state, params);
    if (ind) out.push({ decision: d.signal(ind, params), regime: ind.values.regime });
  }
  return out;
}

const entries = (steps: readonly Step[]) => steps.filter((s) => s.decision.action !== 'none');

describe('confluence settings per preset', () => {
  it.each(TYPES)('%s: a preset without the blocks parses to the same params and carries no regime value', (type) => {
    const p = def(type).paramsSchema.parse({}) as Record<string, unknown>;
    expect('confluence' in p || 'regime' in p).toBe(false);
    expect(run(type, {}).every((s) => s.regime === undefined && s.decision.sizeFactor === undefined)).toBe(true);
  });

  it.each(TYPES)('%s: weights equal to the defaults decide identically; other weights move the scores only', (type) => {
    const names = def(type).factorNames;
    const base = run(type, {});
    const same = run(type, { confluence: { weights: { [names[0]]: 0.7, [names[1]]: 0.6, [names[2]]: 0.7 } } }); // normalised
    const defaults = { range: [0.35, 0.3, 0.35], multiTimeframe: [0.4, 0.35, 0.25], volumeVwap: [0.4, 0.3, 0.3] }[type];
    const exact = run(type, { confluence: { weights: { [names[0]]: defaults[0], [names[1]]: defaults[1], [names[2]]: defaults[2] } } });
    expect(exact.map((s) => [s.decision.action, s.decision.score])).toEqual(base.map((s) => [s.decision.action, s.decision.score]));
    const onlyFirst = run(type, { confluence: { weights: { [names[0]]: 1, [names[1]]: 0, [names[2]]: 0 } } });
    expect(onlyFirst.map((s) => s.decision.action)).toEqual(base.map((s) => s.decision.action));
    for (const s of entries(onlyFirst)) expect(s.decision.score).toBeCloseTo(0.1 + 0.9 * s.decision.factors[names[0]]!, 4);
    expect(same.length).toBe(base.length);
  });

  it.each(TYPES)('%s: a factor threshold and a minimum score veto entries, naming the rule', (type) => {
    const names = def(type).factorNames;
    const base = entries(run(type, {}));
    const gated = run(type, { confluence: { thresholds: { [names[1]]: 0.6 }, minScore: 0.55 } });
    const kept = entries(gated);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(base.length);
    for (const s of kept) {
      expect(s.decision.factors[names[1]]!).toBeGreaterThanOrEqual(0.6);
      expect(s.decision.score).toBeGreaterThanOrEqual(0.55);
    }
    const reasons = gated.map((s) => s.decision.reason);
    expect(reasons.some((r) => r.includes(`${names[1]}`) && r.includes('below its threshold 0.6'))).toBe(true);
  });

  it('maps the score to a size multiplier: linear (the score), flat, power, with a floor', () => {
    expect(sizeFactorOf({ curve: 'linear', exponent: 2, min: 0 }, 0.6)).toBe(0.6);
    expect(sizeFactorOf({ curve: 'flat', exponent: 2, min: 0 }, 0.2)).toBe(1);
    expect(sizeFactorOf({ curve: 'power', exponent: 2, min: 0 }, 0.5)).toBe(0.25);
    expect(sizeFactorOf({ curve: 'power', exponent: 2, min: 0.4 }, 0.5)).toBe(0.4);
  });

  it('sizes an entry with the preset curve instead of the score', () => {
    const [entry] = entries(run('range', { confluence: { sizing: { curve: 'flat' } } }));
    expect(entry!.decision.sizeFactor).toBe(1);
    const signal = { ...entry!.decision, strategyId: 'r', strategyType: 'range', symbol: 'BTCUSDT', candleStart: 0 };
    const request = {
      instrument: { symbol: 'BTCUSDT', tickSize: 0.01, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 100, maxMktOrderQty: 100, minNotional: 5, minLeverage: 1, maxLeverage: 100 },
      portfolio: { equity: 10_000, availableBalance: 10_000, positions: [], openOrders: [], dayStartEquity: 10_000 },
      limits: { riskPerTradePct: 1, minRewardRisk: 1, maxLeverage: 100, maxPositionPct: 10_000, maxTotalExposurePct: 10_000, maxOpenPositions: 3, dailyLossLimitPct: 5, minScore: 0.1 },
      tradingState: 'RUNNING' as const,
    };
    const flat = assessEntry({ ...request, signal } as never);
    const byScore = assessEntry({ ...request, signal: { ...signal, sizeFactor: undefined } } as never);
    expect(flat.allowed && byScore.allowed).toBe(true);
    if (flat.allowed && byScore.allowed) expect(flat.riskAmount / byScore.riskAmount).toBeCloseTo(1 / entry!.decision.score, 2);
  });

  it.each(TYPES)('%s: the regime filter lets entries through only in the allowed regimes; the weight blends the fit into the score', (type) => {
    const all = run(type, { regime: {} });
    expect(all.every((s) => typeof s.regime === 'number')).toBe(true);
    const seen = new Set(entries(all).map((s) => regimeLabelOf(s.regime!)));
    expect(seen.size).toBeGreaterThan(1);
    const onlyRanging = run(type, { regime: { allow: ['ranging'] } });
    const kept = entries(onlyRanging);
    expect(kept.length).toBeLessThan(entries(all).length);
    for (const s of kept) expect(regimeLabelOf(s.regime!)).toBe('ranging');
    expect(onlyRanging.some((s) => /regime (trendingUp|trendingDown|volatile|unknown) is not allowed/.test(s.decision.reason))).toBe(true);
    const weighted = run(type, { regime: { weight: 1, fit: { ranging: 1, withTrend: 0, againstTrend: 0, volatile: 0 } } });
    for (const s of entries(weighted)) expect(s.decision.score).toBe(regimeLabelOf(s.regime!) === 'ranging' ? 1 : 0.1);
  });

  it('a regime block lengthens the converged warm-up to what the classifier needs', () => {
    const d = def('volumeVwap');
    const plain = convergedWarmup(d, d.paramsSchema.parse({}));
    const withRegime = convergedWarmup(d, d.paramsSchema.parse({ regime: { volLookback: 400 } }));
    expect(withRegime).toBeGreaterThan(plain);
    expect(withRegime).toBe(Math.max(plain, 401, 2 * (14 + 280) + 1));
  });
});
