import type { SymbolData } from '../backtest/input.ts';
import type { BacktestTrade } from '../backtest/types.ts';
import { FEATURE_COUNT, type SessionSpec } from '../core/ml/features.ts';
import { replayFeatures, type PastDecision } from '../core/ml/replay.ts';
import { REGIME_CODE, type RegimeLabel } from '../core/indicators/regime.ts';
import { intervalMs, type Interval } from '../domain/types.ts';
import type { MarketColumns } from '../core/ml/replay.ts';
import type { BoundedCache } from './boundedCache.ts';
import { cachedMarketColumns } from './caches.ts';

/**
 * The training set of one preset: every entry the fast backtest engine took, labelled by
 * its outcome (1 = the take-profit was hit before the stop, 0 = the stop or a liquidation
 * came first; trades closed otherwise, e.g. still open at the end of the data, have no
 * label and are left out), with the features the kernel's ML filter would have computed
 * at its signal candle (src/core/ml/replay.ts). Rows whose symbol had less than the
 * model's history at the signal are left out too: the filter would not have been asked.
 */
export interface LabelledSignal {
  readonly symbol: string;
  readonly signalCandleStart: number;
  /** When the outcome became known (the exit): a training span may only use outcomes known by its end. */
  readonly exitTime: number;
  readonly label: 0 | 1;
  readonly netPnl: number;
  /** |target - entry| / |entry - stop| of the signal. */
  readonly rewardRisk: number;
}

export interface Dataset {
  readonly signals: readonly LabelledSignal[];
  /** FEATURE_COUNT values per signal, row-major. */
  readonly rows: Float64Array;
  /** Trades without a label or without the history, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
}

export function labelOf(trade: BacktestTrade): 0 | 1 | null {
  if (trade.exitReason === 'TakeProfit') return 1;
  if (trade.exitReason === 'StopLoss' || trade.exitReason === 'Liquidation') return 0;
  return null;
}

export function buildDataset(trades: readonly BacktestTrade[], presetId: string, factorNames: readonly string[], data: ReadonlyMap<string, SymbolData>, interval: Interval, session: SessionSpec, requiredCandles: number, featureCache?: BoundedCache<string, MarketColumns>): Dataset {
  const dropped: Record<string, number> = {};
  const drop = (why: string) => (dropped[why] = (dropped[why] ?? 0) + 1);
  const bySymbol = new Map<string, { trade: BacktestTrade; label: 0 | 1 }[]>();
  for (const trade of trades) {
    if (trade.presetId !== presetId) continue;
    const label = labelOf(trade);
    if (label === null) {
      drop(`exit ${trade.exitReason}`);
      continue;
    }
    bySymbol.set(trade.symbol, [...(bySymbol.get(trade.symbol) ?? []), { trade, label }]);
  }
  const signals: LabelledSignal[] = [];
  const chunks: Float64Array[] = [];
  for (const [symbol, items] of [...bySymbol.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const series = data.get(symbol)?.series.find((s) => s.interval === interval);
    if (!series) {
      for (let i = 0; i < items.length; i++) drop('no series');
      continue;
    }
    const decisions: PastDecision[] = items.map(({ trade }) => ({
      candleStart: trade.signalCandleStart,
      factors: [trade.factors[factorNames[0]!] ?? 0, trade.factors[factorNames[1]!] ?? 0, trade.factors[factorNames[2]!] ?? 0],
      side: trade.side,
      regime: REGIME_CODE[trade.regime as RegimeLabel] ?? 0,
    }));
    const columns = featureCache ? cachedMarketColumns(featureCache, series, intervalMs(interval)) : undefined;
    const replayed = replayFeatures(series, intervalMs(interval), decisions, session, requiredCandles, columns);
    items.forEach(({ trade, label }, i) => {
      if (!replayed.ready[i]) {
        drop('history short of the model');
        return;
      }
      const risk = Math.abs(trade.entryPrice - trade.stopLoss);
      signals.push({ symbol, signalCandleStart: trade.signalCandleStart, exitTime: trade.exitTime, label, netPnl: trade.netPnl, rewardRisk: risk > 0 ? Math.abs(trade.takeProfit - trade.entryPrice) / risk : 0 });
      chunks.push(replayed.rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT));
    });
  }
  // Chronological order (ties: symbol), the order walk-forward folds cut.
  const order = signals.map((_, i) => i).sort((a, b) => signals[a]!.signalCandleStart - signals[b]!.signalCandleStart || signals[a]!.symbol.localeCompare(signals[b]!.symbol));
  const rows = new Float64Array(order.length * FEATURE_COUNT);
  order.forEach((from, to) => rows.set(chunks[from]!, to * FEATURE_COUNT));
  return { signals: order.map((i) => signals[i]!), rows, dropped };
}

/** The rows (and labels) of the signals `keep` selects. */
export function subset(dataset: Dataset, keep: (s: LabelledSignal) => boolean): { rows: Float64Array; labels: number[]; signals: LabelledSignal[] } {
  const signals: LabelledSignal[] = [];
  const parts: number[] = [];
  dataset.signals.forEach((s, i) => {
    if (!keep(s)) return;
    signals.push(s);
    parts.push(i);
  });
  const rows = new Float64Array(parts.length * FEATURE_COUNT);
  parts.forEach((i, k) => rows.set(dataset.rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), k * FEATURE_COUNT));
  return { rows, labels: signals.map((s) => s.label), signals };
}
