import type { BacktestRun } from './types.ts';

/**
 * A BacktestRun as plain JSON (typed arrays as arrays, a non-finite R multiple as null),
 * what `--json` writes until the results summary (src/backtest/metrics.ts) is wired in.
 */
export function runToJson(run: BacktestRun): unknown {
  return {
    ...run,
    trades: run.trades.map((t) => ({ ...t, rMultiple: Number.isFinite(t.rMultiple) ? t.rMultiple : null })),
    equity: { time: Array.from(run.equity.time), equity: Array.from(run.equity.equity), exposure: Array.from(run.equity.exposure) },
  };
}

/** The one-line summary the CLI prints. */
export function runHeadline(run: BacktestRun, skipped: readonly string[]) {
  const net = run.endEquity - run.startEquity;
  const wins = run.trades.filter((t) => t.netPnl > 0).length;
  return {
    engine: run.engine,
    market: run.market,
    seed: run.seed,
    from: new Date(run.from).toISOString(),
    to: new Date(run.to).toISOString(),
    presets: run.presets.map((p) => `${p.id}:${p.symbols.join('+')}`),
    skipped,
    trades: run.trades.length,
    winRatePct: run.trades.length > 0 ? Number(((wins / run.trades.length) * 100).toFixed(2)) : null,
    startEquity: run.startEquity,
    endEquity: Number(run.endEquity.toFixed(4)),
    returnPct: Number(((net / run.startEquity) * 100).toFixed(4)),
    pauses: run.pauses.map((p) => ({ kind: p.kind, from: new Date(p.from).toISOString(), until: p.until === null ? null : new Date(p.until).toISOString(), reason: p.reason })),
    candles: run.candlesProcessed,
    elapsedMs: Math.round(run.elapsedMs),
    candlesPerSecond: run.elapsedMs > 0 ? Math.round((run.candlesProcessed / run.elapsedMs) * 1000) : null,
  };
}
