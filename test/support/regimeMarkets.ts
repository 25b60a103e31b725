import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import type { Candle } from '../../src/domain/types.ts';

/**
 * Seeded synthetic hourly markets with known regimes, for the regime classifier's tests: a
 * mean-reverting range, steady up and down trends, and volatility bursts (four times the
 * range's volatility, no drift). Each candle is four sub-steps, so it has a real high/low.
 */
export type PlantedRegime = 'range' | 'up' | 'down' | 'volatile';

export interface PlantedSegment {
  readonly regime: PlantedRegime;
  readonly candles: number;
}

const HOUR = 3_600_000;

export function plantedMarket(seed: number, segments: readonly PlantedSegment[], start = Date.UTC(2024, 0, 1)): { candles: Candle[]; truth: PlantedRegime[] } {
  const random = mulberry32(seed);
  const candles: Candle[] = [];
  const truth: PlantedRegime[] = [];
  let logPrice = Math.log(20_000);
  let t = start;
  for (const seg of segments) {
    const anchor = logPrice;
    for (let i = 0; i < seg.candles; i++) {
      const sigma = seg.regime === 'volatile' ? 0.02 : 0.005;
      const drift = seg.regime === 'up' ? 0.004 : seg.regime === 'down' ? -0.004 : 0;
      const pull = seg.regime === 'range' ? 0.3 : 0;
      const open = Math.exp(logPrice);
      let high = open;
      let low = open;
      for (let k = 0; k < 4; k++) {
        logPrice += (pull * (anchor - logPrice) + drift) / 4 + (sigma / 2) * gaussian(random);
        const p = Math.exp(logPrice);
        high = Math.max(high, p);
        low = Math.min(low, p);
      }
      const close = Math.exp(logPrice);
      const volume = 100 * Math.exp(0.3 * gaussian(random));
      candles.push({ start: t, open, high, low, close, volume, turnover: volume * close });
      truth.push(seg.regime);
      t += HOUR;
    }
  }
  return { candles, truth };
}
