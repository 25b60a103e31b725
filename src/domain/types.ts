/**
 * Domain types shared by every layer. All timestamps are UTC epoch milliseconds.
 * Prices and quantities are plain numbers that have already been rounded to the
 * instrument's tickSize / qtyStep by `src/core/steps.ts`; adapters format them as
 * the exchange's decimal strings at the edge.
 */

export type Side = 'Buy' | 'Sell';

/** Kline intervals we trade on (Bybit V5 names). D/W/M are left out: their length is not a fixed number of ms. */
export const INTERVALS = ['1', '3', '5', '15', '30', '60', '120', '240', '360', '720'] as const;
export type Interval = (typeof INTERVALS)[number];

export function intervalMs(interval: Interval): number {
  return Number(interval) * 60_000;
}

/** One OHLCV bar; `start` is the candle's open time. Volume is in the base coin. */
export interface Candle {
  readonly start: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly turnover: number;
}

/** Trading rules of a linear perpetual, as Bybit publishes them in instruments-info. */
export interface Instrument {
  readonly symbol: string;
  readonly status: 'Trading' | 'PreLaunch' | 'Delivering' | 'Closed';
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly tickSize: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly qtyStep: number;
  readonly minOrderQty: number;
  readonly maxOrderQty: number;
  readonly maxMktOrderQty: number;
  /** Minimum order value in quote coin (Bybit `minNotionalValue`). */
  readonly minNotional: number;
  readonly minLeverage: number;
  readonly maxLeverage: number;
  readonly leverageStep: number;
}

export interface Ticker {
  readonly symbol: string;
  readonly lastPrice: number;
  readonly markPrice: number;
  readonly bid1Price: number;
  readonly ask1Price: number;
  readonly time: number;
}

/** USDT balance of the unified account. */
export interface Balance {
  readonly coin: string;
  readonly equity: number;
  readonly walletBalance: number;
  readonly availableBalance: number;
  readonly unrealisedPnl: number;
  readonly time: number;
}

/** One-way mode position (positionIdx 0). A flat position has size 0 and side 'None'. */
export interface Position {
  readonly symbol: string;
  readonly side: Side | 'None';
  readonly size: number;
  readonly avgPrice: number;
  readonly markPrice: number;
  readonly leverage: number;
  readonly positionValue: number;
  readonly unrealisedPnl: number;
  readonly cumRealisedPnl: number;
  /** 0 means "not set", as on Bybit. */
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly liqPrice: number;
  readonly updatedTime: number;
}

export type OrderType = 'Market' | 'Limit';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'PostOnly';
export type OrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Untriggered'
  | 'Filled'
  | 'Cancelled'
  | 'Rejected'
  | 'Triggered'
  | 'Deactivated';

export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = ['New', 'PartiallyFilled', 'Untriggered'];

export interface Order {
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  /** 0 for market orders. */
  readonly price: number;
  readonly qty: number;
  readonly status: OrderStatus;
  readonly timeInForce: TimeInForce;
  readonly cumExecQty: number;
  readonly cumExecValue: number;
  readonly cumExecFee: number;
  /** 0 when nothing has filled yet. */
  readonly avgPrice: number;
  readonly reduceOnly: boolean;
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** Bybit `stopOrderType`: '' for plain orders, 'StopLoss' / 'TakeProfit' for position TP/SL orders. */
  readonly stopOrderType: string;
  readonly rejectReason: string;
  readonly createdTime: number;
  readonly updatedTime: number;
}

export interface PlaceOrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly qty: number;
  /** Required for Limit orders. */
  readonly price?: number;
  readonly timeInForce?: TimeInForce;
  /** Deterministic idempotency key, at most 36 chars of [0-9A-Za-z_-]. */
  readonly orderLinkId: string;
  readonly reduceOnly?: boolean;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

/** Bybit acknowledges an order before processing it; the final state comes later. */
export interface OrderAck {
  readonly orderId: string;
  readonly orderLinkId: string;
}

export interface Execution {
  readonly execId: string;
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly execPrice: number;
  readonly execQty: number;
  readonly execFee: number;
  readonly isMaker: boolean;
  readonly execTime: number;
  /** Quantity of an existing position this fill closed (Bybit `closedSize`). */
  readonly closedSize: number;
  /** 'Trade', or 'StopLoss' / 'TakeProfit' when the fill came from a position stop. */
  readonly stopOrderType: string;
  /**
   * Bybit `execType`; absent means 'Trade'. 'Funding' rows are funding payments, not
   * fills: execQty is the position size, execPrice the mark price, execFee the amount paid
   * (negative = received).
   */
  readonly execType?: ExecType;
}

/** Bybit execution types (docs/v5/enum#exectype); unknown values map to 'Other'. */
export const EXEC_TYPES = ['Trade', 'AdlTrade', 'Funding', 'BustTrade', 'Delivery', 'Settle', 'BlockTrade', 'MovePosition', 'Other'] as const;
export type ExecType = (typeof EXEC_TYPES)[number];

/** NautilusTrader's trading states: HALTED denies new orders (cancels pass), REDUCING allows only reduce-only orders. */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** The three escalation levels of backlog B2.3. */
export type EscalationLevel = 'strategy' | 'symbol' | 'system';
