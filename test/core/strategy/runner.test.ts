import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/domain/types.ts';
import type { AnyStrategyDefinition, SignalDecision } from '../../../src/core/strategy/contract.ts';
import { advanceIndicators, evaluateSignal, type AdvanceResult } from '../../../src/core/strategy/runner.ts';
import { rangeStrategy } from '../../../src/core/strategy/range.ts';
import { MIN, syntheticCandles } from '../support/series.ts';
import { indicatorsAfter } from './fixtures.ts';

const params = rangeStrategy.paramsSchema.parse({});
const candles = syntheticCandles({ seed: 7, count: 400 });

/** A definition that counts update() calls, to see what the runner feeds. */
function counting(): { def: AnyStrategyDefinition; fed: number[] } {
  const fed: number[] = [];
  const def: AnyStrategyDefinition = {
    ...rangeStrategy,
    update: (s: unknown, c: Candle, p: unknown) => {
      fed.push(c.start);
      return rangeStrategy.update(s as never, c, p as never);
    },
  };
  return { def, fed };
}

function step(def: AnyStrategyDefinition, prev: AdvanceResult | undefined, window: readonly Candle[], p: unknown = params): AdvanceResult {
  return advanceIndicators(def, p, prev?.state, prev?.lastCandleStart, window);
}

describe('advanceIndicators', () => {
  it('feeds only the new candles when they continue the series, and matches a full replay', () => {
    const { def, fed } = counting();
    let r = step(def, undefined, candles.slice(0, 200));
    expect(fed.length).toBe(200);
    for (let i = 201; i <= 400; i++) r = step(def, r, candles.slice(i - 200, i));
    expect(fed.length).toBe(400);
    expect(r.lastCandleStart).toBe(candles[399]!.start);
    expect(r.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles));
  });

  it('feeds several new candles at once when iterations were skipped', () => {
    const { def, fed } = counting();
    const r = step(def, step(def, undefined, candles.slice(0, 100)), candles.slice(5, 110));
    expect(fed.length).toBe(110);
    expect(r.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles.slice(0, 110)));
  });

  it('keeps the state when there is no new candle', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    const again = step(rangeStrategy, first, candles.slice(0, 100));
    expect(again.state).toBe(first.state);
    expect(again.indicators).toEqual(first.indicators);
  });

  it.each([
    ['a gap after the last candle', (w: Candle[]) => w.slice(0, 100).concat(w.slice(101, 120))],
    ['a gap inside the new candles', (w: Candle[]) => w.slice(0, 110).concat(w.slice(111, 120))],
  ])('replays the whole window on %s', (_name, make) => {
    const { def, fed } = counting();
    const window = make(candles);
    const r = step(def, step(def, undefined, candles.slice(0, 100)), window);
    expect(fed.length).toBe(100 + window.length);
    expect(r.indicators).toEqual(indicatorsAfter(rangeStrategy, params, window));
  });

  it('replays when the params, the strategy or the stored state do not match', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    const window = candles.slice(0, 101);
    const other = rangeStrategy.paramsSchema.parse({ bbPeriod: 10 });
    expect(step(rangeStrategy, first, window, other).indicators).toEqual(indicatorsAfter(rangeStrategy, other, window));
    const foreign = { ...rangeStrategy, type: 'other' } as AnyStrategyDefinition;
    const { def, fed } = counting();
    step({ ...def, type: 'other' }, first, window);
    expect(fed.length).toBe(101);
    for (const garbage of [null, 42, { kind: 'nope' }, 'x']) {
      expect(advanceIndicators(foreign, params, garbage, first.lastCandleStart, window).indicators).toEqual(indicatorsAfter(rangeStrategy, params, window));
    }
    // A lastCandleStart that disagrees with the state (e.g. restored separately) also replays.
    expect(advanceIndicators(rangeStrategy, params, first.state, first.lastCandleStart! - 5 * MIN, window).indicators).toEqual(indicatorsAfter(rangeStrategy, params, window));
  });

  it('returns no state and no indicators for an empty window', () => {
    expect(advanceIndicators(rangeStrategy, params, undefined, undefined, [])).toEqual({ state: undefined, lastCandleStart: undefined, indicators: null });
  });

  it('does not resume a state that went through JSON: its indicator objects are gone, so the window is replayed', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    const restored = JSON.parse(JSON.stringify(first.state)) as unknown;
    const { def, fed } = counting();
    const b = advanceIndicators(def, params, restored, first.lastCandleStart, candles.slice(1, 101));
    expect(fed.length).toBe(100);
    expect(b.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles.slice(1, 101)));
  });

  it('updates the run in place, and the readings it returned stay as they were', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    const reading = structuredClone(first.indicators);
    const next = step(rangeStrategy, first, candles.slice(1, 101));
    expect(next.state).toBe(first.state);
    expect(first.indicators).toEqual(reading);
    expect(next.indicators).not.toEqual(reading);
    expect(next.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles.slice(0, 101)));
  });

  it('replays instead of feeding twice when the caller kept an older lastCandleStart (it dropped an iteration\'s result)', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    step(rangeStrategy, first, candles.slice(0, 101)); // advanced in place, result dropped
    const { def, fed } = counting();
    const r = advanceIndicators(def, params, first.state, first.lastCandleStart, candles.slice(0, 102));
    expect(fed.length).toBe(102);
    expect(r.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles.slice(0, 102)));
  });

  it('replays a run that an update threw in the middle of', () => {
    const first = step(rangeStrategy, undefined, candles.slice(0, 100));
    const throwing: AnyStrategyDefinition = {
      ...rangeStrategy,
      update: (s: unknown, c: Candle, p: unknown) => {
        if (c.start === candles[101]!.start) throw new Error('boom');
        return rangeStrategy.update(s as never, c, p as never);
      },
    };
    expect(() => advanceIndicators(throwing, params, first.state, first.lastCandleStart, candles.slice(0, 102))).toThrow('boom');
    expect(first.state?.lastCandleStart).toBeNaN();
    const r = advanceIndicators(rangeStrategy, params, first.state, first.lastCandleStart, candles.slice(0, 102));
    expect(r.state).not.toBe(first.state);
    expect(r.indicators).toEqual(indicatorsAfter(rangeStrategy, params, candles.slice(0, 102)));
  });
});

