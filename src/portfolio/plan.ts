import type { AppConfig } from '../../config/schema.ts';
import { PortfolioBook, portfolioActive, type PortfolioPlan } from '../core/portfolio/book.ts';
import type { BacktestTrade } from '../backtest/types.ts';
import type { PresetTrade } from '../core/portfolio/types.ts';
import { ConfigError } from '../domain/errors.ts';
import { intervalMs, type Interval } from '../domain/types.ts';

/**
 * The portfolio book's plan from the configuration, the same for the fast engine and the
 * runtime: the enabled presets in config order, each symbol measured on the interval of
 * its first preset, correlations measured only when risk.maxCorrelatedExposurePct can bind.
 */
export function portfolioPlan(config: AppConfig, start: number): PortfolioPlan {
  const presets = config.strategies.filter((p) => p.enabled).map((p) => ({ id: p.id, symbols: [...p.symbols] }));
  const intervalOf = new Map<string, Interval>();
  for (const p of config.strategies) {
    if (!p.enabled) continue;
    for (const symbol of p.symbols) if (!intervalOf.has(symbol)) intervalOf.set(symbol, (p.params as { interval: Interval }).interval);
  }
  const stepOf = new Map([...intervalOf].map(([symbol, interval]) => [symbol, intervalMs(interval)]));
  const cross = config.portfolio.crossAsset;
  if (cross.enabled) {
    const step = stepOf.get(cross.leader);
    const tf = cross.timeframeMinutes * 60_000;
    if (step === undefined || tf % step !== 0) {
      throw new ConfigError([`portfolio.crossAsset.timeframeMinutes ${cross.timeframeMinutes} must be a multiple of the ${cross.leader} candle interval (${step === undefined ? 'not traded' : `${step / 60_000} minutes`})`]);
    }
  }
  return { settings: config.portfolio, presets, stepOf, correlation: config.risk.maxCorrelatedExposurePct < config.risk.maxTotalExposurePct, start };
}

/** The book of a run, or null when the portfolio section changes nothing (the default). */
export function createPortfolioBook(config: AppConfig, start: number): PortfolioBook | null {
  const plan = portfolioPlan(config, start);
  return portfolioActive(plan.settings, plan.correlation) ? new PortfolioBook(plan) : null;
}

/** A closed trade as the performance mode scores it: net PnL over the entry notional. */
export function presetTradeOf(t: Pick<BacktestTrade, 'presetId' | 'symbol' | 'exitTime' | 'netPnl' | 'qty' | 'entryPrice'>): PresetTrade {
  const notional = t.qty * t.entryPrice;
  return { presetId: t.presetId, symbol: t.symbol, exitTime: t.exitTime, ret: notional > 0 ? t.netPnl / notional : 0 };
}
