import { z } from 'zod';

/**
 * zod schemas of the Bybit V5 payloads the adapter reads (category linear). Amounts are
 * decimal strings on the wire; empty strings mean "not set" and become 0. Only the fields
 * we map are listed; objects are not strict, because Bybit adds fields over time.
 */

/** A decimal string (or number) that must be finite; "" -> 0. */
export const decimal = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const n = value === '' ? 0 : Number(value);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a finite number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

/** A decimal string that may be "" (not applicable, e.g. account totals of a non-unified account): "" -> undefined, not 0. */
export const optionalDecimal = z.union([z.string(), z.number()]).transform((value, ctx) => {
  if (value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a finite number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

/** Kline values may be NaN on purpose: the data validator, not the parser, decides what to do with them. */
const klineValue = z.string().transform((value) => (value === '' ? Number.NaN : Number(value)));

export const EnvelopeSchema = z.object({
  retCode: z.number().int(),
  retMsg: z.string(),
  result: z.unknown(),
  time: z.number().optional(),
  rateLimitApi: z
    .object({ remainingRequests: z.number(), maxRequests: z.number(), resetAtTimestamp: z.number() })
    .optional()
    .nullable(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const ServerTimeSchema = z.object({ timeSecond: z.string(), timeNano: z.string() });

export const KlineResultSchema = z.object({
  symbol: z.string(),
  list: z.array(z.tuple([z.string(), klineValue, klineValue, klineValue, klineValue, klineValue, klineValue])),
});

export const TickerSchema = z.object({
  symbol: z.string(),
  lastPrice: decimal,
  markPrice: decimal,
  bid1Price: decimal,
  ask1Price: decimal,
});
export const TickersResultSchema = z.object({ list: z.array(TickerSchema) });

export const InstrumentSchema = z.object({
  symbol: z.string(),
  status: z.enum(['Trading', 'PreLaunch', 'Delivering', 'Closed']),
  baseCoin: z.string(),
  quoteCoin: z.string(),
  leverageFilter: z.object({ minLeverage: decimal, maxLeverage: decimal, leverageStep: decimal }),
  priceFilter: z.object({ minPrice: decimal, maxPrice: decimal, tickSize: decimal }),
  lotSizeFilter: z.object({
    maxOrderQty: decimal,
    maxMktOrderQty: decimal,
    minOrderQty: decimal,
    qtyStep: decimal,
    minNotionalValue: decimal.optional(),
  }),
});
export const InstrumentsResultSchema = z.object({ list: z.array(InstrumentSchema) });

/** /v5/market/funding/history (public), newest first. */
export const FundingHistoryResultSchema = z.object({
  list: z.array(z.object({ symbol: z.string(), fundingRate: decimal, fundingRateTimestamp: z.string().regex(/^\d+$/, 'must be epoch ms').transform(Number) })),
});

export const WalletCoinSchema = z.object({
  coin: z.string(),
  equity: decimal,
  walletBalance: decimal,
  unrealisedPnl: decimal,
  totalPositionIM: decimal.optional(),
  totalOrderIM: decimal.optional(),
  locked: decimal.optional(),
});
/**
 * One account of wallet-balance (REST `result.list[]`, and the `wallet` stream's `data[]`).
 * Account-level totals are USD over every collateral coin of a unified account; "" in a
 * classic account.
 */
export const WalletAccountSchema = z.object({
  accountType: z.string(),
  totalEquity: optionalDecimal.optional(),
  totalWalletBalance: optionalDecimal.optional(),
  totalAvailableBalance: optionalDecimal.optional(),
  totalPerpUPL: optionalDecimal.optional(),
  coin: z.array(WalletCoinSchema),
});
export const WalletResultSchema = z.object({ list: z.array(WalletAccountSchema) });

const side = z.enum(['Buy', 'Sell']);
export const PositionSchema = z.object({
  symbol: z.string(),
  positionIdx: z.number().int().optional(),
  side: z.union([side, z.literal(''), z.literal('None')]),
  size: decimal,
  avgPrice: decimal,
  markPrice: decimal,
  leverage: decimal,
  positionValue: decimal,
  unrealisedPnl: decimal,
  cumRealisedPnl: decimal,
  stopLoss: decimal.optional(),
  takeProfit: decimal.optional(),
  liqPrice: decimal.optional(),
  updatedTime: decimal,
});
export const PositionsResultSchema = z.object({ list: z.array(PositionSchema), nextPageCursor: z.string().optional() });

export const OrderSchema = z.object({
  orderId: z.string(),
  orderLinkId: z.string(),
  symbol: z.string(),
  side,
  orderType: z.enum(['Market', 'Limit']),
  price: decimal,
  qty: decimal,
  orderStatus: z.enum(['New', 'PartiallyFilled', 'Untriggered', 'Filled', 'Cancelled', 'Rejected', 'Triggered', 'Deactivated', 'PartiallyFilledCanceled']),
  timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'PostOnly', 'RPI']),
  cumExecQty: decimal,
  cumExecValue: decimal,
  cumExecFee: decimal.optional(),
  avgPrice: decimal,
  reduceOnly: z.boolean(),
  stopLoss: decimal.optional(),
  takeProfit: decimal.optional(),
  stopOrderType: z.string().optional(),
  rejectReason: z.string().optional(),
  createdTime: decimal,
  updatedTime: decimal,
});
export const OrdersResultSchema = z.object({ list: z.array(OrderSchema), nextPageCursor: z.string().optional() });

/** GET /v5/user/query-api: only the account's UID is read. */
export const ApiKeyInfoSchema = z.object({ userID: z.union([z.number(), z.string()]) });

export const OrderAckSchema = z.object({ orderId: z.string(), orderLinkId: z.string() });
export const CancelAllResultSchema = z.object({ list: z.array(OrderAckSchema) });

export const ExecutionSchema = z.object({
  execId: z.string(),
  orderId: z.string(),
  orderLinkId: z.string(),
  symbol: z.string(),
  side,
  execPrice: decimal,
  execQty: decimal,
  execFee: decimal,
  isMaker: z.boolean(),
  execTime: decimal,
  closedSize: decimal.optional(),
  stopOrderType: z.string().optional(),
  execType: z.string().optional(),
});
export const ExecutionsResultSchema = z.object({ list: z.array(ExecutionSchema), nextPageCursor: z.string().optional() });

// --- WebSocket pushes -------------------------------------------------------------------

export const WsKlineSchema = z.object({
  start: z.number(),
  end: z.number(),
  interval: z.string(),
  open: klineValue,
  high: klineValue,
  low: klineValue,
  close: klineValue,
  volume: klineValue,
  turnover: klineValue,
  confirm: z.boolean(),
  timestamp: z.number(),
});

/** Ticker deltas carry only changed fields. */
export const WsTickerSchema = z.object({
  symbol: z.string(),
  lastPrice: decimal.optional(),
  markPrice: decimal.optional(),
  bid1Price: decimal.optional(),
  ask1Price: decimal.optional(),
});

/** The position stream names the entry price `entryPrice` (REST: `avgPrice`). */
export const WsPositionSchema = PositionSchema.omit({ avgPrice: true }).extend({ entryPrice: decimal.optional(), avgPrice: decimal.optional() });
