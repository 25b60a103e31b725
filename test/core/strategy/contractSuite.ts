import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/types.ts';
import type { AnyStrategyDefinition, Signal } from '../../../src/core/strategy/contract.ts';
import { evaluateSignal } from '../../../src/core/strategy/runner.ts';
import { MAX_HISTORY_CANDLES } from '../../../src/core/strategy/params.ts';
import { syntheticCandles } from '../support/series.ts';
import { replayStrategy } from '../support/tradeSim.ts';
import { indicatorsAfter, mirror } from './fixtures.ts';

/**
 * The contract every strategy must keep (backlog B4.7: contract tests, happy path and
 * edge cases), run once per strategy by its own test file.
 */
export interface StrategyContractCase {
  readonly def: AnyStrategyDefinition;
  /** Closed candles on which the full strategy must go long (its mirror image must go short). */
  readonly longSetup: readonly Candle[];
  /** Closed candles on which the degraded fallback must go long. */
  readonly fallbackLongSetup: readonly Candle[];
  /** Invalid params and the field path each must be reported at. */
  readonly badParams: readonly (readonly [input: Record<string, unknown>, path: readonly (string | number)[]])[];
}

const SCENARIOS = [
  syntheticCandles({ seed: 21, count: 1500, theta: 0.03, volatility: 0.002 }),
  syntheticCandles({ seed: 22, count: 1500, theta: 0, volatility: 0.002 }),
  syntheticCandles({ seed: 23, count: 1500, theta: 0.05, volatility: 0.002, drift: 0.0003 }),
  syntheticCandles({ seed: 24, count: 1500, theta: 0.05, volatility: 0.002, drift: -0.0003 }),
];

function evaluate(def: AnyStrategyDefinition, params: unknown, candles: readonly Candle[], degraded = false): Signal & { fault: string | null } {
  return evaluateSignal({ definition: def, params, indicators: degraded ? null : indicatorsAfter(def, params, candles), candles, degraded, strategyId: 'contract', symbol: 'TESTUSDT' });
}

export function expectWellFormed(def: AnyStrategyDefinition, s: Signal, minRewardRisk: number): void {
  expect(Object.keys(s.factors).sort()).toEqual([...def.factorNames].sort());
  for (const v of Object.values(s.factors)) expect(v >= 0 && v <= 1, `factor ${v}`).toBe(true);
  expect(s.score >= 0.1 && s.score <= 1, `score ${s.score}`).toBe(true);
  expect(s.reason.length).toBeGreaterThan(0);
  if (s.action === 'none') {
    expect([s.stopLoss, s.takeProfit]).toEqual([0, 0]);
    return;
  }
  expect(Number.isFinite(s.price) && s.price > 0).toBe(true);
  if (s.action === 'long') expect(s.stopLoss < s.price && s.price < s.takeProfit, `long ${s.stopLoss} < ${s.price} < ${s.takeProfit}`).toBe(true);
  else expect(s.stopLoss > s.price && s.price > s.takeProfit, `short ${s.stopLoss} > ${s.price} > ${s.takeProfit}`).toBe(true);
  const rr = Math.abs(s.takeProfit - s.price) / Math.abs(s.price - s.stopLoss);
  expect(rr).toBeGreaterThanOrEqual(minRewardRisk - 1e-9);
}

