import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import type { BacktestRun, BacktestTrade, PauseRecord } from '../../src/backtest/types.ts';
import type { CandleColumns } from '../../src/history/types.ts';

/**
 * Backtest runs built by hand for the results tests: `trade()` and `run()` fill in the fields
 * a test does not care about; `syntheticRun()` makes a realistic seeded run (a few hundred
 * trades on several symbols, a consistent mark-to-market equity curve, pauses and a halt)
 * with the candles it traded on, for the report's end-to-end test and the screenshot.
 */

export const T0 = Date.UTC(2024, 0, 1);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const REGIMES = ['trendingUp', 'trendingDown', 'ranging', 'volatile'] as const;

const FACTOR_NAMES: Readonly<Record<string, readonly [string, string, string]>> = {
  range: ['rangeQuality', 'edgeProximity', 'momentum'],
  multiTimeframe: ['trendStrength', 'pullbackDepth', 'resumption'],
  volumeVwap: ['vwapStretch', 'volumeSpike', 'reversal'],
};

export function trade(over: Partial<BacktestTrade> & Pick<BacktestTrade, 'entryTime' | 'exitTime'>): BacktestTrade {
  const grossPnl = over.grossPnl ?? 0;
  const fees = over.fees ?? 0;
  const funding = over.funding ?? 0;
  const netPnl = over.netPnl ?? grossPnl - fees - funding;
  const riskAmount = over.riskAmount ?? 10;
  const strategyType = over.strategyType ?? 'range';
  const names = FACTOR_NAMES[strategyType] ?? ['a', 'b', 'c'];
  return {
    seq: 1,
    symbol: 'BTCUSDT',
    presetId: 'range-v1',
    side: 'long',
    qty: 0.01,
    signalCandleStart: over.entryTime - HOUR,
    entryPrice: 100,
    exitPrice: 100,
    exitReason: 'Exit',
    stopLoss: 90,
    takeProfit: 120,
    score: 0.5,
    factors: { [names[0]]: 0.5, [names[1]]: 0.5, [names[2]]: 0.5 },
    signalMode: 'full',
    regime: 'ranging',
    orderLinkId: `bb1-test-${over.entryTime}`,
    ...over,
    strategyType,
    grossPnl,
    fees,
    funding,
    netPnl,
    riskAmount,
    rMultiple: over.rMultiple ?? netPnl / riskAmount,
  };
}

export interface Mark {
  readonly t: number;
  readonly equity: number;
  readonly exposure?: number;
}

export function run(over: Partial<Omit<BacktestRun, 'equity'>> & { marks?: readonly Mark[] } = {}): BacktestRun {
  const { marks = [], ...rest } = over;
  const trades = rest.trades ?? [];
  const startEquity = rest.startEquity ?? 1000;
  return {
    engine: 'fast',
    market: 'history',
    seed: null,
    from: T0,
    to: T0 + DAY,
    data: [],
    presets: [],
    startEquity,
    endEquity: startEquity + trades.reduce((s, t) => s + t.netPnl, 0),
    trades,
    pauses: [],
    candlesProcessed: 0,
    elapsedMs: 0,
    funding: {},
    ...rest,
    equity: {
      time: Float64Array.from(marks, (m) => m.t),
      equity: Float64Array.from(marks, (m) => m.equity),
      exposure: Float64Array.from(marks, (m) => m.exposure ?? 0),
    },
  };
}

export interface SyntheticRun {
  readonly run: BacktestRun;
  readonly prices: CandleColumns[];
}

const SYMBOLS = [
  { symbol: 'BTCUSDT', price: 42_000, priceDecimals: 1, qtyDecimals: 3 },
  { symbol: 'ETHUSDT', price: 2_300, priceDecimals: 2, qtyDecimals: 2 },
  { symbol: 'SOLUSDT', price: 100, priceDecimals: 3, qtyDecimals: 1 },
] as const;

const PRESETS = [
  { id: 'range-v1', type: 'range' },
  { id: 'mtf-v1', type: 'multiTimeframe' },
  { id: 'vwap-v1', type: 'volumeVwap' },
] as const;

/**
 * A seeded, internally consistent run: random-walk 1h candles per symbol, trades that enter
 * and exit on those candles (priced from them, with fees, funding and a stop 1-3 % away),
 * one position per symbol at a time, the account's equity marked to market every hour, and
 * a daily-loss pause after each day that lost more than 4 % (plus one halt near the end).
 */
