import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCandles, type ValidateOptions } from '../../../src/core/data/validate.ts';
import { WindowValidator } from '../../../src/core/data/windowValidator.ts';
import type { Candle } from '../../../src/domain/types.ts';

/**
 * The incremental validator must give, after every appended row, exactly the verdict the
 * whole-window validator gives on the same last `capacity` rows: same ok/severity, primary
 * reason, reason list and sentence, and the same repaired candles when degraded.
 */
const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 5);

type Kind = 'normal' | 'gap' | 'nan' | 'negative' | 'ohlc' | 'duplicate' | 'backwards' | 'flat' | 'zeroVolume' | 'nanStart';

const kinds = fc.constantFrom<Kind>('normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'gap', 'nan', 'negative', 'ohlc', 'duplicate', 'backwards', 'flat', 'zeroVolume', 'nanStart');

/** A row stream with every kind of defect, including long flat and zero-volume stretches. */
function rows(script: readonly { kind: Kind; run: number }[]): Candle[] {
  const out: Candle[] = [];
  let t = T0;
  let price = 100;
  for (const { kind, run } of script) {
    const n = kind === 'flat' || kind === 'zeroVolume' ? run : 1;
    for (let k = 0; k < n; k++) {
      if (kind === 'gap') t += STEP * (1 + (run % 3));
      const open = price;
      const close = price + ((t / STEP) % 3) - 1;
      price = close;
      let c: Candle = { start: t, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 5 + (run % 4), turnover: 500 };
      if (kind === 'flat') c = { ...c, open: 100, high: 100, low: 100, close: 100 };
      if (kind === 'zeroVolume') c = { ...c, volume: 0 };
      if (kind === 'nan') c = { ...c, close: Number.NaN };
      if (kind === 'nanStart') c = { ...c, start: Number.NaN };
      if (kind === 'negative') c = { ...c, volume: -1 };
      if (kind === 'ohlc') c = { ...c, high: c.low - 1 };
      if (kind === 'duplicate' && out.length > 0) c = { ...out[out.length - 1]!, close: out[out.length - 1]!.close };
      if (kind === 'backwards') c = { ...c, start: t - STEP * (2 + (run % 3)) };
      out.push(c);
      if (kind !== 'duplicate' && kind !== 'backwards') t += STEP;
    }
  }
  return out;
}

function compare(stream: readonly Candle[], capacity: number, minCandles: number): void {
  const v = new WindowValidator(capacity, STEP);
  for (let i = 0; i < stream.length; i++) {
    const c = stream[i]!;
    v.push(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
    const window = stream.slice(Math.max(0, i + 1 - capacity), i + 1);
    const newest = Math.max(...window.map((r) => (Number.isFinite(r.start) ? r.start : -Infinity)));
    // Now sometimes fresh, sometimes stale, to exercise the staleness rule too.
    const now = (Number.isFinite(newest) ? newest + STEP : T0) + (i % 17 === 0 ? 10 * STEP : 1_000);
    const options: ValidateOptions = { intervalMs: STEP, now, maxStalenessMs: 5 * STEP, minCandles };
    const whole = validateCandles(window, options);
    const incremental = v.verdict(options);
    if (whole.ok) {
      expect(incremental, `row ${i}`).toEqual({ ok: true });
      continue;
    }
    const { candles, ...verdict } = whole;
    expect(incremental, `row ${i}`).toEqual(verdict);
    if (verdict.severity === 'degraded') expect(v.repaired(options)).toEqual(candles);
  }
}

describe('WindowValidator agrees with validateCandles', () => {
  it('on random streams with bad rows, gaps, duplicates, out-of-order rows, flat and zero-volume stretches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: kinds, run: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (script, capacity, minCandles) => compare(rows(script), capacity, minCandles),
      ),
      { numRuns: 300 },
    );
  });

  it('reports a clean window as OK without allocating a new verdict', () => {
    const v = new WindowValidator(50, STEP);
    const stream = rows(Array.from({ length: 80 }, () => ({ kind: 'normal' as const, run: 1 })));
    for (const c of stream) v.push(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
    const options = { intervalMs: STEP, now: stream[79]!.start + STEP, maxStalenessMs: STEP, minCandles: 20 };
    expect(v.verdict(options)).toBe(v.verdict(options));
    expect(v.verdict(options).ok).toBe(true);
  });

  it('tracks the newest start when rows arrive in any time order (the sliding maximum grows and wraps)', () => {
    // Good rows come in time order; rows with a bad close (never counted as out of order, so
    // the verdict keeps reading the running newest start instead of rescanning the window)
    // jump back and forth around them or have no start at all: the maximum's queue grows,
    // wraps and shrinks.
    const row = fc.record({ offset: fc.option(fc.integer({ min: -12, max: 12 }), { freq: 2 }), bad: fc.boolean() });
    fc.assert(
      fc.property(fc.array(row, { minLength: 60, maxLength: 150 }), fc.integer({ min: 1, max: 40 }), (script, capacity) => {
        const stream = script.map(({ offset, bad }, i) => {
          const start = !bad ? T0 + i * STEP : offset === null ? Number.NaN : T0 + (i + offset) * STEP;
          return { start, open: 100, high: 101, low: 99, close: bad ? Number.NaN : 100.5, volume: 5, turnover: 500 };
        });
        const v = new WindowValidator(capacity, STEP);
        stream.forEach((c, i) => {
          v.push(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
          const window = stream.slice(Math.max(0, i + 1 - capacity), i + 1);
          const newest = Math.max(...window.map((r) => (Number.isFinite(r.start) ? r.start : -Infinity)));
          if (!Number.isFinite(newest)) return;
          // Zero staleness allowed: fresh at exactly newest + one interval, stale one ms later,
          // so a newest start off by any amount changes the verdict.
          for (const now of [newest + STEP, newest + STEP + 1]) {
            const options: ValidateOptions = { intervalMs: STEP, now, maxStalenessMs: 0, minCandles: 1 };
            const whole = validateCandles(window, options);
            const { candles: _candles, ...verdict } = whole.ok ? { candles: [], ok: true as const } : whole;
            expect(v.verdict(options), `row ${i}, now ${now - newest}`).toEqual(verdict);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a bad row in the verdict exactly as long as it is inside the window', () => {
    const stream = rows([{ kind: 'normal', run: 1 }, { kind: 'nan', run: 1 }, ...Array.from({ length: 30 }, () => ({ kind: 'normal' as const, run: 1 }))]);
    const v = new WindowValidator(10, STEP);
    const severities: string[] = [];
    for (const c of stream) {
      v.push(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
      const verdict = v.verdict({ intervalMs: STEP, now: c.start + STEP, maxStalenessMs: STEP, minCandles: 5 });
      severities.push(verdict.ok ? 'ok' : verdict.severity);
    }
    // Row 1 is bad; it leaves the 10-row window after row 10; the gap it left (0 -> 2) after row 10 as well.
    expect(severities.slice(0, 12)).toEqual(['unusable', 'unusable', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'degraded', 'ok']);
  });
});
