import type { Candle, Instrument, Position } from '../../src/domain/types.ts';
import type { MarketSnapshot } from '../../machines/strategy.types.ts';

export const MINUTE = 60_000;

export const BTC: Instrument = {
  symbol: 'BTCUSDT',
  status: 'Trading',
  baseCoin: 'BTC',
  quoteCoin: 'USDT',
  tickSize: 0.1,
  minPrice: 0.1,
  maxPrice: 1_999_999.8,
  qtyStep: 0.001,
  minOrderQty: 0.001,
  maxOrderQty: 1190,
  maxMktOrderQty: 500,
  minNotional: 5,
  minLeverage: 1,
  maxLeverage: 100,
  leverageStep: 0.01,
};

/** Kinds of market data that steer the strategy machine into each of its branches (with testStrategy). */
export type MarketKind = 'long' | 'short' | 'none' | 'stale' | 'nan' | 'positionOpen' | 'bug' | 'garbage';

/** 30 closed 1-minute candles ending just before `now`, plus the forming one. */
export function candles(now: number, lastBody: number, count = 30): Candle[] {
  const currentStart = Math.floor(now / MINUTE) * MINUTE;
  const out: Candle[] = [];
  let price = 60_000;
  for (let i = count; i >= 0; i--) {
    const start = currentStart - i * MINUTE;
    const body = i === 1 ? lastBody : (i % 2 === 0 ? 15 : -10);
    const open = price;
    const close = price + body;
    out.push({ start, open, high: Math.max(open, close) + 5, low: Math.min(open, close) - 5, close, volume: 10 + (i % 3), turnover: 10 * close });
    price = close;
  }
  return out;
}

const emptyPosition = (symbol: string): Position => ({
  symbol,
  side: 'None',
  size: 0,
  avgPrice: 0,
  markPrice: 0,
  leverage: 5,
  positionValue: 0,
  unrealisedPnl: 0,
  cumRealisedPnl: 0,
  stopLoss: 0,
  takeProfit: 0,
  liqPrice: 0,
  updatedTime: 0,
});

export function market(kind: MarketKind, now: number): MarketSnapshot {
  const body = kind === 'short' ? -20 : kind === 'none' ? 0 : kind === 'bug' ? 5000 : 20;
  let list = candles(kind === 'stale' ? now - 30 * MINUTE : now, body);
  if (kind === 'nan') list = list.map((c, i) => (i === 3 ? { ...c, close: Number.NaN } : c));
  const positions = kind === 'positionOpen' ? [{ ...emptyPosition('BTCUSDT'), side: 'Buy' as const, size: 0.01, avgPrice: 60_000, positionValue: 600 }] : [];
  if (kind === 'garbage') {
    // A malformed snapshot (an adapter bug): the validating step must fail, not throw.
    return { now, candles: null, instrument: BTC, portfolio: null, tradingState: 'ACTIVE' } as unknown as MarketSnapshot;
  }
  return {
    now,
    candles: list,
    instrument: BTC,
    portfolio: { equity: 10_000, availableBalance: 10_000, positions, openOrders: [], dayStartEquity: 10_000 },
    tradingState: 'ACTIVE',
  };
}
