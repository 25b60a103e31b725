import { z } from 'zod';
import { DuplicateOrderError, ERROR_CODES, InvalidResponseError, UnknownSymbolError, toBybotError, type BybotError } from '../../domain/errors.ts';
import type { Balance, Candle, Execution, Instrument, Order, OrderAck, PlaceOrderRequest, Position, Ticker } from '../../domain/types.ts';
import { sleep, type Clock } from '../../ports/clock.ts';
import type { AmendOrderRequest, CallOptions, CandleQuery, ExchangePort, ExecutionQuery, OrderLookup, TradingStopRequest } from '../../ports/exchange.ts';
import type { Random } from '../../core/rng.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ChannelAlerts } from './channelAlerts.ts';
import { formatDecimal, toBalance, toCandles, toExecution, toInstrument, toOrder, toPosition, toTicker } from './mapping.ts';
import type { LimitGroup } from './rateLimiter.ts';
import type { RestRequest, RestTransport } from './restTransport.ts';
import { NOT_MODIFIED_CODES } from './retCodes.ts';
import { backoffDelay, isTransient } from './retry.ts';
import {
  ApiKeyInfoSchema,
  CancelAllResultSchema,
  ExecutionsResultSchema,
  FundingHistoryResultSchema,
  InstrumentsResultSchema,
  KlineResultSchema,
  OrderAckSchema,
  OrdersResultSchema,
  PositionsResultSchema,
  ServerTimeSchema,
  TickersResultSchema,
  WalletResultSchema,
} from './schemas.ts';
import { transportKind } from './transportErrors.ts';
import { ApiKeyExpirySchema, parseApiKeyExpiry } from './apiKeyExpiry.ts';

/**
 * ExchangePort over Bybit V5 REST (category linear, one-way mode, unified account, USDT).
 * Every answer goes through zod and the retCode table in the transport; this class only
 * builds requests and maps results. Order creation is the one non-idempotent call: when
 * its outcome is unknown (timeout, 5xx, reset connection) the order is looked up by
 * orderLinkId before any retry, and a retry reuses the same orderLinkId, so at most one
 * order can ever exist per id.
 */
const CATEGORY = 'linear';
const SETTLE_COIN = 'USDT';
/** Pages followed for account-wide lists (50 orders / 200 positions per page). */
const MAX_PAGES = 10;

/** One funding settlement of a perpetual: UTC ms and the rate (0.0001 = 0.01 %). */
export interface FundingRateRecord {
  readonly time: number;
  readonly rate: number;
}

/** Bybit's funding-history paging: records up to `endTime` (newest first), at most `limit` (1..200). */
export interface FundingHistoryQuery {
  readonly symbol: string;
  readonly endTime?: number;
  readonly startTime?: number;
  readonly limit: number;
}

export interface BybitRestPortOptions {
  readonly venue: string;
  readonly transport: RestTransport;
  /** Domain clock: receive times and retry sleeps. */
  readonly clock: Clock;
  readonly random: Random;
  readonly alerts: ChannelAlerts;
  readonly logger: Logger;
}

const EmptyResult = z.unknown();

export class BybitRestPort implements ExchangePort {
  readonly venue: string;

  constructor(private readonly o: BybitRestPortOptions) {
    this.venue = o.venue;
  }

  async serverTime(options?: CallOptions): Promise<number> {
    const { time } = await this.get('serverTime', '/v5/market/time', false, {}, 'market', ServerTimeSchema, options);
    return time;
  }

  /** When the API key expires (GET /v5/user/query-api `expiredAt`), or null when it never does. */
  async apiKeyExpiry(options?: CallOptions): Promise<number | null> {
    const { result } = await this.get('apiKeyExpiry', '/v5/user/query-api', true, {}, 'query', ApiKeyExpirySchema, options);
    return parseApiKeyExpiry(result?.expiredAt);
  }

  async instrument(symbol: string, options?: CallOptions): Promise<Instrument> {
    const { result } = await this.get('instrument', '/v5/market/instruments-info', false, { category: CATEGORY, symbol }, 'market', InstrumentsResultSchema, options);
    const row = result?.list.find((i) => i.symbol === symbol);
    if (!row) throw new UnknownSymbolError(symbol, { details: { operation: 'instrument' } });
    return toInstrument(row);
  }

