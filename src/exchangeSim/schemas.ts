import { z } from 'zod';
import { paramsError } from './envelope.ts';

/**
 * Request schemas. Bybit takes numbers as decimal strings (bybit-api sends strings; other
 * clients sometimes numbers), so `decimal` accepts both and yields a number. Unknown keys
 * pass through: Bybit ignores fields it does not use (tpTriggerBy, smpType, ...).
 */
export const decimal = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal'))
  .transform(Number);

/** Query-string integers (timestamps, limits). */
export const intString = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+$/, 'must be an integer'))
  .transform(Number);

const boolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** Bybit's categories. The simulator lists linear perpetuals (and their spot market data); inverse and option list nothing. */
export const marketCategory = z.enum(['linear', 'spot', 'inverse', 'option'], { error: 'params error: category invalid' });
/** Trading endpoints: linear is traded; inverse and option have no instruments, so their lists are empty and their orders refused (10001 symbol invalid). */
export const tradeCategory = z.enum(['linear', 'inverse', 'option'], { error: 'params error: category invalid' });
/** Account and order lists: spot has orders on Bybit too (none here). */
export const listCategory = z.enum(['linear', 'inverse', 'option', 'spot'], { error: 'params error: category invalid' });
const symbol = z.string().min(1);

export const klineQuery = z.object({
  category: marketCategory.default('linear'),
  symbol,
  interval: z.string(),
  start: intString.optional(),
  end: intString.optional(),
  limit: intString.pipe(z.number().int().min(1).max(1000)).default(200),
});

/** /v5/market/funding/history: perpetuals only; 1..200 rows per page (Bybit's documented bounds). */
export const fundingHistoryQuery = z.object({
  category: z.enum(['linear', 'inverse'], { error: 'params error: category must be linear or inverse' }),
  symbol,
  startTime: intString.optional(),
  endTime: intString.optional(),
  limit: intString.pipe(z.number().int().min(1).max(200)).default(200),
});

export const tickersQuery = z.object({ category: marketCategory, symbol: symbol.optional() });

export const instrumentsQuery = z.object({
  category: marketCategory,
  symbol: symbol.optional(),
  baseCoin: z.string().optional(),
  status: z.string().optional(),
  limit: intString.pipe(z.number().int().min(1).max(1000)).default(500),
  cursor: z.string().optional(),
});

export const orderbookQuery = z.object({ category: marketCategory, symbol, limit: intString.pipe(z.number().int().min(1).max(1000)).optional() });

/** recent-trade: linear 1..1000, default 500 (docs market/recent-trade); spot 1..60, default 60. */
export const recentTradeQuery = z.object({ category: marketCategory, symbol: symbol.optional(), baseCoin: z.string().optional(), limit: intString.pipe(z.number().int().min(1).max(1000)).optional() });

export const createOrderBody = z
  .object({
    category: tradeCategory,
    symbol,
    side: z.enum(['Buy', 'Sell'], { error: 'params error: side invalid' }),
    orderType: z.enum(['Market', 'Limit'], { error: 'params error: orderType invalid' }),
    qty: decimal,
    price: decimal.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'PostOnly']).optional(),
    positionIdx: z.union([z.number(), z.string()]).transform(Number).optional(),
    orderLinkId: z.string().max(36).regex(/^[0-9A-Za-z_-]*$/, 'orderLinkId allows [0-9A-Za-z_-] only').optional(),
    reduceOnly: boolish.optional(),
    closeOnTrigger: boolish.optional(),
    takeProfit: decimal.optional(),
    stopLoss: decimal.optional(),
    tpslMode: z.enum(['Full', 'Partial']).optional(),
    triggerPrice: decimal.optional(),
  })
  .passthrough();

const lookupShape = {
  category: tradeCategory,
  symbol,
  orderId: z.string().optional(),
  orderLinkId: z.string().optional(),
};

export const cancelOrderBody = z.object(lookupShape).passthrough();

