import type {
  Balance,
  Candle,
  Execution,
  Instrument,
  Interval,
  Order,
  OrderAck,
  PlaceOrderRequest,
  Position,
  Ticker,
} from '../domain/types.ts';

/** Every call takes an AbortSignal so an actor leaving its state cancels the request. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface CandleQuery {
  readonly symbol: string;
  readonly interval: Interval;
  /** 1..1000, as on Bybit. */
  readonly limit: number;
  /** Inclusive upper bound on candle start time; defaults to now. */
  readonly end?: number;
  /** Inclusive lower bound on candle start time. */
  readonly start?: number;
}

export interface OrderLookup {
  readonly symbol: string;
  readonly orderId?: string;
  readonly orderLinkId?: string;
}

/** Changes a resting order (Bybit /v5/order/amend): give at least one of qty and price. */
export interface AmendOrderRequest extends OrderLookup {
  readonly qty?: number;
  readonly price?: number;
}

export interface TradingStopRequest {
  readonly symbol: string;
  /** Omit to leave unchanged; 0 removes the stop, as on Bybit. */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

export interface ExecutionQuery {
  readonly symbol?: string;
  readonly startTime?: number;
  readonly limit?: number;
}

/**
 * What the bot may ask of an exchange: the subset of Bybit V5 (category linear, one-way
 * mode, unified account, USDT settlement) that the strategies and the order path use.
 * It only promises what Bybit itself promises: an order call returns an acknowledgement,
 * not a fill; candles come oldest first and the newest one may still be forming; lookups
 * by orderLinkId are how an unknown outcome is resolved.
 *
 * Implementations: the in-process simulator (src/sim) and the Bybit adapter. Failures are
 * always BybotError subclasses (src/domain/errors.ts), never plain objects or strings.
 */
export interface ExchangePort {
  /** Human-readable name for logs and /ready, e.g. "simulator" or "bybit-testnet". */
  readonly venue: string;

  serverTime(options?: CallOptions): Promise<number>;
  instrument(symbol: string, options?: CallOptions): Promise<Instrument>;
  /** Oldest first. The last candle may still be open (start + interval > now). */
  candles(query: CandleQuery, options?: CallOptions): Promise<Candle[]>;
  ticker(symbol: string, options?: CallOptions): Promise<Ticker>;

  balance(options?: CallOptions): Promise<Balance>;
  /** Open positions (size > 0); with a symbol, that symbol's row even when flat. */
  positions(symbol?: string, options?: CallOptions): Promise<Position[]>;
  openOrders(symbol?: string, options?: CallOptions): Promise<Order[]>;
  /** Open or recently closed order by id or orderLinkId; null when the exchange does not know it. */
  findOrder(lookup: OrderLookup, options?: CallOptions): Promise<Order | null>;
  executions(query: ExecutionQuery, options?: CallOptions): Promise<Execution[]>;

  placeOrder(request: PlaceOrderRequest, options?: CallOptions): Promise<OrderAck>;
  /** Amends price and/or quantity of a resting order of ours. */
  amendOrder(request: AmendOrderRequest, options?: CallOptions): Promise<OrderAck>;
  cancelOrder(lookup: OrderLookup, options?: CallOptions): Promise<OrderAck>;
  /** Cancels every open order of the symbol, or of the whole USDT-settled account; position TP/SL stay. */
  cancelAllOrders(symbol?: string, options?: CallOptions): Promise<OrderAck[]>;
  setTradingStop(request: TradingStopRequest, options?: CallOptions): Promise<void>;
  setLeverage(symbol: string, leverage: number, options?: CallOptions): Promise<void>;
  /**
   * The exchange account the key belongs to (Bybit: the UID of /v5/user/query-api), so a
   * journal is never continued with another account. Absent where there is one account only.
   */
  accountId?(options?: CallOptions): Promise<string>;
}
