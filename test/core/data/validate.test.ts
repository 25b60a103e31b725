import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { closedCandles, validateCandles, type ValidationResult } from '../../../src/core/data/validate.ts';
import { bucketStart, utcDayStart } from '../../../src/core/data/utcTime.ts';
import type { Candle } from '../../../src/domain/types.ts';

const M5 = 300_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0);

function series(count: number, endStart = T0 - M5): Candle[] {
  const out: Candle[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const start = endStart - i * M5;
    const open = 100 + (i % 7);
    const close = open + (i % 2 === 0 ? 1 : -1);
    out.push({ start, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 10 + i, turnover: 1000 });
  }
  return out;
}

const opts = { intervalMs: M5, now: T0, maxStalenessMs: 300_000, minCandles: 10 };
const check = (candles: readonly Candle[]): ValidationResult => validateCandles(candles, opts);
const failed = (r: ValidationResult) => {
  if (r.ok) throw new Error('expected a rejection');
  return r;
};

describe('validateCandles', () => {
  it('accepts a clean, fresh, complete series unchanged', () => {
    const s = series(30);
    const r = check(s);
    expect(r.ok).toBe(true);
    expect(r.candles).toEqual(s);
  });

  it.each([
    ['EMPTY', [] as Candle[]],
    ['ALL_FLAT', series(30).map((c) => ({ ...c, open: 100, high: 100, low: 100, close: 100 }))],
    ['ZERO_VOLUME', series(30).map((c) => ({ ...c, volume: 0 }))],
    ['STALE', series(30, T0 - 3 * M5)],
    ['INSUFFICIENT_HISTORY', series(5)],
  ] as const)('rejects %s as unusable', (reason, candles) => {
    const r = failed(check(candles));
    expect(r.severity).toBe('unusable');
    expect(r.primary).toBe(reason);
    expect(r.candles).toEqual([]);
  });

  it('measures staleness on the exchange clock with the candle end, to the millisecond', () => {
    const s = series(30); // last candle ends exactly at T0
    expect(validateCandles(s, { ...opts, now: T0 + 300_000 }).ok).toBe(true);
    expect(failed(validateCandles(s, { ...opts, now: T0 + 300_001 })).primary).toBe('STALE');
  });

  it.each([
    ['NON_FINITE', (c: Candle) => ({ ...c, close: Number.NaN })],
    ['NON_FINITE', (c: Candle) => ({ ...c, high: Number.POSITIVE_INFINITY })],
    ['NEGATIVE', (c: Candle) => ({ ...c, volume: -1 })],
    ['OHLC_INCONSISTENT', (c: Candle) => ({ ...c, high: c.low - 1 })],
  ] as const)('drops rows with %s and degrades', (reason, corrupt) => {
    const s = series(30).map((c, i) => (i === 27 ? corrupt(c) : c));
    const r = failed(check(s));
    expect(r.severity).toBe('degraded');
    expect(r.reasons).toContain(reason);
    expect(r.reasons).toContain('GAP'); // the dropped row leaves a hole
    expect(r.candles).toHaveLength(29);
    expect(r.detail).toContain('1 invalid row(s) dropped');
  });

  it('sorts out-of-order rows and removes duplicates, reporting both', () => {
    const s = series(30);
    const shuffled = [...s.slice(0, 10), s[11]!, s[10]!, ...s.slice(12), s[29]!];
    const r = failed(check(shuffled));
    expect(r.severity).toBe('degraded');
    expect(r.reasons).toEqual(expect.arrayContaining(['OUT_OF_ORDER', 'DUPLICATE']));
    expect(r.candles).toEqual(s);
  });

  it('reports a missing candle as a gap', () => {
    const s = series(30);
    const r = failed(check([...s.slice(0, 12), ...s.slice(13)]));
    expect(r.primary).toBe('GAP');
    expect(r.detail).toContain('1 gap(s)');
  });

  it('NaN in the newest candles is bad data, not stale data', () => {
    const s = series(30).map((c, i) => (i >= 27 ? { ...c, close: Number.NaN } : c));
    const r = failed(check(s));
    expect(r.severity).toBe('degraded');
    expect(r.primary).toBe('NON_FINITE');
  });

  it('property: never throws, and usable output is sorted, unique, finite and consistent', () => {
    const num = fc.oneof(fc.double({ min: -10, max: 1000, noNaN: false }), fc.constant(Number.NaN), fc.constant(Infinity));
    const candle = fc.record({
      start: fc.integer({ min: -40, max: 0 }).map((k) => T0 - M5 + k * M5),
      open: num,
      high: num,
      low: num,
      close: num,
      volume: num,
      turnover: num,
    });
    fc.assert(
      fc.property(fc.array(candle, { maxLength: 60 }), (candles) => {
        const r = check(candles);
        if (!r.ok && r.severity === 'unusable') {
          expect(r.candles).toEqual([]);
          expect(r.reasons[0]).toBe(r.primary);
          return;
        }
        const out = r.candles;
        for (let i = 0; i < out.length; i++) {
          const c = out[i]!;
          expect(Number.isFinite(c.close) && Number.isFinite(c.high) && Number.isFinite(c.volume)).toBe(true);
          expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
          expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
          if (i > 0) expect(c.start).toBeGreaterThan(out[i - 1]!.start);
        }
      }),
      { seed: 20261125, numRuns: 500 },
    );
  });
});

describe('closedCandles and UTC helpers', () => {
  it('drops the candle that is still forming', () => {
    const s = series(3, T0); // last one starts at T0, ends T0+5m
    expect(closedCandles(s, M5, T0 + 1000)).toHaveLength(2);
    expect(closedCandles(s, M5, T0 + M5)).toHaveLength(3);
  });
  it('aligns days and buckets to UTC epoch multiples', () => {
    expect(utcDayStart(Date.UTC(2026, 1, 3, 23, 59, 59, 999))).toBe(Date.UTC(2026, 1, 3));
    expect(bucketStart(Date.UTC(2026, 1, 3, 10, 14), 15 * 60_000)).toBe(Date.UTC(2026, 1, 3, 10, 0));
  });
});
