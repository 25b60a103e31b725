import type { Random } from '../core/rng.ts';
import type { RegimeName } from './types.ts';

/**
 * One stretch of market behaviour. Unforced symbols switch between trend and range
 * segments of a few hours; a forced regime keeps its kind for ever.
 */
export interface Segment {
  readonly kind: 'trend' | 'range' | 'crash' | 'flat';
  readonly startIndex: number;
  readonly endIndex: number;
  /** Per-minute log-return standard deviation. */
  readonly sigma: number;
  /** Per-minute log drift (trend, crash). */
  readonly drift: number;
  /** Range: pull per minute towards the oscillating centre. */
  readonly kappa: number;
  readonly anchor: number;
  /** Range: amplitude (log) and period (minutes) of the centre's swing. */
  readonly amplitude: number;
  readonly period: number;
}

/** ~0.07 % per minute: close to BTC's typical 1-minute volatility. */
const BASE_SIGMA = 0.0007;

export function nextSegment(random: Random, forced: RegimeName | undefined, startIndex: number, logPrice: number): Segment {
  const length = 120 + Math.floor(random() * 240);
  const sigma = BASE_SIGMA * (0.7 + 0.6 * random());
  const common = { startIndex, endIndex: startIndex + length, sigma, drift: 0, kappa: 0, anchor: logPrice, amplitude: 0, period: 1 };
  if (forced === 'flat') return { ...common, kind: 'flat', sigma: 0, endIndex: Number.MAX_SAFE_INTEGER };
  // -0.02 %/min is about -25 % a day, several times the day's noise: a crash every run.
  if (forced === 'crash') return { ...common, kind: 'crash', sigma: 0.0012, drift: -0.0002, endIndex: Number.MAX_SAFE_INTEGER };
  const kind = forced === 'trend' ? 'trend' : forced === 'range' ? 'range' : random() < 0.35 ? 'trend' : 'range';
  if (kind === 'trend') {
    const direction = random() < 0.5 ? -1 : 1;
    return { ...common, kind, drift: direction * sigma * (0.08 + 0.12 * random()) };
  }
  // The centre swings by 0.3-0.7 % over 1.5-4 hours and price is pulled to it with a
  // half-life of 15-45 minutes: on 5m candles that touches the Bollinger bands every few hours.
  return { ...common, kind, kappa: 0.015 + 0.03 * random(), amplitude: 0.003 + 0.004 * random(), period: 90 + 150 * random() };
}

/** Log return of minute `index` inside the segment, from a standard normal shock. */
export function stepReturn(segment: Segment, index: number, logPrice: number, shock: number): number {
  switch (segment.kind) {
    case 'flat':
      return 0;
    case 'trend':
    case 'crash':
      return segment.drift + segment.sigma * shock;
    case 'range': {
      const centre = segment.anchor + segment.amplitude * Math.sin((2 * Math.PI * (index - segment.startIndex)) / segment.period);
      return segment.kappa * (centre - logPrice) + segment.sigma * shock;
    }
  }
}
