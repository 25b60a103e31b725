import { UnknownSymbolError } from '../../domain/errors.ts';
import type { Instrument } from '../../domain/types.ts';
import { fundingHistory, nextFunding } from '../../sim/funding.ts';
import { KLINE_INTERVALS, isKlineInterval, klineNext, type KlineInterval } from '../../sim/klineIntervals.ts';
import { corruptCandles } from '../badData.ts';
import type { Route, SimDeps } from '../context.ts';
import { paramsError } from '../envelope.ts';
import { bookView, dec, instrumentView, klineRow, spotInstrumentView, tickerView, tradeView, type DayStats } from '../format.ts';
import { marketBook, marketTrades } from '../microstructure.ts';
import { fundingHistoryQuery, instrumentsQuery, klineQuery, orderbookQuery, paginate, parse, recentTradeQuery, tickersQuery } from '../schemas.ts';

function interval(value: string): KlineInterval {
  if (!isKlineInterval(value)) throw paramsError(`params error: interval ${value} invalid (Bybit serves ${KLINE_INTERVALS.join(' ')})`);
  return value;
}

/**
 * Resolves a listed symbol (10001 "symbol invalid" for anything else). The simulator's
 * instruments are linear perpetuals whose market data is also served as spot; inverse and
 * option have no instruments, so every symbol is unknown there, as on Bybit for a symbol
 * of the wrong category.
 */
export function instrumentOf(deps: SimDeps, symbol: string, category: string = 'linear'): Instrument {
  if (category !== 'linear' && category !== 'spot') throw new UnknownSymbolError(symbol);
  return deps.sim.market.instrument(symbol);
}

/** 24 h statistics from hourly candles of the simulated market. */
export function dayStats(deps: SimDeps, symbol: string): DayStats {
  const candles = deps.sim.market.klines({ symbol, interval: '60', limit: 25 }).slice(-24);
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
  const book = marketBook(deps, symbol, 1);
  return tickerView(deps.sim.market.ticker(symbol), instrument, dayStats(deps, symbol), nextFunding(deps.sim.market.funding(symbol), now), book);
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
      const instrument = instrumentOf(deps, q.symbol, q.category);
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
      instrumentOf(deps, q.symbol, q.category);
      const schedule = deps.sim.market.funding(q.symbol);
      const rows = fundingHistory(schedule, { origin: deps.sim.market.origin, now: deps.clock.now(), startTime: q.startTime, endTime: q.endTime, limit: q.limit });
      // Newest first, like Bybit; the settlements the engine charges.
      return { category: q.category, list: rows.map((r) => ({ symbol: q.symbol, fundingRate: dec(r.rate), fundingRateTimestamp: String(r.time) })) };
    },
  },
  {
    method: 'GET',
    path: '/v5/market/tickers',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(tickersQuery, params);
      if (q.category === 'inverse' || q.category === 'option') {
        if (q.symbol) throw new UnknownSymbolError(q.symbol);
        return { category: q.category, list: [] };
      }
      const symbols = q.symbol ? [q.symbol] : deps.sim.market.symbols();
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
      // No inverse or option instruments exist here: Bybit answers an empty list for a category without them.
      if (q.category === 'inverse' || q.category === 'option') {
        if (q.symbol) return { category: q.category, list: [], nextPageCursor: '' };
        return { category: q.category, list: [], nextPageCursor: '' };
      }
      let symbols = q.symbol ? [q.symbol] : [...deps.sim.market.symbols()];
      if (q.baseCoin) symbols = symbols.filter((s) => s === `${q.baseCoin}USDT`);
      // A symbol the simulator does not list: an empty list, as Bybit answers for an unknown symbol here.
      const instruments = symbols.filter((s) => deps.sim.market.symbols().includes(s)).map((s) => instrumentOf(deps, s));
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
      instrumentOf(deps, q.symbol, q.category);
      // Bybit's defaults and bounds: linear 1..500 (1000 on newer docs) default 25; spot 1..200 default 1.
      const limit = Math.min(q.limit ?? (q.category === 'spot' ? 1 : 25), q.category === 'spot' ? 200 : 1000);
      const book = marketBook(deps, q.symbol, limit);
      return bookView(book, deps.sim.market.instrument(q.symbol));
    },
  },
  {
    method: 'GET',
    path: '/v5/market/recent-trade',
    private: false,
    handle: ({ params, deps }) => {
      const q = parse(recentTradeQuery, params);
      if (!q.symbol) throw paramsError('params error: symbol invalid');
      const instrument = instrumentOf(deps, q.symbol, q.category);
      const limit = Math.min(q.limit ?? (q.category === 'spot' ? 60 : 500), q.category === 'spot' ? 60 : 1000);
      // Newest first, as Bybit lists them.
      return { category: q.category, list: marketTrades(deps, q.symbol, limit).map((t) => tradeView(t, instrument)) };
    },
  },
];
