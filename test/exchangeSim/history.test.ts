import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSimServer, type ExchangeSimServer } from '../../src/exchangeSim/index.ts';
import { DAY, KEY, MINUTE, ORIGIN, SECRET } from './fixture.ts';
import { makeSim, type SimFixture } from '../sim/simFixture.ts';

/**
 * The simulator serves history the way Bybit pages it, for the data download: klines in
 * [start, end] (inclusive), anchored at `start` when given, newest first, every interval
 * including the calendar ones (D from 00:00 UTC, W from Monday, M from the 1st), nothing
 * before the generated history; and funding history consistent with the tickers.
 */
const HOUR = 60 * MINUTE;
type Envelope<T> = { retCode: number; retMsg: string; result: T };
type KlineResult = { category: string; symbol: string; list: string[][] };
type FundingResult = { category: string; list: Array<{ symbol: string; fundingRate: string; fundingRateTimestamp: string }> };

describe('exchange-sim history: kline paging, calendar intervals, funding history', () => {
  let f: SimFixture;
  let server: ExchangeSimServer;
  // 40 days of history: 2026-01-01 (a Thursday) 00:00 to 2026-02-10 00:00:30.
  const now = ORIGIN + 40 * DAY + 30_000;

  beforeAll(async () => {
    f = makeSim({ start: now });
    server = await startExchangeSimServer({ sim: f.sim, clock: f.clock, accounts: [{ apiKey: KEY, apiSecret: SECRET }] });
  });
  afterAll(() => server.close());

  async function get<T>(path: string, query: Record<string, string | number>): Promise<Envelope<T>> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const res = await fetch(`${server.url}${path}?${qs}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Envelope<T>;
  }
  const kline = (q: Record<string, string | number>) => get<KlineResult>('/v5/market/kline', { category: 'linear', symbol: 'BTCUSDT', ...q });
  const starts = (r: Envelope<KlineResult>) => r.result.list.map((row) => Number(row[0]));

  it('with start and end: candles in [start, end] inclusive, the first `limit` from start, newest first', async () => {
    const start = ORIGIN + 2 * DAY;
    const all = await kline({ interval: '60', start, end: start + 5 * HOUR, limit: 1000 });
    expect(all.retCode).toBe(0);
    expect(starts(all)).toEqual([5, 4, 3, 2, 1, 0].map((h) => start + h * HOUR));

    const page = await kline({ interval: '1', start, end: start + 3 * DAY, limit: 1000 });
    const s = starts(page);
    expect(s).toHaveLength(1000);
    expect(s.at(-1)).toBe(start);
    expect(s[0]).toBe(start + 999 * MINUTE);
    // Next page: move start past the newest row received.
    const next = starts(await kline({ interval: '1', start: s[0]! + MINUTE, end: start + 3 * DAY, limit: 1000 }));
    expect(next.at(-1)).toBe(start + 1000 * MINUTE);
  });

  it('aligns an off-grid start up and an off-grid end down', async () => {
    const start = ORIGIN + 2 * DAY;
    expect(starts(await kline({ interval: '60', start: start + 1, end: start + 3 * HOUR - 1, limit: 10 }))).toEqual([start + 2 * HOUR, start + HOUR]);
  });

  it('without start: the newest `limit` up to end, or up to now with the forming candle', async () => {
    const end = ORIGIN + 10 * DAY;
    expect(starts(await kline({ interval: '60', end, limit: 3 }))).toEqual([end, end - HOUR, end - 2 * HOUR]);
    const latest = starts(await kline({ interval: '5', limit: 2 }));
    expect(latest[0]).toBe(Math.floor(now / (5 * MINUTE)) * 5 * MINUTE);
  });

  it('answers a range before the generated history with an empty list, not an error', async () => {
    const before = await kline({ interval: '60', start: ORIGIN - 10 * DAY, end: ORIGIN - DAY, limit: 1000 });
    expect(before.retCode).toBe(0);
    expect(before.result.list).toEqual([]);
    // A range straddling the origin starts at the first generated candle.
    expect(starts(await kline({ interval: '60', start: ORIGIN - 5 * HOUR, end: ORIGIN + HOUR, limit: 1000 }))).toEqual([ORIGIN + HOUR, ORIGIN]);
  });

  it('serves D, W and M candles on the UTC calendar, aggregated from the 1-minute bars', async () => {
    const day = ORIGIN + 3 * DAY;
    const d = (await kline({ interval: 'D', start: day, end: day, limit: 1 })).result.list[0]!;
    const minutes = f.sim.market.klines({ symbol: 'BTCUSDT', interval: '1', start: day, end: day + DAY - 1, limit: 1000 });
    const rest = f.sim.market.klines({ symbol: 'BTCUSDT', interval: '1', start: day + 1000 * MINUTE, end: day + DAY - 1, limit: 1000 });
    const bars = [...minutes, ...rest];
    expect(bars).toHaveLength(1440);
    expect(Number(d[0])).toBe(day);
    expect(Number(d[1])).toBe(bars[0]!.open);
    expect(Number(d[2])).toBe(Math.max(...bars.map((b) => b.high)));
    expect(Number(d[3])).toBe(Math.min(...bars.map((b) => b.low)));
    expect(Number(d[4])).toBe(bars.at(-1)!.close);
    expect(Number(d[5])).toBeCloseTo(bars.reduce((s, b) => s + b.volume, 0), 6);

    // Weeks start on Monday: 2026-01-01 is a Thursday, so the first week (2025-12-29) is
    // partial, from the origin on, as a new listing's first week is on Bybit.
    const weekly = await kline({ interval: 'W', limit: 10 });
    const weeks = starts(weekly).reverse();
    expect(weeks[0]).toBe(Date.UTC(2025, 11, 29));
    expect(weeks[1]).toBe(Date.UTC(2026, 0, 5));
    expect(new Date(weeks[0]!).getUTCDay()).toBe(1);
    for (let i = 1; i < weeks.length; i++) expect(weeks[i]! - weeks[i - 1]!).toBe(7 * DAY);
    const firstDays = f.sim.market.klines({ symbol: 'BTCUSDT', interval: 'D', start: ORIGIN, end: ORIGIN + 3 * DAY, limit: 4 });
    expect(Number(weekly.result.list.at(-1)![1])).toBe(firstDays[0]!.open);

    // Months: January is whole (history starts 01-01 00:00), February is still forming.
    const months = await kline({ interval: 'M', start: ORIGIN - DAY, limit: 10 });
    expect(starts(months)).toEqual([Date.UTC(2026, 1, 1), Date.UTC(2026, 0, 1)]);
    const jan = f.sim.market.klines({ symbol: 'BTCUSDT', interval: 'D', start: ORIGIN, end: Date.UTC(2026, 0, 31), limit: 1000 });
    expect(jan).toHaveLength(31);
    expect(Number(months.result.list[1]![1])).toBe(jan[0]!.open);
    expect(Number(months.result.list[1]![4])).toBe(jan.at(-1)!.close);
  });

  it('rejects an unknown interval with 10001', async () => {
    const bad = await kline({ interval: '2', limit: 5 });
    expect(bad.retCode).toBe(10001);
    expect(bad.retMsg).toContain('interval');
  });

  it('serves funding history newest first, every 8 h since the origin, at the rate the tickers advertise', async () => {
    const funding = (q: Record<string, string | number>) => get<FundingResult>('/v5/market/funding/history', { category: 'linear', symbol: 'BTCUSDT', ...q });
    const ticker = (await get<{ list: Array<Record<string, string>> }>('/v5/market/tickers', { category: 'linear', symbol: 'BTCUSDT' })).result.list[0]!;

    const latest = await funding({});
    expect(latest.retCode).toBe(0);
    expect(latest.result.list).toHaveLength(40 * 3 + 1); // 00:00 01-01 .. 00:00 02-10, up to now
    const times = latest.result.list.map((r) => Number(r.fundingRateTimestamp));
    expect(times[0]).toBe(ORIGIN + 40 * DAY);
    expect(times.at(-1)).toBe(ORIGIN);
    for (let i = 1; i < times.length; i++) expect(times[i - 1]! - times[i]!).toBe(8 * HOUR);
    for (const r of latest.result.list) {
      expect(r.symbol).toBe('BTCUSDT');
      expect(r.fundingRate).toBe(ticker['fundingRate']);
    }
    expect(Number(ticker['nextFundingTime'])).toBe(times[0]! + 8 * HOUR);

    const page = await funding({ endTime: ORIGIN + 10 * DAY - 1, limit: 5 });
    expect(page.result.list.map((r) => Number(r.fundingRateTimestamp))).toEqual([1, 2, 3, 4, 5].map((k) => ORIGIN + 10 * DAY - k * 8 * HOUR));
    const window = await funding({ startTime: ORIGIN + DAY, endTime: ORIGIN + 2 * DAY, limit: 200 });
    expect(window.result.list.map((r) => Number(r.fundingRateTimestamp))).toEqual([ORIGIN + 2 * DAY, ORIGIN + DAY + 16 * HOUR, ORIGIN + DAY + 8 * HOUR, ORIGIN + DAY]);
    expect((await funding({ endTime: ORIGIN - 1 })).result.list).toEqual([]);

    expect((await funding({ startTime: ORIGIN })).retCode).toBe(10001);
    expect((await funding({ limit: 201 })).retCode).toBe(10001);
    expect((await get('/v5/market/funding/history', { category: 'spot', symbol: 'BTCUSDT' })).retCode).toBe(10001);
  });
});