  async candles(query: CandleQuery, options?: CallOptions): Promise<Candle[]> {
    const params = { category: CATEGORY, symbol: query.symbol, interval: query.interval, start: query.start, end: query.end, limit: query.limit };
    const { result } = await this.get('candles', '/v5/market/kline', false, params, 'market', KlineResultSchema, options);
    return result ? toCandles(result) : [];
  }

  /**
   * Public funding-rate history (not part of ExchangePort: only the history download needs
   * it). Bybit answers newest first; returned oldest first like candles. Bybit rejects
   * startTime without endTime, so a caller pages backwards by moving endTime.
   */
  async fundingHistory(query: FundingHistoryQuery, options?: CallOptions): Promise<FundingRateRecord[]> {
    const params = { category: CATEGORY, symbol: query.symbol, startTime: query.startTime, endTime: query.endTime, limit: query.limit };
    const { result } = await this.get('fundingHistory', '/v5/market/funding/history', false, params, 'market', FundingHistoryResultSchema, options);
    return (result?.list ?? []).filter((r) => r.symbol === query.symbol).map((r) => ({ time: r.fundingRateTimestamp, rate: r.fundingRate })).sort((a, b) => a.time - b.time);
  }

  async ticker(symbol: string, options?: CallOptions): Promise<Ticker> {
    const { result } = await this.get('ticker', '/v5/market/tickers', false, { category: CATEGORY, symbol }, 'market', TickersResultSchema, options);
    const row = result?.list.find((t) => t.symbol === symbol);
    if (!row) throw new UnknownSymbolError(symbol, { details: { operation: 'ticker' } });
    return toTicker(row, this.o.clock.now());
  }

  async balance(options?: CallOptions): Promise<Balance> {
    const { result } = await this.get('balance', '/v5/account/wallet-balance', true, { accountType: 'UNIFIED', coin: SETTLE_COIN }, 'query', WalletResultSchema, options);
    // Asked for coin=USDT: a classic account without a USDT row has none of it.
    const balance = toBalance(result ?? { list: [] }, SETTLE_COIN, this.o.clock.now()) ?? { coin: SETTLE_COIN, equity: 0, walletBalance: 0, availableBalance: 0, unrealisedPnl: 0, time: this.o.clock.now() };
    if (balance.equity <= 0) this.o.alerts.raise('account', 'balance_zero', `${SETTLE_COIN} equity is ${balance.equity}`, { equity: balance.equity });
    return balance;
  }

  async positions(symbol?: string, options?: CallOptions): Promise<Position[]> {
    const scope = symbol ? { symbol } : { settleCoin: SETTLE_COIN };
    const rows = await this.pages('positions', '/v5/position/list', { category: CATEGORY, ...scope, limit: 200 }, PositionsResultSchema, options);
    const positions = rows.filter((p) => (p.positionIdx ?? 0) === 0).map(toPosition);
    return symbol ? positions.filter((p) => p.symbol === symbol) : positions.filter((p) => p.size > 0);
  }

  async openOrders(symbol?: string, options?: CallOptions): Promise<Order[]> {
    const scope = symbol ? { symbol } : { settleCoin: SETTLE_COIN };
    const rows = await this.pages('openOrders', '/v5/order/realtime', { category: CATEGORY, ...scope, openOnly: 0, limit: 50 }, OrdersResultSchema, options);
    return rows.map(toOrder);
  }

  /** Realtime first (open and very recent orders), then history (closed ones). */
  async findOrder(lookup: OrderLookup, options?: CallOptions): Promise<Order | null> {
    const id = lookup.orderId ? { orderId: lookup.orderId } : lookup.orderLinkId ? { orderLinkId: lookup.orderLinkId } : null;
    if (!id) return null;
    const params = { category: CATEGORY, symbol: lookup.symbol, ...id };
    const matches = (o: Order): boolean => (lookup.orderId ? o.orderId === lookup.orderId : o.orderLinkId === lookup.orderLinkId);
    const open = await this.get('findOrder', '/v5/order/realtime', true, { ...params, openOnly: 0 }, 'query', OrdersResultSchema, options);
    const live = open.result?.list.map(toOrder).find(matches);
    if (live) return live;
    const history = await this.get('findOrder', '/v5/order/history', true, { ...params, limit: 1 }, 'query', OrdersResultSchema, options);
    return history.result?.list.map(toOrder).find(matches) ?? null;
  }

