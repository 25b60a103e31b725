import type { Candle } from '../domain/types.ts';
import type { BadDataKind } from './faults.ts';

/** How many of the newest closed candles a value-level corruption touches. */
const CORRUPTED = 2;

/**
 * Corrupts an oldest-first candle list the way real feeds go wrong (B1.1-B1.3 of the bot):
 * NaN closes, zero volume, a flat (halted) market, out-of-order rows, a gap, a duplicate.
 * `closedCount` is how many leading candles are closed (the last may still be forming):
 * corruption aims at closed candles, which is what a strategy acts on.
 */
export function corruptCandles(candles: readonly Candle[], kinds: readonly BadDataKind[], closedCount: number): Candle[] {
  let out = candles.map((c) => ({ ...c }));
  const closed = Math.min(closedCount, out.length);
  const targets = (n: number): number[] => Array.from({ length: Math.min(n, closed) }, (_, k) => closed - 1 - k);
  for (const kind of kinds) {
    switch (kind) {
      case 'nan':
        for (const i of targets(CORRUPTED)) out[i] = { ...out[i]!, close: Number.NaN };
        break;
      case 'zeroVolume':
        out = out.map((c) => ({ ...c, volume: 0, turnover: 0 }));
        break;
      case 'flat': {
        const level = out[out.length - 1]?.close ?? 0;
        out = out.map((c) => ({ ...c, open: level, high: level, low: level, close: level, volume: 0, turnover: 0 }));
        break;
      }
      case 'outOfOrder':
        // Swap the two newest closed candles.
        if (closed >= 2) [out[closed - 1], out[closed - 2]] = [out[closed - 2]!, out[closed - 1]!];
        break;
      case 'gap':
        // Two candles vanish from the middle of the closed history.
        if (closed >= 5) out.splice(Math.floor(closed / 2), 2);
        break;
      case 'duplicate':
        if (closed >= 1) out.splice(closed - 1, 0, { ...out[closed - 1]! });
        break;
    }
  }
  return out;
}

/** Value-level corruption of one pushed WS candle (order/gap/duplicate are stream-level). */
export function corruptOne(candle: Candle, kinds: readonly BadDataKind[]): Candle {
  return corruptCandles([candle], kinds.filter((k) => k === 'nan' || k === 'zeroVolume' || k === 'flat'), 1)[0]!;
}