export function syntheticRun(options: { seed?: number; days?: number; equity?: number } = {}): SyntheticRun {
  const random = mulberry32(options.seed ?? 7);
  const days = options.days ?? 180;
  const hours = days * 24;
  const startEquity = options.equity ?? 10_000;
  const from = T0;
  const to = T0 + hours * HOUR;

  const onGrid = (v: number, decimals: number) => Number(v.toFixed(decimals));
  const prices: CandleColumns[] = SYMBOLS.map(({ symbol, price, priceDecimals }) => {
    const cols = { start: new Float64Array(hours), open: new Float64Array(hours), high: new Float64Array(hours), low: new Float64Array(hours), close: new Float64Array(hours), volume: new Float64Array(hours), turnover: new Float64Array(hours) };
    let p: number = price;
    for (let i = 0; i < hours; i++) {
      const open = onGrid(p, priceDecimals);
      const close = onGrid(open * Math.exp(0.008 * gaussian(random) + 0.00002), priceDecimals);
      cols.start[i] = from + i * HOUR;
      cols.open[i] = open;
      cols.close[i] = close;
      cols.high[i] = onGrid(Math.max(open, close) + open * 0.004 * random(), priceDecimals);
      cols.low[i] = onGrid(Math.min(open, close) - open * 0.004 * random(), priceDecimals);
      cols.volume[i] = 100 + 900 * random();
      cols.turnover[i] = cols.volume[i]! * close;
      p = close;
    }
    return { symbol, interval: '60', length: hours, ...cols };
  });

  interface Open {
    t: BacktestTrade;
    col: CandleColumns;
    exitIndex: number;
  }
  const trades: BacktestTrade[] = [];
  const openBySymbol = new Map<string, Open>();
  const time = new Float64Array(hours);
  const equityMarks = new Float64Array(hours);
  const exposure = new Float64Array(hours);
  const pauses: PauseRecord[] = [];
  let realised = startEquity;
  let dayStartEquity = startEquity;
  let pausedUntil = -1;
  let halted = false;
  let seq = 0;

  for (let i = 0; i < hours; i++) {
    const now = from + (i + 1) * HOUR; // marks at each candle's close
    // Exits first.
    for (const [symbol, o] of openBySymbol) {
      if (o.exitIndex !== i) continue;
      const close = o.col.close[i]!;
      const dir = o.t.side === 'long' ? 1 : -1;
      const hitStop = dir * (close - o.t.stopLoss) <= 0;
      const hitTarget = dir * (close - o.t.takeProfit) >= 0;
      const exitPrice = hitStop ? o.t.stopLoss : hitTarget ? o.t.takeProfit : close;
      const grossPnl = (exitPrice - o.t.entryPrice) * o.t.qty * dir;
      const fees = (o.t.entryPrice + exitPrice) * o.t.qty * 0.00055;
      const settlements = Math.floor((now - o.t.entryTime) / (8 * HOUR));
      const funding = settlements * o.t.entryPrice * o.t.qty * 0.0001 * dir;
      const netPnl = grossPnl - fees - funding;
      const done: BacktestTrade = {
        ...o.t,
        exitTime: now,
        exitPrice,
        exitReason: hitStop ? 'StopLoss' : hitTarget ? 'TakeProfit' : i === hours - 1 ? 'EndOfData' : 'Exit',
        grossPnl,
        fees,
        funding,
        netPnl,
        rMultiple: netPnl / o.t.riskAmount,
      };
      trades.push(done);
      realised += netPnl;
      openBySymbol.delete(symbol);
    }
    // Marks: realised equity plus the open positions' unrealised PnL at this close.
    let unrealised = 0;
    let notional = 0;
    for (const o of openBySymbol.values()) {
      const close = o.col.close[i]!;
      unrealised += (close - o.t.entryPrice) * o.t.qty * (o.t.side === 'long' ? 1 : -1);
      notional += close * o.t.qty;
    }
    // Daily loss limit: a day that lost more than 4 % pauses entries until 00:00 UTC.
    if (now % DAY === 0) dayStartEquity = realised + unrealised;
    if (!halted && now >= pausedUntil && realised + unrealised < dayStartEquity * 0.96) {
      const until = Math.floor(now / DAY) * DAY + DAY;
      pauses.push({ kind: 'pause', from: now, until: until <= to ? until : null, reason: 'daily loss limit reached', code: 'DAILY_LOSS_LIMIT', equity: realised + unrealised, dayStartEquity });
      pausedUntil = until;
    }
    if (!halted && i === hours - 36) {
      halted = true;
      pauses.push({ kind: 'halt', from: now, until: null, reason: 'operator halt <test & "quotes">', code: 'TRADING_HALTED', equity: realised + unrealised, dayStartEquity });
    }
    // Entries on this close, filled at the next candle's open.
    if (i + 2 < hours && !halted && now >= pausedUntil) {
      for (const [k, col] of prices.entries()) {
        if (openBySymbol.has(col.symbol) || random() > 0.06) continue;
        const { priceDecimals, qtyDecimals } = SYMBOLS[k]!;
        const preset = PRESETS[Math.floor(random() * PRESETS.length)]!;
        const side = random() < 0.5 ? 'long' : 'short';
        const dir = side === 'long' ? 1 : -1;
        const entryPrice = col.open[i + 1]!;
        const stopDistance = onGrid(entryPrice * (0.01 + 0.02 * random()), priceDecimals);
        const qty = onGrid(Math.max((realised * 0.01) / stopDistance, 10 ** -qtyDecimals), qtyDecimals);
        const riskAmount = qty * stopDistance;
        const names = FACTOR_NAMES[preset.type]!;
        const factors = { [names[0]]: random(), [names[1]]: random(), [names[2]]: random() };
        // Derived from a factor, not drawn: the run's random sequence (and so its figures) stays as it was.
        const regime = REGIMES[Math.min(REGIMES.length - 1, Math.floor(factors[names[1]]! * REGIMES.length))]!;
        seq++;
        openBySymbol.set(col.symbol, {
          col,
          exitIndex: Math.min(hours - 1, i + 1 + 1 + Math.floor(random() * 30)),
          t: {
            seq,
            symbol: col.symbol,
            presetId: preset.id,
            strategyType: preset.type,
            side,
            qty,
            signalCandleStart: col.start[i]!,
            entryTime: col.start[i + 1]!,
            entryPrice,
            exitTime: 0,
            exitPrice: 0,
            exitReason: 'Exit',
            stopLoss: onGrid(entryPrice - dir * stopDistance, priceDecimals),
            takeProfit: onGrid(entryPrice + dir * stopDistance * 2, priceDecimals),
            grossPnl: 0,
            fees: 0,
            funding: 0,
            netPnl: 0,
            riskAmount,
            rMultiple: 0,
            score: (factors[names[0]]! + factors[names[1]]! + factors[names[2]]!) / 3,
            factors,
            signalMode: random() < 0.9 ? 'full' : 'degraded',
            regime,
            orderLinkId: `bb1-${preset.id}-${col.symbol}-${seq}`,
          },
        });
      }
    }
    time[i] = now;
    equityMarks[i] = realised + unrealised;
    exposure[i] = notional;
  }

  trades.sort((a, b) => a.entryTime - b.entryTime || a.symbol.localeCompare(b.symbol));
  const run: BacktestRun = {
    engine: 'fast',
    market: 'synthetic',
    seed: options.seed ?? 7,
    from,
    to,
    data: prices.map((c) => ({ symbol: c.symbol, interval: c.interval, from: c.start[0]!, to: c.start[c.length - 1]!, candles: c.length, dataIssues: {} })),
    presets: PRESETS.map((p) => ({ id: p.id, type: p.type, symbols: SYMBOLS.map((s) => s.symbol) })),
    startEquity,
    endEquity: realised,
    trades: trades.map((t, k) => ({ ...t, seq: k + 1 })),
    equity: { time, equity: equityMarks, exposure },
    pauses,
    candlesProcessed: hours * SYMBOLS.length,
    elapsedMs: 250,
    funding: Object.fromEntries(SYMBOLS.map((s) => [s.symbol, { settlements: days * 3, source: 'configured', total: trades.filter((t) => t.symbol === s.symbol).reduce((sum, t) => sum + t.funding, 0) }])),
  };
  return { run, prices };
}