  async executions(query: ExecutionQuery, options?: CallOptions): Promise<Execution[]> {
    const params = { category: CATEGORY, symbol: query.symbol, startTime: query.startTime, limit: Math.min(100, Math.max(1, query.limit ?? 50)) };
    const { result } = await this.get('executions', '/v5/execution/list', true, params, 'query', ExecutionsResultSchema, options);
    return (result?.list ?? []).map(toExecution);
  }

  async placeOrder(request: PlaceOrderRequest, options?: CallOptions): Promise<OrderAck> {
    const body = {
      category: CATEGORY,
      symbol: request.symbol,
      side: request.side,
      orderType: request.orderType,
      qty: formatDecimal(request.qty),
      price: request.orderType === 'Limit' && request.price !== undefined ? formatDecimal(request.price) : undefined,
      timeInForce: request.timeInForce,
      orderLinkId: request.orderLinkId,
      reduceOnly: request.reduceOnly ?? false,
      positionIdx: 0,
      takeProfit: request.takeProfit !== undefined && request.takeProfit > 0 ? formatDecimal(request.takeProfit) : undefined,
      stopLoss: request.stopLoss !== undefined && request.stopLoss > 0 ? formatDecimal(request.stopLoss) : undefined,
    };
    const spec = this.spec('placeOrder', 'POST', '/v5/order/create', true, body, 'order', OrderAckSchema, options, false);
    const lookup = { symbol: request.symbol, orderLinkId: request.orderLinkId };
    const policy = this.o.transport.retryPolicy;

    for (let attempt = 0; ; attempt++) {
      try {
        const { result } = await this.o.transport.request(spec);
        return { orderId: result?.orderId ?? '', orderLinkId: result?.orderLinkId || request.orderLinkId };
      } catch (error) {
        const typed = toBybotError(error);
        if (typed instanceof DuplicateOrderError) {
          // An earlier attempt (ours, or before a restart) landed: the order is the answer.
          const existing = await this.lookupQuietly(lookup, options);
          if (existing) return { orderId: existing.orderId, orderLinkId: existing.orderLinkId };
          throw typed;
        }
        if (!isTransient(typed) || attempt >= policy.maxRetries || options?.signal?.aborted) throw typed;
        if (outcomeUnknown(typed)) {
          const existing = await this.lookupQuietly(lookup, options);
          if (existing) {
            this.o.logger.info({ event: 'order_outcome_resolved', orderLinkId: request.orderLinkId, orderId: existing.orderId, status: existing.status, after: typed.code }, 'order create had an unknown outcome; found it by orderLinkId, not re-sending');
            return { orderId: existing.orderId, orderLinkId: existing.orderLinkId };
          }
        }
        const delay = backoffDelay(attempt, policy, this.o.random, typed);
        this.o.logger.warn({ event: 'order_retry', orderLinkId: request.orderLinkId, attempt: attempt + 1, delayMs: delay, code: typed.code }, `order create failed (${typed.code}); retrying with the same orderLinkId`);
        await sleep(this.o.clock, delay, options?.signal);
      }
    }
  }

  async amendOrder(request: AmendOrderRequest, options?: CallOptions): Promise<OrderAck> {
    const id = request.orderId ? { orderId: request.orderId } : { orderLinkId: request.orderLinkId };
    const body = {
      category: CATEGORY,
      symbol: request.symbol,
      ...id,
      qty: request.qty === undefined ? undefined : formatDecimal(request.qty),
      price: request.price === undefined ? undefined : formatDecimal(request.price),
    };
    const { result } = await this.post('amendOrder', '/v5/order/amend', body, 'order', OrderAckSchema, options);
    return { orderId: result?.orderId ?? request.orderId ?? '', orderLinkId: result?.orderLinkId ?? request.orderLinkId ?? '' };
  }

  async cancelOrder(lookup: OrderLookup, options?: CallOptions): Promise<OrderAck> {
    const id = lookup.orderId ? { orderId: lookup.orderId } : { orderLinkId: lookup.orderLinkId };
    const { result } = await this.post('cancelOrder', '/v5/order/cancel', { category: CATEGORY, symbol: lookup.symbol, ...id }, 'cancel', OrderAckSchema, options);
    return { orderId: result?.orderId ?? lookup.orderId ?? '', orderLinkId: result?.orderLinkId ?? lookup.orderLinkId ?? '' };
  }

