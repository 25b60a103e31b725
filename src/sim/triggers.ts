import { liquidationPrice, type PositionState } from '../core/account/account.ts';
import type { EngineCore } from './engineCore.ts';
import type { MutableOrder } from './orderStore.ts';
import { walkPath } from './pathWalk.ts';
import { closingSide, stopOrderView, type StopKind } from './views.ts';

/**
 * Replays the price path of (from, now] for every symbol with resting orders or a
 * position, symbol by symbol in sorted order, so that resting limits, TP/SL and
 * liquidations happen at the simulated time they would have on a real exchange.
 */
export function processTriggers(core: EngineCore, from: number, now: number): void {
  const symbols = new Set([...core.orders.restingSymbols(), ...core.account.open().map((p) => p.symbol)]);
  for (const symbol of [...symbols].sort()) {
    const active = (): boolean => core.orders.open(symbol).length > 0 || core.account.position(symbol).size !== 0;
    walkPath(core.options.market, symbol, from, now, (a, b, time) => onMove(core, symbol, a, b, time), active);
  }
}

function onMove(core: EngineCore, symbol: string, from: number, to: number, time: number): void {
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  for (const order of [...core.orders.open(symbol)]) {
    // An earlier fill in this loop may have cancelled it (reduce-only with nothing left).
    if (order.status !== 'New') continue;
    if (order.side === 'Buy' ? low <= order.price : high >= order.price) core.fill(order, order.price, true, time);
  }
  const position = core.account.position(symbol);
  if (position.size === 0) return;
  const long = position.size > 0;
  const { tickSize } = core.options.market.instrument(symbol);
  const liq = liquidationPrice(position, tickSize);
  // Each candidate trigger crossed by this move; the first one the path reaches wins.
  const crossed: Array<{ kind: StopKind | 'Liquidation'; price: number }> = [];
  const hitsAdverse = (price: number): boolean => price > 0 && (long ? low <= price : high >= price);
  const hitsFavourable = (price: number): boolean => price > 0 && (long ? high >= price : low <= price);
  if (hitsAdverse(position.stopLoss)) crossed.push({ kind: 'StopLoss', price: position.stopLoss });
  if (hitsAdverse(liq)) crossed.push({ kind: 'Liquidation', price: liq });
  if (hitsFavourable(position.takeProfit)) crossed.push({ kind: 'TakeProfit', price: position.takeProfit });
  if (crossed.length === 0) return;
  crossed.sort((a, b) => (to < from ? b.price - a.price : a.price - b.price));
  closeByTrigger(core, position, crossed[0]!.kind, crossed[0]!.price, time);
}

/** TP/SL (market close at the trigger price plus slippage) or liquidation (at liqPrice). */
function closeByTrigger(core: EngineCore, position: PositionState, kind: StopKind | 'Liquidation', trigger: number, time: number): void {
  const { tickSize } = core.options.market.instrument(position.symbol);
  const side = closingSide(position);
  let orderId = core.orderIds.next();
  let createdTime = time;
  if (kind !== 'Liquidation') {
    orderId = (kind === 'StopLoss' ? position.slOrderId : position.tpOrderId) || orderId;
    createdTime = position.stopsSetAt;
    // The triggered order becomes a real order; it must not be deactivated with the other stop.
    if (kind === 'StopLoss') position.slOrderId = '';
    else position.tpOrderId = '';
  }
  // The triggered conditional becomes a plain reduce-only market order for the position.
  const order: MutableOrder = {
    ...stopOrderView(position, kind === 'Liquidation' ? 'StopLoss' : kind, 'New', orderId),
    stopLoss: kind === 'StopLoss' ? trigger : 0,
    stopOrderType: kind === 'Liquidation' ? '' : kind,
    createdTime,
    updatedTime: time,
  };
  core.orders.add(order);
  const price = kind === 'Liquidation' ? trigger : core.slipped(trigger, side, tickSize);
  core.fill(order, price, false, time, kind);
}
