import type { Balance, Execution, Order, OrderAck, PlaceOrderRequest, Position } from '../domain/types.ts';
import type { ExecutionQuery, OrderLookup, TradingStopRequest } from '../ports/exchange.ts';
import { EngineCore, type EngineEvents, type EngineOptions } from './engineCore.ts';
import { amendOrder, cancelAllOrders, cancelOrder, placeOrder, type AmendOrderRequest } from './placement.ts';
import { setLeverage, setTradingStop } from './positionSettings.ts';
import { executions, findOrder, openOrders, orderHistory, positions } from './queries.ts';
import { processTriggers } from './triggers.ts';

// Re-exported so callers keep importing the engine's types from here.
export type { EngineEvents, EngineOptions } from './engineCore.ts';
export type { AmendOrderRequest } from './placement.ts';

/**
 * The matching engine of the simulated venue: one USDT unified account, one-way mode,
 * linear perpetuals. It is lazy: nothing runs between calls. Every public method first
 * `sync()`s, replaying the price path since the previous call in time order, so resting
 * limits, TP/SL and liquidations happen at the simulated time they would have on a real
 * exchange, however rarely the engine is asked.
 *
 * This class is only the public face: the state and fill bookkeeping live in EngineCore,
 * order entry in placement.ts, TP/SL and leverage in positionSettings.ts, the per-bar
 * triggers in triggers.ts and the read-only views in queries.ts.
 */
export class MatchingEngine {
  private readonly core: EngineCore;
  private lastSync: number;

  constructor(options: EngineOptions) {
    this.core = new EngineCore(options);
    this.lastSync = options.clock.now();
  }

  /** The account's fee rates (Bybit /v5/account/fee-rate). */
  feeRates(): { readonly taker: number; readonly maker: number } {
    return { taker: this.core.options.takerFeeRate, maker: this.core.options.makerFeeRate };
  }

  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): () => void {
    return this.core.emitter.on(event, listener);
  }

  /** Processes the market between the previous sync and now. Idempotent for a given now. */
  sync(): void {
    const now = this.core.options.clock.now();
    if (now <= this.lastSync) return;
    const from = this.lastSync;
    this.lastSync = now;
    processTriggers(this.core, from, now);
  }

  placeOrder(request: PlaceOrderRequest): OrderAck {
    this.sync();
    return placeOrder(this.core, request);
  }

  cancelOrder(lookup: OrderLookup): OrderAck {
    this.sync();
    return cancelOrder(this.core, lookup);
  }

  /**
   * Changes the price and/or total qty of a resting limit order (Bybit order/amend). The
   * order keeps its ids; a new price that crosses the book fills at once, as on Bybit.
   */
  amendOrder(request: AmendOrderRequest): OrderAck {
    this.sync();
    return amendOrder(this.core, request);
  }

  /** Open and recently closed orders (including TP/SL order records), newest first. */
  orderHistory(symbol?: string): Order[] {
    this.sync();
    return orderHistory(this.core, symbol);
  }

  /** Cancels resting orders; a position's TP/SL stays, as with Bybit's orderFilter=Order. */
  cancelAllOrders(symbol?: string): OrderAck[] {
    this.sync();
    return cancelAllOrders(this.core, symbol);
  }

  setTradingStop(request: TradingStopRequest): void {
    this.sync();
    setTradingStop(this.core, request);
  }

  setLeverage(symbol: string, leverage: number): void {
    this.sync();
    setLeverage(this.core, symbol, leverage);
  }

  balance(): Balance {
    this.sync();
    return this.core.balanceView();
  }

  /** Open positions; with a symbol, that symbol's row even when flat. */
  positions(symbol?: string): Position[] {
    this.sync();
    return positions(this.core, symbol);
  }

  /** Resting orders, then each position's TP/SL as an Untriggered conditional order. */
  openOrders(symbol?: string): Order[] {
    this.sync();
    return openOrders(this.core, symbol);
  }

  findOrder(lookup: OrderLookup): Order | null {
    this.sync();
    return findOrder(this.core, lookup);
  }

  executions(query: ExecutionQuery): Execution[] {
    this.sync();
    return executions(this.core, query);
  }
}