/** Wraps candles so that reading volume or turnover throws (evaluateSignal turns a throw into a fault). */
function volumeTrap(candles: readonly Candle[]): Candle[] {
  return candles.map(
    (c) =>
      new Proxy(c, {
        get(target, key, receiver) {
          if (key === 'volume' || key === 'turnover') throw new Error(`fallback read ${String(key)}`);
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
  );
}

export function describeStrategyContract(c: StrategyContractCase): void {
  const { def } = c;
  const params = def.paramsSchema.parse({}) as { historyCandles: number; interval: string; minRewardRisk: number };

  describe(`${def.type}: params`, () => {
    it('has a default for every field, interval 5 and a history that covers the warm-up with room', () => {
      expect(params.interval).toBe('5');
      expect(params.historyCandles).toBeGreaterThanOrEqual(def.warmup(params) + 50);
      expect(params.historyCandles).toBeLessThanOrEqual(MAX_HISTORY_CANDLES);
      expect(Object.keys(def.paramsSchema.parse({ interval: params.interval }) as object).sort()).toEqual(Object.keys(params).sort());
    });

    it('rejects unknown keys', () => {
      const result = def.paramsSchema.safeParse({ notAParam: 1 });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['notAParam'] });
    });

    it.each(c.badParams.map(([input, path]) => [JSON.stringify(input), input, path] as const))('rejects %s at its field path', (_label, input, path) => {
      const result = def.paramsSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
    });

    it('rejects a history too short for the warm-up, naming historyCandles', () => {
      const result = def.paramsSchema.safeParse({ historyCandles: def.warmup(params) });
      expect(result.error?.issues.map((i) => i.path)).toContainEqual(['historyCandles']);
    });
  });

  describe(`${def.type}: warm-up`, () => {
    it('has no indicators until warmup() candles, then has them', () => {
      const w = def.warmup(params);
      const candles = syntheticCandles({ seed: 1, count: w });
      expect(indicatorsAfter(def, params, candles.slice(0, w - 1))).toBeNull();
      expect(indicatorsAfter(def, params, candles)).not.toBeNull();
    });

    it('answers none while warming up', () => {
      const s = evaluate(def, params, syntheticCandles({ seed: 1, count: 3 }));
      expect(s).toMatchObject({ action: 'none', mode: 'full', fault: null });
      expect(s.reason).toContain('warming up');
    });
  });

  describe(`${def.type}: hot state`, () => {
    const w = def.warmup(params);
    const candles = syntheticCandles({ seed: 9, count: w + 20 });

    it('update() works in place and indicators() refills one result the state owns (copy it to keep it)', () => {
      let s = def.initState(params);
      for (const c of candles.slice(0, w + 10)) {
        const next = def.update(s, c, params);
        expect(next).toBe(s);
        s = next;
      }
      const first = def.indicators(s, params)!;
      const kept = structuredClone(first);
      def.update(s, candles[w + 10]!, params);
      const second = def.indicators(s, params)!;
      expect(second).toBe(first);
      expect(second.candleStart).toBe(candles[w + 10]!.start);
      expect(kept.candleStart).toBe(candles[w + 9]!.start);
      expect(kept).toEqual(indicatorsAfter(def, params, candles.slice(0, w + 10)));
    });

    it('two states share nothing: feeding one leaves the other reading as it did', () => {
      const a = def.initState(params);
      const b = def.initState(params);
      for (const c of candles.slice(0, w + 5)) def.update(a, c, params);
      const before = structuredClone(def.indicators(a, params));
      for (const c of candles) def.update(b, c, params);
      expect(def.indicators(a, params)).toEqual(before);
      expect(def.indicators(b, params)).toEqual(indicatorsAfter(def, params, candles));
    });
  });

  describe(`${def.type}: happy path`, () => {
    it('goes long on the constructed long setup', () => {
      const s = evaluate(def, params, c.longSetup);
      expect(s.action, s.reason).toBe('long');
      expect(s.fault).toBeNull();
      expect(s.mode).toBe('full');
      expect(s.candleStart).toBe(c.longSetup[c.longSetup.length - 1]!.start);
      expectWellFormed(def, s, params.minRewardRisk);
    });

    it('goes short on its mirror image, with the same factors and score', () => {
      const long = evaluate(def, params, c.longSetup);
      const s = evaluate(def, params, mirror(c.longSetup));
      expect(s.action, s.reason).toBe('short');
      expectWellFormed(def, s, params.minRewardRisk);
      for (const name of def.factorNames) expect(s.factors[name]).toBeCloseTo(long.factors[name]!, 9);
      expect(s.score).toBeCloseTo(long.score, 3);
    });

    it('gives the same decision when every price is scaled (BTC-sized or tiny coins)', () => {
      const base = evaluate(def, params, c.longSetup);
      for (const k of [1e-6, 1e3, 1e6]) {
        const scaled = c.longSetup.map((x) => ({ ...x, open: x.open * k, high: x.high * k, low: x.low * k, close: x.close * k }));
        const s = evaluate(def, params, scaled);
        expect(s.action).toBe(base.action);
        expect(s.fault).toBeNull();
        expect(s.stopLoss / k).toBeCloseTo(base.stopLoss, 6);
      }
    });
  });

  describe(`${def.type}: every signal keeps the contract`, () => {
    it('on generated markets: named bounded factors, bounded score, stops on the right side, R/R reached, no faults, both sides', () => {
      let longs = 0;
      let shorts = 0;
      for (const candles of SCENARIOS) {
        const summary = replayStrategy(def, params, candles);
        expect(summary.faults).toBe(0);
        longs += summary.longs;
        shorts += summary.shorts;
        for (let i = 200; i < candles.length; i += 37) expectWellFormed(def, evaluate(def, params, candles.slice(0, i)), params.minRewardRisk);
      }
      expect(longs).toBeGreaterThan(0);
      expect(shorts).toBeGreaterThan(0);
    });
  });

  describe(`${def.type}: edge cases`, () => {
    const w = def.warmup(params);

    it('a flat market gives none without a fault', () => {
      const flat = syntheticCandles({ seed: 1, count: w + 30 }).map((x) => ({ ...x, open: 50, high: 50, low: 50, close: 50 }));
      for (const degraded of [false, true]) {
        const s = evaluate(def, params, flat, degraded);
        expect(s).toMatchObject({ action: 'none', fault: null });
      }
    });

    it('a NaN candle inside the series is skipped: indicators stay finite and nothing throws', () => {
      const candles = syntheticCandles({ seed: 2, count: w + 40 });
      const poisoned = candles.map((x, i) => (i === w + 5 ? { ...x, close: Number.NaN, high: Number.NaN } : x));
      const ind = indicatorsAfter(def, params, poisoned);
      expect(ind).not.toBeNull();
      for (const v of Object.values(ind!.values)) expect(Number.isFinite(v)).toBe(true);
      expect(evaluate(def, params, poisoned).fault).toBeNull();
    });

    it('huge prices and volumes do not produce non-finite numbers', () => {
      const huge = syntheticCandles({ seed: 3, count: w + 40, startPrice: 1e12, baseVolume: 1e15 });
      for (const degraded of [false, true]) {
        const s = evaluate(def, params, huge, degraded);
        expect(s.fault).toBeNull();
        expectWellFormed(def, s, params.minRewardRisk);
      }
    });

    it('signal() and fallback() never throw, whatever the numbers', () => {
      const ind = indicatorsAfter(def, params, c.longSetup)!;
      const wild = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -1));
      const wildCandle = fc.record({ start: fc.integer(), open: wild, high: wild, low: wild, close: wild, volume: wild, turnover: wild });
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...Object.keys(ind.values)), wild), wild, fc.array(wildCandle, { maxLength: 80 }), (values, close, candles) => {
          const s = def.signal({ ...ind, close, values: { ...ind.values, ...values } }, params);
          expect(['long', 'short', 'none']).toContain(s.action);
          expect(['long', 'short', 'none']).toContain(def.fallback(candles, params).action);
        }),
        { numRuns: 300 },
      );
    });

    it('tiny series give none in both modes', () => {
      for (const n of [0, 1, 2]) {
        for (const degraded of [false, true]) expect(evaluate(def, params, syntheticCandles({ seed: 4, count: n }), degraded)).toMatchObject({ action: 'none', fault: null });
      }
    });
  });

  describe(`${def.type}: degraded fallback`, () => {
    it('is used on degraded data, goes long on its setup, and never reads volume', () => {
      const s = evaluate(def, params, volumeTrap(c.fallbackLongSetup), true);
      expect(s.fault).toBeNull();
      expect(s.mode).toBe('degraded');
      expect(s.action, s.reason).toBe('long');
      expectWellFormed(def, s, params.minRewardRisk);
      expect(evaluate(def, params, mirror(c.fallbackLongSetup), true).action).toBe('short');
    });

    it('never reads volume on generated markets either, and keeps the contract', () => {
      for (const candles of SCENARIOS) {
        for (let i = 10; i < candles.length; i += 53) {
          const s = evaluate(def, params, volumeTrap(candles.slice(0, i)), true);
          expect(s.fault).toBeNull();
          expect(s.mode).toBe('degraded');
          expectWellFormed(def, s, params.minRewardRisk);
        }
      }
    });
  });
}
