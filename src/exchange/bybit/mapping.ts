import type { z } from 'zod';
import type { Balance, Candle, Execution, Instrument, Order, OrderStatus, Position, Ticker, TimeInForce } from '../../domain/types.ts';
import type {
  ExecutionSchema,
  InstrumentSchema,
  KlineResultSchema,
  OrderSchema,
  PositionSchema,
  TickerSchema,
  WalletResultSchema,
  WsKlineSchema,
  WsPositionSchema,
} from './schemas.ts';

/** Pure DTO -> domain mapping. Raw Bybit shapes never leave src/exchange/bybit. */

/** Bybit lists klines newest first; the domain wants oldest first. */
export function toCandles(result: z.infer<typeof KlineResultSchema>): Candle[] {
  return result.list
    .map(([start, open, high, low, close, volume, turnover]) => ({ start: Number(start), open, high, low, close, volume, turnover }))
    .sort((a, b) => a.start - b.start);
}

export function wsKlineToCandle(k: z.infer<typeof WsKlineSchema>): Candle {
  return { start: k.start, open: k.open, high: k.high, low: k.low, close: k.close, volume: k.volume, turnover: k.turnover };
}

export function toTicker(t: z.infer<typeof TickerSchema>, time: number): Ticker {
  return { symbol: t.symbol, lastPrice: t.lastPrice, markPrice: t.markPrice, bid1Price: t.bid1Price, ask1Price: t.ask1Price, time };
}

export function toInstrument(i: z.infer<typeof InstrumentSchema>): Instrument {
  return {
    symbol: i.symbol,
    status: i.status,
    baseCoin: i.baseCoin,
    quoteCoin: i.quoteCoin,
    tickSize: i.priceFilter.tickSize,
    minPrice: i.priceFilter.minPrice,
    maxPrice: i.priceFilter.maxPrice,
    qtyStep: i.lotSizeFilter.qtyStep,
    minOrderQty: i.lotSizeFilter.minOrderQty,
    maxOrderQty: i.lotSizeFilter.maxOrderQty,
    maxMktOrderQty: i.lotSizeFilter.maxMktOrderQty,
    minNotional: i.lotSizeFilter.minNotionalValue ?? 0,
    minLeverage: i.leverageFilter.minLeverage,
    maxLeverage: i.leverageFilter.maxLeverage,
    leverageStep: i.leverageFilter.leverageStep,
  };
}

/**
 * The USDT row of the unified account. Available balance: Bybit deprecated the per-coin
 * `availableToWithdraw`, so it is wallet balance minus what positions and orders lock.
 */
export function toBalance(result: z.infer<typeof WalletResultSchema>, coin: string, time: number): Balance {
  const account = result.list[0];
  const row = account?.coin.find((c) => c.coin === coin);
  if (!account || !row) return { coin, equity: 0, walletBalance: 0, availableBalance: 0, unrealisedPnl: 0, time };
  const locked = (row.totalPositionIM ?? 0) + (row.totalOrderIM ?? 0) + (row.locked ?? 0);
  return {
    coin,
    equity: row.equity,
    walletBalance: row.walletBalance,
    availableBalance: Math.max(0, row.walletBalance + Math.min(0, row.unrealisedPnl) - locked),
    unrealisedPnl: row.unrealisedPnl,
    time,
  };
}

type RestPosition = z.infer<typeof PositionSchema>;
type WsPosition = z.infer<typeof WsPositionSchema>;

export function toPosition(p: RestPosition | WsPosition): Position {
  const size = p.size;
  const side = size > 0 && (p.side === 'Buy' || p.side === 'Sell') ? p.side : 'None';
  const avgPrice = 'entryPrice' in p && p.entryPrice !== undefined ? p.entryPrice : (p.avgPrice ?? 0);
  return {
    symbol: p.symbol,
    side,
    size,
    avgPrice,
    markPrice: p.markPrice,
    leverage: p.leverage,
    positionValue: p.positionValue,
    unrealisedPnl: p.unrealisedPnl,
    cumRealisedPnl: p.cumRealisedPnl,
    stopLoss: p.stopLoss ?? 0,
    takeProfit: p.takeProfit ?? 0,
    liqPrice: p.liqPrice ?? 0,
    updatedTime: p.updatedTime,
  };
}

function toStatus(status: z.infer<typeof OrderSchema>['orderStatus']): OrderStatus {
  // Spot-only status; linear never sends it, but keep the mapping total.
  return status === 'PartiallyFilledCanceled' ? 'Cancelled' : status;
}

function toTimeInForce(tif: z.infer<typeof OrderSchema>['timeInForce']): TimeInForce {
  return tif === 'RPI' ? 'PostOnly' : tif;
}

export function toOrder(o: z.infer<typeof OrderSchema>): Order {
  const stopOrderType = o.stopOrderType === 'UNKNOWN' ? '' : (o.stopOrderType ?? '');
  return {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    price: o.orderType === 'Market' ? 0 : o.price,
    qty: o.qty,
    status: toStatus(o.orderStatus),
    timeInForce: toTimeInForce(o.timeInForce),
    cumExecQty: o.cumExecQty,
    cumExecValue: o.cumExecValue,
    cumExecFee: o.cumExecFee ?? 0,
    avgPrice: o.avgPrice,
    reduceOnly: o.reduceOnly,
    stopLoss: o.stopLoss ?? 0,
    takeProfit: o.takeProfit ?? 0,
    stopOrderType,
    rejectReason: o.rejectReason === 'EC_NoError' ? '' : (o.rejectReason ?? ''),
    createdTime: o.createdTime,
    updatedTime: o.updatedTime,
  };
}

/** Execution rows that are not fills (funding settlements, deliveries): the port's executions are fills only. */
const NOT_FILLS = new Set(['Funding', 'Settle', 'Delivery']);

export function isFill(e: z.infer<typeof ExecutionSchema>): boolean {
  return e.execType === undefined || !NOT_FILLS.has(e.execType);
}

export function toExecution(e: z.infer<typeof ExecutionSchema>): Execution {
  const stop = e.stopOrderType && e.stopOrderType !== 'UNKNOWN' ? e.stopOrderType : '';
  return {
    execId: e.execId,
    orderId: e.orderId,
    orderLinkId: e.orderLinkId,
    symbol: e.symbol,
    side: e.side,
    execPrice: e.execPrice,
    execQty: e.execQty,
    execFee: e.execFee,
    isMaker: e.isMaker,
    execTime: e.execTime,
    closedSize: e.closedSize ?? 0,
    stopOrderType: stop === '' ? 'Trade' : stop,
  };
}

/** Domain numbers -> Bybit decimal strings, without float noise such as 0.30000000000000004. */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  const text = Number(value.toPrecision(12)).toString();
  return text.includes('e') ? value.toFixed(12).replace(/\.?0+$/, '') : text;
}