  async cancelAllOrders(symbol?: string, options?: CallOptions): Promise<OrderAck[]> {
    const scope = symbol ? { symbol } : { settleCoin: SETTLE_COIN };
    // Without orderFilter Bybit (linear) also cancels the position's TP/SL; the port promises to keep them.
    const { result } = await this.post('cancelAllOrders', '/v5/order/cancel-all', { category: CATEGORY, ...scope, orderFilter: 'Order' }, 'cancel', CancelAllResultSchema, options);
    return result?.list.map((a) => ({ orderId: a.orderId, orderLinkId: a.orderLinkId })) ?? [];
  }

  async setTradingStop(request: TradingStopRequest, options?: CallOptions): Promise<void> {
    const body = {
      category: CATEGORY,
      symbol: request.symbol,
      tpslMode: 'Full',
      positionIdx: 0,
      takeProfit: request.takeProfit === undefined ? undefined : formatDecimal(request.takeProfit),
      stopLoss: request.stopLoss === undefined ? undefined : formatDecimal(request.stopLoss),
    };
    await this.post('setTradingStop', '/v5/position/trading-stop', body, 'position', EmptyResult, options);
  }

  /** The UID of the key's account (GET /v5/user/query-api `userID`). */
  async accountId(options?: CallOptions): Promise<string> {
    const { result } = await this.get('accountId', '/v5/user/query-api', true, {}, 'query', ApiKeyInfoSchema, options);
    if (!result) throw new InvalidResponseError('accountId: empty /v5/user/query-api result', { details: { operation: 'accountId' } });
    return String(result.userID);
  }

  async setLeverage(symbol: string, leverage: number, options?: CallOptions): Promise<void> {
    const value = formatDecimal(leverage);
    await this.post('setLeverage', '/v5/position/set-leverage', { category: CATEGORY, symbol, buyLeverage: value, sellLeverage: value }, 'position', EmptyResult, options);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private spec<T>(
    operation: string,
    method: 'GET' | 'POST',
    endpoint: string,
    auth: boolean,
    params: Record<string, unknown>,
    group: LimitGroup,
    schema: z.ZodType<T>,
    options: CallOptions | undefined,
    idempotent: boolean,
  ): RestRequest<T> {
    return {
      operation,
      method,
      endpoint,
      auth,
      params: dropUndefined(params),
      group,
      schema,
      idempotent,
      acceptCodes: NOT_MODIFIED_CODES,
      ...(options?.signal ? { signal: options.signal } : {}),
    };
  }

  private get<T>(operation: string, endpoint: string, auth: boolean, params: Record<string, unknown>, group: LimitGroup, schema: z.ZodType<T>, options?: CallOptions) {
    return this.o.transport.requestWithRetry(this.spec(operation, 'GET', endpoint, auth, params, group, schema, options, true));
  }

  /** Cancels, leverage and trading stops are safe to repeat: a repeat answers "not found" / "not modified". */
  private post<T>(operation: string, endpoint: string, params: Record<string, unknown>, group: LimitGroup, schema: z.ZodType<T>, options?: CallOptions) {
    return this.o.transport.requestWithRetry(this.spec(operation, 'POST', endpoint, true, params, group, schema, options, true));
  }

  private async pages<T>(
    operation: string,
    endpoint: string,
    params: Record<string, unknown>,
    schema: z.ZodType<{ list: T[]; nextPageCursor?: string | undefined }>,
    options?: CallOptions,
  ): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { result } = await this.get(operation, endpoint, true, { ...params, cursor }, 'query', schema, options);
      rows.push(...(result?.list ?? []));
      cursor = result?.nextPageCursor;
      if (!cursor) break;
    }
    return rows;
  }

  /** A lookup that fails is "unknown", not an error: the retry's duplicate check still protects us. */
  private async lookupQuietly(lookup: OrderLookup, options?: CallOptions): Promise<Order | null> {
    try {
      return await this.findOrder(lookup, options);
    } catch (error) {
      this.o.logger.warn({ event: 'order_lookup_failed', orderLinkId: lookup.orderLinkId, code: toBybotError(error).code }, 'could not look the order up by orderLinkId');
      return null;
    }
  }
}

/** Did the create request possibly reach the matching engine? Rejections before processing did not. */
export function outcomeUnknown(error: BybotError): boolean {
  if (error.code === ERROR_CODES.RATE_LIMITED || error.code === ERROR_CODES.CLOCK_SKEW) return false;
  const kind = transportKind(error);
  if (kind === 'dns') return false;
  if (kind === 'connect' && error.details.errno === 'ECONNREFUSED') return false;
  return true;
}

function dropUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}
