import { fundingHistory, nextFundingTime } from '../../sim/funding.ts';
import { KLINE_INTERVALS, isKlineInterval, klineNext, type KlineInterval } from '../../sim/klineIntervals.ts';
import { corruptCandles } from '../badData.ts';
import type { Route, SimDeps } from '../context.ts';
import { paramsError } from '../envelope.ts';
import { dec, instrumentView, klineRow, spotInstrumentView, tickerView, type DayStats } from '../format.ts';
import { fundingHistoryQuery, instrumentsQuery, klineQuery, orderbookQuery, paginate, parse, tickersQuery } from '../schemas.ts';

function interval(value: string): KlineInterval {
  if (!isKlineInterval(value)) throw paramsError(`params error: interval ${value} invalid (Bybit serves ${KLINE_INTERVALS.join(' ')})`);
  return value;
}

/** Resolves a symbol (10001 when unknown) and remembers it for symbol-less listings. */
export function instrumentOf(deps: SimDeps, symbol: string): ReturnType<SimDeps['sim']['market']['instrument']> {
  const instrument = deps.sim.market.instrument(symbol);
  deps.knownSymbols.add(symbol);
  return instrument;
}

/** 24 h statistics from hourly candles of the simulated market. */
export function dayStats(deps: SimDeps, symbol: string): DayStats {
  const candles = deps.sim.market.candles({ symbol, interval: '60', limit: 25 }).slice(-24);
  const last = deps.sim.market.lastPrice(symbol);
  if (candles.length === 0) return { prevPrice24h: last, highPrice24h: last, lowPrice24h: last, volume24h: 0, turnover24h: 0, prevPrice1h: last };
  return {
    prevPrice24h: candles[0]!.open,
    highPrice24h: Math.max(...candles.map((c) => c.high)),
    lowPrice24h: Math.min(...candles.map((c) => c.low)),
    volume24h: candles.reduce((s, c) => s + c.volume, 0),
    turnover24h: candles.reduce((s, c) => s + c.turnover, 0),
    prevPrice1h: candles[candles.length - 1]!.open,
  };
}

export function tickerItem(deps: SimDeps, symbol: string): Record<string, string> {
  const instrument = instrumentOf(deps, symbol);
  const now = deps.clock.now();
  return tickerView(deps.sim.market.ticker(symbol), instrument, dayStats(deps, symbol), nextFundingTime(now));
}

export const marketRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v5/market/time',
    private: false,
    // Wall time: bybit-api syncs its signing clock on it (envelope `time`, which matches).
    handle: ({ deps }) => {
      const now = deps.wallNow();
      return { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/kline',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(klineQuery, params);
      const iv = interval(q.interval);
      const instrument = instrumentOf(deps, q.symbol);
      const now = deps.clock.now();
      // Bybit's paging: [start, end] inclusive, anchored at start when given (MarketGenerator.klines).
      const candles = deps.sim.market.klines({ symbol: q.symbol, interval: iv, limit: q.limit, start: q.start, end: q.end });
      const closed = candles.filter((c) => klineNext(iv, c.start) <= now).length;
      const served = corruptCandles(candles, deps.faults.badDataFor(q.symbol), closed);
      // Bybit lists klines newest first.
      return { category: q.category, symbol: q.symbol, list: served.reverse().map((c) => klineRow(c, instrument)) };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/funding/history',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(fundingHistoryQuery, params);
      // Bybit: "Passing only startTime returns an error."
      if (q.startTime !== undefined && q.endTime === undefined) throw paramsError('params error: endTime is required when startTime is given');
      instrumentOf(deps, q.symbol);
      const rows = fundingHistory({ origin: deps.sim.market.origin, now: deps.clock.now(), startTime: q.startTime, endTime: q.endTime, limit: q.limit });
      // Newest first, like Bybit; the rate is the one the tickers advertise.
      return { category: q.category, list: rows.map((r) => ({ symbol: q.symbol, fundingRate: dec(r.rate), fundingRateTimestamp: String(r.time) })) };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/tickers',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(tickersQuery, params);
      const symbols = q.symbol ? [q.symbol] : [...deps.knownSymbols].sort();
      const list = symbols.map((s) => tickerItem(deps, s));
      if (q.category !== 'spot') return { category: q.category, list };
      const spotKeys = ['symbol', 'bid1Price', 'bid1Size', 'ask1Price', 'ask1Size', 'lastPrice', 'prevPrice24h', 'price24hPcnt', 'highPrice24h', 'lowPrice24h', 'turnover24h', 'volume24h'];
      return { category: 'spot', list: list.map((t) => ({ ...Object.fromEntries(spotKeys.map((k) => [k, t[k] ?? ''])), usdIndexPrice: t['indexPrice'] ?? '' })) };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/instruments-info',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(instrumentsQuery, params);
      const symbols = q.symbol ? [q.symbol] : [...deps.knownSymbols].sort();
      const instruments = symbols.map((s) => instrumentOf(deps, s));
      // Only Trading instruments exist here; asking for PreLaunch lists nothing, as on Bybit.
      const listed = q.status && q.status !== 'Trading' ? [] : instruments;
      if (q.category === 'spot') return { category: 'spot', list: listed.map(spotInstrumentView) };
      const { page, nextPageCursor } = paginate(listed, q.limit, q.cursor);
      return { category: q.category, list: page.map((i) => instrumentView(i, deps.sim.market.origin)), nextPageCursor };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/orderbook',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(orderbookQuery, params);
      const instrument = instrumentOf(deps, q.symbol);
      const t = deps.sim.market.ticker(q.symbol);
      const size = String(instrument.minOrderQty * 100);
      const now = deps.clock.now();
      return { s: q.symbol, b: [[String(t.bid1Price), size]], a: [[String(t.ask1Price), size]], ts: now, u: Math.floor(now / 100), seq: Math.floor(now / 100), cts: now };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/recent-trade',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(tickersQuery, params);
      if (!q.symbol) throw paramsError('params error: symbol invalid');
      instrumentOf(deps, q.symbol);
      return { category: q.category, list: [] };
    },
  },
];
