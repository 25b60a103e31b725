import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, FEATURE_HISTORY, FEATURE_NAMES } from '../../../src/core/ml/features.ts';
import { FeatureTracker } from '../../../src/core/ml/featureTracker.ts';
import { replayFeatures } from '../../../src/core/ml/replay.ts';
import { decisionsOn, featureMarket, HOUR, type Columns } from './support/featureMarket.ts';

const SESSION = { zone: 'America/New_York', startHour: 9, endHour: 16 };

function rowOf(rows: Float64Array, i: number): number[] {
  return Array.from(rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT));
}

/** A copy of `series` whose rows from `from` on are scaled and shuffled (the future changed). */
function alterFrom(series: Columns, from: number): Columns {
  const close = series.close.slice();
  const volume = series.volume.slice();
  for (let i = from; i < series.length; i++) {
    close[i] = close[i]! * (1 + 0.05 * Math.sin(i));
    volume[i] = volume[i]! * 3 + 7;
  }
  return { ...series, close, volume };
}

describe('ML features', () => {
  it('compute the documented market features from closed candles', () => {
    const s = featureMarket(200);
    const t = new FeatureTracker();
    for (let i = 0; i < 150; i++) t.update(s.close[i]!, s.volume[i]!);
    const out = new Float64Array(6);
    t.write(out, 0);
    const lc = (i: number) => Math.log(s.close[i]!);
    expect(out[0]).toBeCloseTo(lc(149) - lc(148), 12);
    expect(out[1]).toBeCloseTo(lc(149) - lc(145), 12);
    expect(out[2]).toBeCloseTo(lc(149) - lc(125), 12);
    const rets = Array.from({ length: 24 }, (_, k) => lc(149 - k) - lc(148 - k));
    const mean = rets.reduce((a, b) => a + b, 0) / 24;
    expect(out[3]).toBeCloseTo(Math.sqrt(rets.reduce((a, r) => a + (r - mean) ** 2, 0) / 24), 10);
    const vols = Array.from({ length: 48 }, (_, k) => s.volume[149 - k]!);
    const vm = vols.reduce((a, b) => a + b, 0) / 48;
    const vsd = Math.sqrt(vols.reduce((a, v) => a + (v - vm) ** 2, 0) / 48);
    expect(out[5]).toBeCloseTo((s.volume[149]! - vm) / vsd, 9);
    expect(FEATURE_NAMES.length).toBe(FEATURE_COUNT);
  });

  it('never read a candle after the decision: changing the future changes no feature', () => {
    const series = featureMarket(24 * 30);
    const decisions = decisionsOn(series, 110, 5);
    const base = replayFeatures(series, HOUR, decisions, SESSION, FEATURE_HISTORY);
    for (const k of [150, 300, 500]) {
      const altered = replayFeatures(alterFrom(series, k + 1), HOUR, decisions, SESSION, FEATURE_HISTORY);
      let compared = 0;
      decisions.forEach((d, i) => {
        if (d.candleStart > series.start[k]!) return;
        expect(altered.ready[i]).toBe(base.ready[i]);
        expect(rowOf(altered.rows, i)).toEqual(rowOf(base.rows, i));
        compared++;
      });
      expect(compared).toBeGreaterThan(5);
      // The alteration is visible: a decision after it does change (so the comparison can fail).
      const after = decisions.findIndex((d) => d.candleStart > series.start[k + 2]!);
      expect(rowOf(altered.rows, after)).not.toEqual(rowOf(base.rows, after));
    }
  });

  it('wait for the declared history and start over after a gap, as the kernel does', () => {
    const series = featureMarket(400);
    const decisions = decisionsOn(series, 0, 1);
    const { ready } = replayFeatures(series, HOUR, decisions, SESSION, FEATURE_HISTORY);
    expect(ready.indexOf(true)).toBe(FEATURE_HISTORY - 1);
    // Remove row 200: the tracker restarts there and needs FEATURE_HISTORY candles again.
    const keep = (a: Float64Array) => Float64Array.from([...a.subarray(0, 200), ...a.subarray(201)]);
    const gapped = { length: 399, start: keep(series.start), close: keep(series.close), volume: keep(series.volume) };
    const again = replayFeatures(gapped, HOUR, decisionsOn(gapped, 0, 1), SESSION, FEATURE_HISTORY);
    expect(again.ready[199]).toBe(true);
    expect(again.ready.slice(200, 200 + FEATURE_HISTORY - 1).some(Boolean)).toBe(false);
    expect(again.ready[200 + FEATURE_HISTORY - 1]).toBe(true);
  });

  it('place the session in the configured zone, not a fixed offset', () => {
    const series = featureMarket(24 * 10);
    const decisions = decisionsOn(series, 120, 1);
    const col = FEATURE_NAMES.indexOf('session');
    const sessionOf = (zone: string) => {
      const { rows } = replayFeatures(series, HOUR, decisions, { zone, startHour: 9, endHour: 16 }, FEATURE_HISTORY);
      return decisions.map((_, i) => rows[i * FEATURE_COUNT + col]);
    };
    const ny = sessionOf('America/New_York');
    const tokyo = sessionOf('Asia/Tokyo');
    expect(ny).not.toEqual(tokyo);
    // Seven hours a weekday: about 7/24 x 5/7 of the hours.
    const share = ny.filter((v) => v === 1).length / ny.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.3);
  });
});
