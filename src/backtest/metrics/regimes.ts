import { MARKET_REGIMES, REGIME_LABELS, type RegimeLabel } from '../../core/indicators/regime.ts';
import type { ResultTrade } from '../types.ts';
import { regimeRow, type RegimeRow } from './confluence.ts';

/**
 * Performance per market regime at the signal, for the `--json` results (`regimes` of the
 * portfolio and of each preset x symbol row). The same figures as the report's "By market
 * regime" table (regimeRow), keyed by regime so a script can read `regimes.ranging.meanR`:
 * every label is always present (an empty regime has 0 trades and null ratios), in a fixed
 * order. A trade whose regime is not a known label counts as `unknown`. Each regime's
 * figures are a RegimeRow's without its group and label (the key says the regime).
 */
export type RegimeFigures = Omit<RegimeRow, 'presetId' | 'regime'>;

export type RegimeBreakdown = Readonly<Record<RegimeLabel, RegimeFigures>>;

/** trendingUp, trendingDown, ranging, volatile, unknown: the JSON's key order. */
export const REGIME_KEYS: readonly RegimeLabel[] = [...MARKET_REGIMES, 'unknown'];

const labelOf = (regime: string | undefined): RegimeLabel => ((REGIME_LABELS as readonly string[]).includes(regime ?? '') ? (regime as RegimeLabel) : 'unknown');

export function regimeFigures(trades: readonly ResultTrade[]): RegimeBreakdown {
  const groups = new Map<RegimeLabel, ResultTrade[]>(REGIME_KEYS.map((k) => [k, []]));
  for (const t of trades) groups.get(labelOf(t.regime))!.push(t);
  const out = {} as Record<RegimeLabel, RegimeFigures>;
  for (const key of REGIME_KEYS) {
    const { trades: n, winRatePct, netPnl, meanR, profitFactor, sharePct } = regimeRow(null, key, groups.get(key)!, trades.length);
    out[key] = { trades: n, winRatePct, netPnl, meanR, profitFactor, sharePct };
  }
  return out;
}
