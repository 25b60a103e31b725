import type { z } from 'zod';
import { EXEC_TYPES, type Balance, type Candle, type ExecType, type Execution, type Instrument, type Order, type OrderStatus, type Position, type Ticker, type TimeInForce } from '../../domain/types.ts';
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
 * The account's balance for USDT-settled trading.
 *
 * A unified account (UTA) margins USDT perpetuals with every collateral coin: its equity
 * and available balance are the account-level `totalEquity` / `totalAvailableBalance`
 * (USD), not the USDT row alone (a real account showed 3,212 on its USDT row and 89,988
 * available). A classic account has only its coin rows ("" totals): the USDT row, with the
 * available balance as wallet balance minus what positions and orders lock (Bybit
 * deprecated the per-coin `availableToWithdraw`).
 *
 * Returns null when the account cannot be known from this data: no account, or a classic
 * account without a USDT row. A `wallet` push carries only the coins that changed, so a
 * push without USDT says nothing about USDT (it is not a zero balance).
 */
export function toBalance(result: z.infer<typeof WalletResultSchema>, coin: string, time: number): Balance | null {
  const account = result.list.find((a) => a.accountType === 'UNIFIED') ?? result.list[0];
  if (!account) return null;
  const row = account.coin.find((c) => c.coin === coin);
  if (account.totalEquity !== undefined && account.totalAvailableBalance !== undefined) {
    return {
      coin,
      equity: account.totalEquity,
      walletBalance: row?.walletBalance ?? account.totalWalletBalance ?? account.totalEquity,
      availableBalance: Math.max(0, account.totalAvailableBalance),
      unrealisedPnl: row?.unrealisedPnl ?? account.totalPerpUPL ?? 0,
      time,
    };
  }
  if (!row) return null;
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

/** Bybit's execType, kept: a 'Funding' row is a funding payment, never a Buy or Sell fill. */
function toExecType(value: string | undefined): ExecType {
  if (value === undefined || value === '') return 'Trade';
  return (EXEC_TYPES as readonly string[]).includes(value) ? (value as ExecType) : 'Other';
}

export function toExecution(e: z.infer<typeof ExecutionSchema>): Execution {
  const stop = e.stopOrderType && e.stopOrderType !== 'UNKNOWN' ? e.stopOrderType : '';
  return {
    execType: toExecType(e.execType),
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
