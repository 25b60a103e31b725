import { ADX, ATR, BollingerBands, EMA, RSI, SMA } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { adxSeries, atrSeries, bollingerSeries, emaSeries, rsiSeries, smaSeries } from '../../../src/core/indicators/index.ts';
import { closes, relDiff, syntheticCandles } from '../support/series.ts';

/**
 * Cross-check against technicalindicators 3.1.0 batch functions. Its outputs are shorter
 * than the input (they start after the warm-up), so ours are compared from the same index.
 * Known definitional differences, all visible below:
 * - RSI: technicalindicators rounds to 2 decimals (we keep full precision), so the
 *   tolerance is 0.005 absolute; both seed the Wilder averages with the mean of the first
 *   `period` changes, so nothing else differs.
 * - ATR / ADX: both skip the first candle's true range (no previous close) and seed Wilder
 *   averages with the first `period` values (technicalindicators' ADX seeds TR/DM with the
 *   SUM, which cancels in the DI ratios), so values match from the first output on.
 * - A perfectly flat market: technicalindicators gives RSI 100 and NaN ADX; we give 50 and 0
 *   (not exercised here: generated data always moves).
 */

const candles = syntheticCandles({ seed: 99, count: 800, startPrice: 30_000, volatility: 0.003, theta: 0.03 });
const c = closes(candles);
const hlc = { high: candles.map((x) => x.high), low: candles.map((x) => x.low), close: c };

function expectTail(ours: readonly (number | null)[], theirs: readonly number[], tolerance: number, absolute = false): void {
  const start = ours.length - theirs.length;
  expect(ours.slice(0, start).every((x) => x === null)).toBe(true);
  theirs.forEach((t, i) => {
    const o = ours[start + i];
    expect(o, `index ${start + i}`).not.toBeNull();
    const diff = absolute ? Math.abs((o as number) - t) : relDiff(o as number, t);
    expect(diff, `index ${start + i}: ours ${o}, theirs ${t}`).toBeLessThanOrEqual(tolerance);
  });
}

describe('agreement with technicalindicators (same definitions)', () => {
  it.each([5, 20, 50])('SMA(%i)', (period) => expectTail(smaSeries(c, period), SMA.calculate({ period, values: c }), 1e-9));
  it.each([9, 21])('EMA(%i)', (period) => expectTail(emaSeries(c, period), EMA.calculate({ period, values: c }), 1e-9));
  it.each([7, 14])('RSI(%i) within its 2-decimal rounding', (period) => expectTail(rsiSeries(c, period), RSI.calculate({ period, values: c }), 0.005 + 1e-9, true));
  it.each([7, 14])('ATR(%i)', (period) => expectTail(atrSeries(candles, period), ATR.calculate({ period, ...hlc }), 1e-9));

  it('BollingerBands(20, 2)', () => {
    const ours = bollingerSeries(c, 20, 2);
    const theirs = BollingerBands.calculate({ period: 20, stdDev: 2, values: c });
    for (const k of ['middle', 'upper', 'lower'] as const) {
      expectTail(
        ours.map((x) => (x ? x[k] : null)),
        theirs.map((x) => x[k]),
        1e-9,
      );
    }
  });

  it.each([7, 14])('ADX(%i) with +DI / -DI', (period) => {
    const ours = adxSeries(candles, period);
    const theirs = ADX.calculate({ period, ...hlc });
    expectTail(ours.map((x) => x?.adx ?? null), theirs.map((x) => x.adx), 1e-9);
    expectTail(ours.map((x) => x?.plusDI ?? null), theirs.map((x) => x.pdi), 1e-9);
    expectTail(ours.map((x) => x?.minusDI ?? null), theirs.map((x) => x.mdi), 1e-9);
  });
});
