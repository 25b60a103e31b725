import { z } from 'zod';
import { SymbolSchema } from './fields.ts';

/**
 * The `simulator` section of the configuration (config/schema.ts): the built-in Bybit V5
 * simulator's market, account, clock, replays of stored candles and injected faults.
 */

/** The symbols traded and listed by default. */
export const DEFAULT_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] as const;

const ms = z.number().int().nonnegative();

export const FaultsSchema = z.strictObject({
  down: z.boolean().default(false),
  authRejected: z.boolean().default(false),
  latencyMs: ms.default(0),
  nanCandles: z.array(SymbolSchema).default([]),
  errorRate: z.number().min(0).max(1).default(0),
});

export const RegimeNameSchema = z.enum(['trend', 'range', 'crash', 'flat', 'zeroVolume']);

/** `SYMBOL:INTERVAL` of a stored candle series (the history store), e.g. BTCUSDT:60. */
export const SeriesSpecSchema = z
  .string()
  .regex(/^[A-Z0-9]{2,24}USDT:(1|3|5|15|30|60|120|240|360|720)$/, 'must be SYMBOL:INTERVAL such as BTCUSDT:60 (interval in minutes: 1 3 5 15 30 60 120 240 360 720)');

const isoOrEmpty = z.union([z.literal(''), z.iso.datetime({ message: 'must be an ISO-8601 UTC time such as 2023-01-01T00:00:00Z' })]);

export const SimulatorSchema = z
  .strictObject({
    seed: z.number().int().default(42),
    /** Simulated milliseconds per real millisecond (300: a 5-minute candle closes every second). */
    speed: z.number().positive().max(100_000).default(300),
    /** 'now' or an ISO-8601 UTC time at which simulated time starts. */
    startTime: z
      .union([z.literal('now'), z.iso.datetime({ message: 'must be "now" or an ISO-8601 UTC time such as 2026-01-01T00:00:00Z' })])
      .default('now'),
    historyDays: z.number().positive().max(30).default(3),
    initialBalance: z.number().positive().default(10_000),
    takerFeeRate: z.number().min(0).max(0.01).default(0.00055),
    makerFeeRate: z.number().min(-0.01).max(0.01).default(0.0002),
    slippageBps: z.number().min(0).max(500).default(2),
    /** Funding rate per settlement (00:00, 08:00, 16:00 UTC) on open positions: 0.0001 = 0.01 %, Bybit's base rate; longs pay when positive. Backtests on history use the stored funding history instead when there is one. */
    fundingRate: z.number().min(-0.01).max(0.01).default(0.0001),
    /** Force a market regime per symbol, e.g. { SOLUSDT: 'crash' }. */
    regimes: z.record(SymbolSchema, RegimeNameSchema).default({}),
    /** Symbols the simulator lists (every preset's symbols are added); any other symbol is refused like Bybit (10001). */
    instruments: z.array(SymbolSchema).min(1).default([...DEFAULT_SYMBOLS]),
    /** Wire transport: the port of the in-process simulator server on 127.0.0.1 (0 = a free port). */
    serverPort: z.number().int().min(0).max(65_535).default(0),
    /** 'accelerated': simulated time runs `speed` x the wall clock; 'lockstep': it moves only when every actor is idle and no exchange call is in flight (inproc only; identical to npm run backtest -- --engine actors). */
    clock: z.enum(['accelerated', 'lockstep']).default('accelerated'),
    /** Taker fills on the generated market: walk the order book ('book', slippage follows size) or move the price by slippageBps ('slippage'). Replays always use slippageBps. */
    fillModel: z.enum(['book', 'slippage']).default('book'),
    /** Jumps in the generated price path: expected gaps per symbol per day and their typical size in % (a stop jumped over fills at the gap's open). */
    gaps: z
      .strictObject({
        perDay: z.number().min(0).max(1440).default(0),
        sizePct: z.number().min(0).max(50).default(0.5),
      })
      .prefault({}),
    /** Replay stored candles (the history store) instead of the generated market. */
    history: z
      .strictObject({
        /** Series to replay, SYMBOL:INTERVAL; empty = the generated market. */
        series: z.array(SeriesSpecSchema).default([]),
        /** Where the replay starts (first decision); required with series. On the lock-step clock without series: the start of the synthetic replay (default simulator.startTime). */
        from: isoOrEmpty.default(''),
        /** Where it ends (default: the end of the stored data; the synthetic lock-step replay: from + 30 days). */
        to: isoOrEmpty.default(''),
        /** The history store (default <journal.dataDir>/history). */
        dir: z.string().default(''),
      })
      .prefault({}),
    faults: FaultsSchema.prefault({}),
  })
  .prefault({});
