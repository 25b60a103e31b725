import { AuthError, ExchangeUnavailableError } from '../domain/errors.ts';
import type { Balance, Candle, Execution, Instrument, Order, OrderAck, PlaceOrderRequest, Position, Ticker } from '../domain/types.ts';
import { hashString, mulberry32, type Random } from '../core/rng.ts';
import { sleep, type Clock } from '../ports/clock.ts';
import type { AmendOrderRequest, CallOptions, CandleQuery, ExchangePort, ExecutionQuery, OrderLookup, TradingStopRequest } from '../ports/exchange.ts';
import type { MatchingEngine } from './engine.ts';
import type { FaultController } from './faults.ts';
import type { SimMarket } from './simMarket.ts';

/** How many of the newest closed candles a `nanCandles` fault corrupts. */
const NAN_CANDLES = 2;

export interface SimPortDeps {
  readonly clock: Clock;
  readonly seed: number;
  readonly engine: MatchingEngine;
  readonly market: SimMarket;
  readonly faults: FaultController;
}

/**
 * The simulator behind the ExchangePort: every call passes the fault gate (abort, down,
 * latency, auth, injected 5xx) and then reads or changes the engine, which first catches
 * up with simulated time. Results are fresh copies: callers never share engine state.
 */
export class SimExchangePort implements ExchangePort {
  readonly venue = 'simulator';
  private readonly random: Random;

  constructor(private readonly deps: SimPortDeps) {
    this.random = mulberry32(hashString(`${deps.seed}:faults`));
  }

  serverTime(options?: CallOptions): Promise<number> {
    return this.call(false, options, () => this.deps.clock.now());
  }

  instrument(symbol: string, options?: CallOptions): Promise<Instrument> {
    return this.call(false, options, () => ({ ...this.deps.market.instrument(symbol) }));
  }

  candles(query: CandleQuery, options?: CallOptions): Promise<Candle[]> {
    return this.call(false, options, () => {
      const candles = this.deps.market.candles(query).map((c) => ({ ...c }));
      if (!this.deps.faults.get().nanCandles.includes(query.symbol)) return candles;
      // Corrupt the newest closed candles (not the forming one): what a strategy acts on.
      const now = this.deps.clock.now();
      const closed = candles.filter((c) => c.start + Number(query.interval) * 60_000 <= now);
      return candles.map((c) => (closed.slice(-NAN_CANDLES).includes(c) ? { ...c, close: Number.NaN } : c));
    });
  }

  ticker(symbol: string, options?: CallOptions): Promise<Ticker> {
    return this.call(false, options, () => this.deps.market.ticker(symbol));
  }

  balance(options?: CallOptions): Promise<Balance> {
    return this.call(true, options, () => this.deps.engine.balance());
  }

  positions(symbol?: string, options?: CallOptions): Promise<Position[]> {
    return this.call(true, options, () => this.deps.engine.positions(symbol));
  }

  openOrders(symbol?: string, options?: CallOptions): Promise<Order[]> {
    return this.call(true, options, () => this.deps.engine.openOrders(symbol));
  }

  findOrder(lookup: OrderLookup, options?: CallOptions): Promise<Order | null> {
    return this.call(true, options, () => this.deps.engine.findOrder(lookup));
  }

  executions(query: ExecutionQuery, options?: CallOptions): Promise<Execution[]> {
    return this.call(true, options, () => this.deps.engine.executions(query));
  }

  placeOrder(request: PlaceOrderRequest, options?: CallOptions): Promise<OrderAck> {
    return this.call(true, options, () => this.deps.engine.placeOrder({ ...request }));
  }

  amendOrder(request: AmendOrderRequest, options?: CallOptions): Promise<OrderAck> {
    return this.call(true, options, () => this.deps.engine.amendOrder(request));
  }

  cancelOrder(lookup: OrderLookup, options?: CallOptions): Promise<OrderAck> {
    return this.call(true, options, () => this.deps.engine.cancelOrder(lookup));
  }

  cancelAllOrders(symbol?: string, options?: CallOptions): Promise<OrderAck[]> {
    return this.call(true, options, () => this.deps.engine.cancelAllOrders(symbol));
  }

  setTradingStop(request: TradingStopRequest, options?: CallOptions): Promise<void> {
    return this.call(true, options, () => this.deps.engine.setTradingStop(request));
  }

  setLeverage(symbol: string, leverage: number, options?: CallOptions): Promise<void> {
    return this.call(true, options, () => this.deps.engine.setLeverage(symbol, leverage));
  }

  /** The fault gate, in the order a real request meets them: connection, latency, auth, server. */
  private async call<T>(privateCall: boolean, options: CallOptions | undefined, run: () => T): Promise<T> {
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const faults = this.deps.faults.get();
    if (faults.down) throw new ExchangeUnavailableError('simulator is down');
    if (faults.latencyMs > 0) await sleep(this.deps.clock, faults.latencyMs, signal);
    if (signal?.aborted) throw signal.reason;
    if (privateCall && faults.authRejected) throw new AuthError('simulator rejects the API key (authRejected fault)', { details: { retCode: 10003 } });
    // Draw on every call, so the failure pattern depends only on the call sequence.
    const draw = this.random();
    if (draw < faults.errorRate) throw new ExchangeUnavailableError('injected 5xx', { details: { httpStatus: 503 } });
    return run();
  }
}
