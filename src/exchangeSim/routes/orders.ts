import { DuplicateOrderError, OrderNotFoundError } from '../../domain/errors.ts';
import type { Order, PlaceOrderRequest } from '../../domain/types.ts';
import { OPEN_ORDER_STATUSES } from '../../domain/types.ts';
import type { Route, SimDeps } from '../context.ts';
import { WithExtInfo } from '../context.ts';
import { BybitApiError, paramsError } from '../envelope.ts';
import { toBybitError } from '../errorMap.ts';
import { checkOrderFilters } from '../filters.ts';
import { orderView } from '../format.ts';
import { amendOrderBody, batchBody, cancelAllBody, cancelOrderBody, createOrderBody, historyQuery, openOrdersQuery, paginate, parse } from '../schemas.ts';
import { instrumentOf } from './market.ts';

const DAY = 86_400_000;
/** Bybit keeps up to 500 recently closed orders for order/realtime?openOnly=1. */
const RECENT_CLOSED = 500;

/** Linear queries need one of symbol / baseCoin / settleCoin; returns the symbol filter (undefined = all). */
export function scopeSymbol(q: { symbol?: string | undefined; baseCoin?: string | undefined; settleCoin?: string | undefined }): string | undefined {
  if (q.symbol) return q.symbol;
  if (q.baseCoin) return `${q.baseCoin}USDT`;
  if (q.settleCoin) {
    if (q.settleCoin !== 'USDT') throw paramsError(`params error: settleCoin ${q.settleCoin} invalid (simulator settles in USDT)`);
    return undefined;
  }
  throw paramsError('Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
}

const newestFirst = (a: Order, b: Order): number => b.createdTime - a.createdTime;
const view = (deps: SimDeps) => (o: Order) => orderView(o, deps.sim.market.instrument(o.symbol));

function createOne(deps: SimDeps, raw: unknown): { orderId: string; orderLinkId: string } {
  const body = parse(createOrderBody, raw);
  const instrument = instrumentOf(deps, body.symbol, body.category);
  checkOrderFilters(body, instrument, deps.sim.market.lastPrice(body.symbol));
  // "0" means "no TP/SL" on Bybit.
  const request: PlaceOrderRequest = {
    symbol: body.symbol,
    side: body.side,
    orderType: body.orderType,
    qty: body.qty,
    ...(body.orderType === 'Limit' ? { price: body.price } : {}),
    ...(body.timeInForce ? { timeInForce: body.timeInForce } : {}),
    orderLinkId: body.orderLinkId ?? '',
    reduceOnly: body.reduceOnly ?? false,
    ...(body.stopLoss ? { stopLoss: body.stopLoss } : {}),
    ...(body.takeProfit ? { takeProfit: body.takeProfit } : {}),
  };
  try {
    const ack = deps.sim.engine.placeOrder(request);
    return { orderId: ack.orderId, orderLinkId: ack.orderLinkId };
  } catch (error) {
    if (error instanceof DuplicateOrderError) deps.stats.duplicateOrderLinkIdRejected++;
    throw error;
  }
}

/** All orders the account still remembers, plus the positions' untriggered TP/SL orders. */
function allOrders(deps: SimDeps, symbol: string | undefined): Order[] {
  const stops = deps.sim.engine.openOrders(symbol).filter((o) => o.stopOrderType !== '');
  const known = deps.sim.engine.orderHistory(symbol).filter((o) => !stops.some((s) => s.orderId === o.orderId));
  return [...known, ...stops].sort(newestFirst);
}

export const orderRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v5/order/create',
    private: true,
    handle: ({ params, deps }) => createOne(deps, params),
  },
  {
    method: 'POST',
    path: '/v5/order/create-batch',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(batchBody, params);
      const list: Array<Record<string, string>> = [];
      const codes: Array<{ code: number; msg: string }> = [];
      for (const item of body.request) {
        try {
          const ack = createOne(deps, { ...item, category: body.category });
          list.push({ category: body.category, symbol: String(item['symbol']), ...ack, createAt: String(deps.clock.now()) });
          codes.push({ code: 0, msg: 'OK' });
        } catch (error) {
          const e = toBybitError(error);
          list.push({ category: body.category, symbol: String(item['symbol'] ?? ''), orderId: '', orderLinkId: String(item['orderLinkId'] ?? ''), createAt: '' });
          codes.push({ code: e.retCode, msg: e.retMsg });
        }
      }
      return new WithExtInfo({ list }, { list: codes });
    },
  },
  {
    method: 'POST',
    path: '/v5/order/cancel',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(cancelOrderBody, params);
      if (!body.orderId && !body.orderLinkId) throw paramsError('params error: OrderId or orderLinkId is required');
      instrumentOf(deps, body.symbol, body.category);
      return deps.sim.engine.cancelOrder({ symbol: body.symbol, orderId: body.orderId || undefined, orderLinkId: body.orderLinkId || undefined });
    },
  },
  {
    method: 'POST',
    path: '/v5/order/amend',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(amendOrderBody, params);
      if (!body.orderId && !body.orderLinkId) throw paramsError('params error: OrderId or orderLinkId is required');
      if (body.qty === undefined && body.price === undefined) throw paramsError('params error: nothing to amend (qty or price)');
      instrumentOf(deps, body.symbol, body.category);
      try {
        return deps.sim.engine.amendOrder({ symbol: body.symbol, orderId: body.orderId || undefined, orderLinkId: body.orderLinkId || undefined, qty: body.qty, price: body.price });
      } catch (error) {
        if (error instanceof OrderNotFoundError) throw new BybitApiError(110001, 'order not exists or too late to replace');
        throw error;
      }
    },
  },
  {
    method: 'POST',
    path: '/v5/order/cancel-all',
    private: true,
    handle: ({ params, deps }) => {
      const body = parse(cancelAllBody, params);
      if (body.category !== 'linear') return { list: [], success: '1' };
      const symbol = scopeSymbol(body);
      if (symbol) instrumentOf(deps, symbol);
      const { engine } = deps.sim;
      const list: Array<{ orderId: string; orderLinkId: string }> = [];
      // orderFilter omitted: Bybit linear cancels resting orders AND the TP/SL orders.
      if (body.orderFilter !== 'StopOrder' && body.orderFilter !== 'tpslOrder') list.push(...engine.cancelAllOrders(symbol));
      if (body.orderFilter === undefined || body.orderFilter === 'StopOrder' || body.orderFilter === 'tpslOrder') {
        for (const stop of engine.openOrders(symbol).filter((o) => o.stopOrderType !== '')) list.push(engine.cancelOrder({ symbol: stop.symbol, orderId: stop.orderId }));
      }
      return { list, success: '1' };
    },
  },
  {
    method: 'GET',
    path: '/v5/order/realtime',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(openOrdersQuery, params);
      if (q.category !== 'linear') return { category: q.category, list: [], nextPageCursor: '' };
      const symbol = scopeSymbol(q);
      if (symbol) instrumentOf(deps, symbol);
      let orders: Order[];
      if (q.orderId || q.orderLinkId) {
        // A lookup by id also finds recently closed orders (how bots resolve unknown outcomes).
        const hit = allOrders(deps, symbol).find((o) => (q.orderId ? o.orderId === q.orderId : o.orderLinkId === q.orderLinkId));
        orders = hit ? [hit] : [];
      } else if (q.openOnly === '0') {
        orders = deps.sim.engine.openOrders(symbol).sort(newestFirst);
      } else {
        orders = allOrders(deps, symbol)
          .filter((o) => !OPEN_ORDER_STATUSES.includes(o.status))
          .slice(0, RECENT_CLOSED);
      }
      const { page, nextPageCursor } = paginate(orders, q.limit, q.cursor);
      return { category: 'linear', list: page.map(view(deps)), nextPageCursor };
    },
  },
  {
    method: 'GET',
    path: '/v5/order/history',
    private: true,
    handle: ({ params, deps }) => {
      const q = parse(historyQuery, params);
      if (q.category !== 'linear') return { category: q.category, list: [], nextPageCursor: '' };
      const symbol = q.symbol ?? (q.baseCoin ? `${q.baseCoin}USDT` : undefined);
      if (symbol) instrumentOf(deps, symbol);
      const end = q.endTime ?? deps.clock.now();
      const start = q.startTime ?? end - 7 * DAY;
      if (end - start > 7 * DAY) throw paramsError('params error: the time range between startTime and endTime cannot exceed 7 days');
      const orders = allOrders(deps, symbol).filter(
        (o) =>
          (!q.orderId || o.orderId === q.orderId) &&
          (!q.orderLinkId || o.orderLinkId === q.orderLinkId) &&
          (!q.orderStatus || o.status === q.orderStatus) &&
          o.createdTime >= start &&
          o.createdTime <= end,
      );
      const { page, nextPageCursor } = paginate(orders, q.limit, q.cursor);
      return { category: 'linear', list: page.map(view(deps)), nextPageCursor };
    },
  },
];