export const amendOrderBody = z.object({ ...lookupShape, qty: decimal.optional(), price: decimal.optional() }).passthrough();

export const cancelAllBody = z
  .object({
    category: listCategory,
    symbol: symbol.optional(),
    baseCoin: z.string().optional(),
    settleCoin: z.string().optional(),
    orderFilter: z.enum(['Order', 'StopOrder', 'OpenOrder', 'tpslOrder']).optional(),
  })
  .passthrough();

const page = (max: number, fallback: number) => ({
  limit: intString.pipe(z.number().int().min(1).max(max)).default(fallback),
  cursor: z.string().optional(),
});

export const openOrdersQuery = z.object({
  category: listCategory,
  symbol: symbol.optional(),
  baseCoin: z.string().optional(),
  settleCoin: z.string().optional(),
  orderId: z.string().optional(),
  orderLinkId: z.string().optional(),
  openOnly: z.enum(['0', '1', '2']).default('0'),
  orderFilter: z.string().optional(),
  ...page(50, 20),
});

export const historyQuery = z.object({
  category: listCategory,
  symbol: symbol.optional(),
  baseCoin: z.string().optional(),
  settleCoin: z.string().optional(),
  orderId: z.string().optional(),
  orderLinkId: z.string().optional(),
  orderFilter: z.string().optional(),
  orderStatus: z.string().optional(),
  startTime: intString.optional(),
  endTime: intString.optional(),
  ...page(50, 20),
});

export const executionsQuery = z.object({
  category: listCategory,
  symbol: symbol.optional(),
  orderId: z.string().optional(),
  orderLinkId: z.string().optional(),
  baseCoin: z.string().optional(),
  settleCoin: z.string().optional(),
  startTime: intString.optional(),
  endTime: intString.optional(),
  execType: z.string().optional(),
  ...page(100, 50),
});

export const positionsQuery = z.object({ category: tradeCategory, symbol: symbol.optional(), settleCoin: z.string().optional(), baseCoin: z.string().optional(), ...page(200, 20) });

export const walletQuery = z.object({ accountType: z.string(), coin: z.string().optional() });

export const tradingStopBody = z
  .object({
    category: tradeCategory,
    symbol,
    tpslMode: z.enum(['Full', 'Partial']).default('Full'),
    positionIdx: z.union([z.number(), z.string()]).transform(Number).default(0),
    takeProfit: decimal.optional(),
    stopLoss: decimal.optional(),
    trailingStop: decimal.optional(),
  })
  .passthrough();

export const setLeverageBody = z.object({ category: tradeCategory, symbol, buyLeverage: decimal, sellLeverage: decimal }).passthrough();

export const switchModeBody = z.object({ category: tradeCategory, symbol: symbol.optional(), coin: z.string().optional(), mode: z.union([z.number(), z.string()]).transform(Number) }).passthrough();

export const feeRateQuery = z.object({ category: marketCategory.default('linear'), symbol: symbol.optional() });

export const batchBody = z.object({ category: tradeCategory, request: z.array(z.record(z.string(), z.unknown())).min(1).max(20) });

/** Parses or throws Bybit's 10001 naming the first bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'request';
  throw paramsError(issue.message.startsWith('params error') ? issue.message : `params error: ${field} invalid (${issue.message})`);
}

/** Bybit cursors are opaque URL-encoded strings; ours encode an offset. */
export function encodeCursor(offset: number): string {
  return `page_args%3D${offset}%26`;
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /page_args(?:%3D|=)(\d+)/.exec(cursor);
  if (!match) throw paramsError('params error: cursor invalid');
  return Number(match[1]);
}

/** One page of a list plus Bybit's nextPageCursor ("" at the end). */
export function paginate<T>(items: readonly T[], limit: number, cursor: string | undefined): { page: T[]; nextPageCursor: string } {
  const offset = decodeCursor(cursor);
  const page = items.slice(offset, offset + limit);
  return { page, nextPageCursor: offset + limit < items.length ? encodeCursor(offset + limit) : '' };
}
