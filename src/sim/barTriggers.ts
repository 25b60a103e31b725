import { liquidationPrice } from '../core/account/account.ts';
import { newBarExit, resolveBarExit } from '../core/fills/barExit.ts';
import type { EngineCore } from './engineCore.ts';
import type { ReplayMarket } from './replayMarket.ts';
import { closeByTrigger } from './triggers.ts';

const exit = newBarExit();

/**
 * Stored candles, bar by bar: every bar of `symbol` that ends in (from, to] is applied in
 * time order. Resting limit orders fill when the bar's range reaches their price (at the
 * open if it gapped through, as a maker); then the position's stop-loss, take-profit and
 * liquidation are resolved by the core bar-level fill model (stop first when both are inside
 * the bar, a gap fills at the open). A fill is stamped with the bar's open time.
 */
export function processBars(core: EngineCore, market: ReplayMarket, symbol: string, from: number, to: number): void {
  const series = market.priceSeries(symbol);
  const { tickSize } = core.options.market.instrument(symbol);
  for (let i = market.firstBarEndingAfter(symbol, from); i < series.length && series.start[i]! + market.stepOf(symbol) <= to; i++) {
    const start = series.start[i]!;
    const open = series.open[i]!;
    const high = series.high[i]!;
    const low = series.low[i]!;
    for (const order of [...core.orders.open(symbol)]) {
      if (order.status !== 'New' || order.orderType !== 'Limit') continue;
      const buy = order.side === 'Buy';
      if (buy ? low <= order.price : high >= order.price) core.fill(order, buy ? Math.min(order.price, open) : Math.max(order.price, open), true, start);
    }
    const position = core.account.position(symbol);
    if (position.size === 0) {
      if (core.orders.open(symbol).length === 0) return;
      continue;
    }
    const triggers = { size: position.size, stopLoss: position.stopLoss, takeProfit: position.takeProfit, liquidation: liquidationPrice(position, tickSize) };
    if (resolveBarExit(triggers, open, high, low, core.options.slippageBps, tickSize, exit)) {
      closeByTrigger(core, position, exit.kind, exit.trigger, exit.price, start);
    }
  }
}
