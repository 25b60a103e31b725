import type { Instrument, Order, Position } from '../../../src/domain/types.ts';
import { BTC } from '../../support/marketFixtures.ts';
import type { Signal } from '../../../src/core/strategy/contract.ts';
import type { EntryRequest, RiskLimits } from '../../../src/core/risk/types.ts';

// The same BTCUSDT filters as the machine tests use.
export { BTC };

export const LIMITS: RiskLimits = {
  riskPerTradePct: 1,
  minRewardRisk: 1.5,
  maxLeverage: 5,
  maxPositionPct: 100,
  maxTotalExposurePct: 250,
  maxOpenPositions: 3,
  dailyLossLimitPct: 5,
  minScore: 0.3,
};

export const LONG: Signal = {
  action: 'long',
  price: 60_000,
  stopLoss: 59_400,
  takeProfit: 61_200,
  factors: { a: 1, b: 1, c: 1 },
  score: 1,
  mode: 'full',
  reason: 'test',
  strategyId: 'range-v1',
  strategyType: 'range',
  symbol: 'BTCUSDT',
  candleStart: 0,
};

export function position(symbol: string, positionValue: number, size = 1): Position {
  return {
    symbol,
    side: 'Buy',
    size,
    avgPrice: positionValue / size,
    markPrice: positionValue / size,
    leverage: 1,
    positionValue,
    unrealisedPnl: 0,
    cumRealisedPnl: 0,
    stopLoss: 0,
    takeProfit: 0,
    liqPrice: 0,
    updatedTime: 0,
  };
}

export function order(symbol: string, patch: Partial<Order> = {}): Order {
  return {
    orderId: 'o1',
    orderLinkId: 'bb1-x',
    symbol,
    side: 'Buy',
    orderType: 'Limit',
    price: 1,
    qty: 1,
    status: 'New',
    timeInForce: 'GTC',
    cumExecQty: 0,
    cumExecValue: 0,
    cumExecFee: 0,
    avgPrice: 0,
    reduceOnly: false,
    stopLoss: 0,
    takeProfit: 0,
    stopOrderType: '',
    rejectReason: '',
    createdTime: 0,
    updatedTime: 0,
    ...patch,
  };
}

export function request(patch: {
  signal?: Partial<Signal>;
  instrument?: Partial<Instrument>;
  portfolio?: Partial<EntryRequest['portfolio']>;
  limits?: Partial<RiskLimits>;
  tradingState?: EntryRequest['tradingState'];
} = {}): EntryRequest {
  return {
    signal: { ...LONG, ...patch.signal },
    instrument: { ...BTC, ...patch.instrument },
    portfolio: { equity: 10_000, availableBalance: 10_000, positions: [], openOrders: [], dayStartEquity: 10_000, ...patch.portfolio },
    limits: { ...LIMITS, ...patch.limits },
    tradingState: patch.tradingState ?? 'ACTIVE',
  };
}