describe('evaluateSignal', () => {
  const window = candles.slice(0, 200);
  const ind = indicatorsAfter(rangeStrategy, params, window);
  const base = { params, indicators: ind, candles: window, strategyId: 'range-v1', symbol: 'BTCUSDT' };
  const good: SignalDecision = { action: 'long', price: 100, stopLoss: 99, takeProfit: 102, factors: { rangeQuality: 1, edgeProximity: 1, momentum: 1 }, score: 1, mode: 'full', reason: 'ok' };
  const withSignal = (decide: () => unknown): AnyStrategyDefinition => ({ ...rangeStrategy, signal: decide as never, fallback: decide as never });

  it('stamps the decision with where it came from', () => {
    const s = evaluateSignal({ ...base, definition: withSignal(() => good), degraded: false });
    expect(s).toMatchObject({ ...good, strategyId: 'range-v1', strategyType: 'range', symbol: 'BTCUSDT', candleStart: ind!.candleStart, fault: null });
  });

  it('uses signal() on good data and fallback() on degraded data', () => {
    const calls: string[] = [];
    const def: AnyStrategyDefinition = {
      ...rangeStrategy,
      signal: () => (calls.push('signal'), good),
      fallback: () => (calls.push('fallback'), { ...good, mode: 'degraded' }),
    };
    expect(evaluateSignal({ ...base, definition: def, degraded: false }).mode).toBe('full');
    const degraded = evaluateSignal({ ...base, definition: def, degraded: true });
    expect(calls).toEqual(['signal', 'fallback']);
    expect(degraded).toMatchObject({ mode: 'degraded', candleStart: window[window.length - 1]!.start });
  });

  it('says it is warming up when there are no indicators yet', () => {
    const s = evaluateSignal({ ...base, indicators: null, definition: rangeStrategy, degraded: false });
    expect(s).toMatchObject({ action: 'none', fault: null, score: 0.1 });
    expect(s.reason).toMatch(/warming up: 200 closed candle\(s\), \d+ needed/);
    expect(Object.keys(s.factors)).toEqual([...rangeStrategy.factorNames]);
  });

  it.each<[string, () => unknown]>([
    ['throws', () => { throw new Error('boom'); }],
    ['returns undefined', () => undefined],
    ['returns an unknown action', () => ({ ...good, action: 'buy' })],
    ['returns a NaN stop', () => ({ ...good, stopLoss: Number.NaN })],
    ['returns an infinite target', () => ({ ...good, takeProfit: Number.POSITIVE_INFINITY })],
    ['puts the stop on the wrong side', () => ({ ...good, stopLoss: 101 })],
    ['puts a short target above the entry', () => ({ ...good, action: 'short', stopLoss: 101, takeProfit: 100.5 })],
    ['misses a factor', () => ({ ...good, factors: { rangeQuality: 1, edgeProximity: 1 } })],
    ['returns a NaN factor', () => ({ ...good, factors: { ...good.factors, momentum: Number.NaN } })],
    ['returns a NaN score', () => ({ ...good, score: Number.NaN })],
    ['returns a zero price', () => ({ ...good, price: 0 })],
  ])('turns a decision that %s into none with a fault, in both modes', (_name, decide) => {
    for (const degraded of [false, true]) {
      const s = evaluateSignal({ ...base, definition: withSignal(decide), degraded });
      expect(s.action).toBe('none');
      expect(s.fault).toEqual(expect.any(String));
      expect(s.reason).toContain('strategy fault');
      expect([s.stopLoss, s.takeProfit, s.score]).toEqual([0, 0, 0.1]);
      expect(Object.keys(s.factors)).toEqual([...rangeStrategy.factorNames]);
      expect(s.mode).toBe(degraded ? 'degraded' : 'full');
    }
  });

  it('clamps out-of-range factors and scores, fills missing factors on none, and forces the mode', () => {
    const s = evaluateSignal({ ...base, definition: withSignal(() => ({ ...good, score: 7, factors: { ...good.factors, momentum: 3 }, mode: 'degraded' })), degraded: false });
    expect(s).toMatchObject({ score: 1, mode: 'full', fault: null });
    expect(s.factors.momentum).toBe(1);
    const none = evaluateSignal({ ...base, definition: withSignal(() => ({ action: 'none', reason: 'nothing', factors: {} })), degraded: false });
    expect(none).toMatchObject({ action: 'none', stopLoss: 0, takeProfit: 0, score: 0.1, fault: null, factors: { rangeQuality: 0, edgeProximity: 0, momentum: 0 } });
  });

  it('the volume trap used by the contract tests really catches a fallback that reads volume', () => {
    const reader: AnyStrategyDefinition = { ...rangeStrategy, fallback: (cs: readonly Candle[]) => (cs[0]!.volume > 0 ? good : good) };
    const trapped = window.map((c) => new Proxy(c, { get: (t, k) => { if (k === 'volume') throw new Error('read volume'); return (t as never)[k]; } }));
    expect(evaluateSignal({ ...base, candles: trapped, definition: reader, degraded: true }).fault).toContain('read volume');
  });
});
