import { liquidationPrice, type PositionState } from '../core/account/account.ts';
import { fundingPayment } from '../core/fills/funding.ts';
import type { EngineCore } from './engineCore.ts';
import type { MarketGenerator } from './market.ts';
import type { MutableOrder } from './orderStore.ts';
import { walkPath } from './pathWalk.ts';
import { processBars } from './barTriggers.ts';
import type { ReplayMarket } from './replayMarket.ts';
import { closingSide, stopOrderView, type StopKind } from './views.ts';

/**
 * Replays the market of (from, now] for every symbol with resting orders or a position,
 * symbol by symbol in sorted order, so that resting limits, TP/SL, liquidations and funding
 * happen at the simulated time they would have on a real exchange. A generated market is
 * walked along its price path; stored candles are replayed bar by bar with the core fill
 * model (barTriggers.ts). Funding settlements inside the span are charged in time order
 * with the price events (bars ending at a settlement time first).
 */
export function processTriggers(core: EngineCore, from: number, now: number): void {
  const market = core.options.market;
  const symbols = new Set([...core.orders.restingSymbols(), ...core.account.open().map((p) => p.symbol)]);
  for (const symbol of [...symbols].sort()) {
    const schedule = market.funding(symbol);
    let t = from;
    for (let k = schedule.firstAfter(from); k < schedule.length && schedule.time(k) <= now; k++) {
      const settlement = schedule.time(k);
      replay(core, symbol, t, settlement);
      chargeFunding(core, symbol, settlement, schedule.rate(k));
      t = settlement;
    }
    replay(core, symbol, t, now);
  }
}

function replay(core: EngineCore, symbol: string, from: number, to: number): void {
  if (to <= from) return;
  const market = core.options.market;
  if (market.model === 'bars') {
    processBars(core, market as ReplayMarket, symbol, from, to);
    return;
  }
  const active = (): boolean => core.orders.open(symbol).length > 0 || core.account.position(symbol).size !== 0;
  walkPath(market as MarketGenerator, symbol, from, to, (a, b, time) => onMove(core, symbol, a, b, time), active);
}

/** A settlement: positions opened before it pay (or receive) value at mark x rate. */
function chargeFunding(core: EngineCore, symbol: string, time: number, rate: number): void {
  const position = core.account.position(symbol);
  if (position.size === 0 || !(position.openedAt < time) || rate === 0) return;
  const mark = core.options.market.markAt(symbol, time);
  const payment = fundingPayment(position.size, mark, rate);
  core.account.applyFunding(symbol, payment);
  core.emitter.emit('funding', { symbol, time, rate, mark, size: position.size, payment });
  core.emitter.emit('wallet', core.balanceView());
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
  // Liquidation still fires at its price (an approximation: the exchange takes the position over there).
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
  const { kind, price: trigger } = crossed[0]!;
  // Gap-through: the move starts beyond the trigger (the bar opened past it), so the stop's
  // market order meets the first price there is, the open, not its trigger.
  const gapped = kind !== 'Liquidation' && (kind === 'TakeProfit' ? (long ? from >= trigger : from <= trigger) : long ? from <= trigger : from >= trigger);
  const reference = gapped ? from : trigger;
  const fill = kind === 'Liquidation' ? trigger : core.takerPrice(symbol, reference, closingSide(position), Math.abs(position.size), time);
  closeByTrigger(core, position, kind, trigger, fill, time);
}

/** TP/SL (market close at `fillPrice`, the trigger or the open plus slippage) or liquidation (at liqPrice). */
export function closeByTrigger(core: EngineCore, position: PositionState, kind: StopKind | 'Liquidation', trigger: number, fillPrice: number, time: number): void {
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
  core.fill(order, fillPrice, false, time, kind);
}
