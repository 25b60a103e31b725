import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/load.ts';
import { AcceleratedClock } from '../../src/clock/acceleratedClock.ts';
import type { Candle, Interval } from '../../src/domain/types.ts';
import { startExchangeSimServer, type ExchangeSimServer } from '../../src/exchangeSim/index.ts';
import { downloadHistory, subtractRanges } from '../../src/history/download/download.ts';
import { createBybitHistorySource, type HistorySource } from '../../src/history/download/source.ts';
import { stagingFileName } from '../../src/history/download/staging.ts';
import { openHistoryStore } from '../../src/history/store.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createSimExchange } from '../../src/sim/index.ts';
import { SIM_FUNDING_RATE } from '../../src/sim/funding.ts';
import { HOUR, MINUTE, T0, tempDir } from './support.ts';

const DAY = 24 * HOUR;

/** A deterministic exchange listed at `listed`, with `now` fixed; counts requests; can fail after N pages. */
class FakeSource implements HistorySource {
  readonly name = 'fake:test';
  requests: Array<[number, number]> = [];
  failAfter = Number.POSITIVE_INFINITY;
  constructor(
    readonly listed: number,
    readonly nowMs: number,
  ) {}
  async now() {
    return this.nowMs;
  }
  candle(start: number): Candle {
    const p = 100 + ((start / MINUTE) % 97);
    return { start, open: p, high: p + 1, low: p - 1, close: p + 0.5, volume: 10, turnover: 10 * p };
  }
  async candles(_symbol: string, interval: Interval, start: number, end: number, limit: number): Promise<Candle[]> {
    if (this.requests.length >= this.failAfter) throw new Error('connection reset');
    this.requests.push([start, end]);
    const step = Number(interval) * MINUTE;
    const out: Candle[] = [];
    // Like Bybit: the forming candle is included.
    for (let t = Math.max(start, this.listed); t <= Math.min(end, this.nowMs) && out.length < limit; t += step) out.push(this.candle(t));
    return out;
  }
  async funding(_symbol: string, endTime: number, limit: number) {
    const out = [];
    for (let t = Math.floor(Math.min(endTime, this.nowMs) / (8 * HOUR)) * 8 * HOUR; t >= this.listed && out.length < limit; t -= 8 * HOUR) out.push({ time: t, rate: 0.0001 });
    return out.reverse();
  }
  async instrument(symbol: string) {
    return { symbol, status: 'Trading' as const, baseCoin: 'BTC', quoteCoin: 'USDT', tickSize: 0.1, minPrice: 0.1, maxPrice: 1e6, qtyStep: 0.001, minOrderQty: 0.001, maxOrderQty: 100, maxMktOrderQty: 10, minNotional: 5, minLeverage: 1, maxLeverage: 100, leverageStep: 0.01 };
  }
  async close() {}
}

describe('download: paging, resuming, what is never fetched twice', () => {
  it('subtracts covered ranges on the candle grid', () => {
    expect(subtractRanges(0, 100, [[20, 40]], 10)).toEqual([
      [0, 10],
      [50, 100],
    ]);
    expect(subtractRanges(0, 100, [[-50, 200]], 10)).toEqual([]);
    expect(subtractRanges(0, 100, [], 10)).toEqual([[0, 100]]);
    expect(subtractRanges(50, 40, [], 10)).toEqual([]);
  });

  it('pages 1000 candles oldest first, keeps only closed candles, and skips what is stored on the next run', async () => {
    const store = openHistoryStore(tempDir());
    const now = T0 + 3 * DAY + 30 * MINUTE + 20_000; // the 00:30 candle of day 4 is still forming
    const source = new FakeSource(T0, now);
    const pages: number[] = [];
    const s = await downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '1', from: T0, to: T0 + 10 * DAY }, { onProgress: (p) => pages.push(p.done) });
    const expected = 3 * 1440 + 30;
    expect(s.fetched).toBe(expected);
    expect(s.pages).toBe(Math.ceil(expected / 1000));
    expect(source.requests[0]).toEqual([T0, T0 + 999 * MINUTE]);
    for (let i = 1; i < source.requests.length; i++) expect(source.requests[i]![0]).toBe(source.requests[i - 1]![1] + MINUTE);
    expect(pages.at(-1)).toBe(expected);
    const stored = store.loadCandles('BTCUSDT', '1');
    expect(stored.length).toBe(expected);
    expect(stored.start[expected - 1]).toBe(T0 + 3 * DAY + 29 * MINUTE);
    expect(s.funding!.rows).toBe(3 * 3 + 1);
    expect(store.loadInstrument('BTCUSDT')!.tickSize).toBe(0.1);

    source.requests = [];
    const again = await downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '1', from: T0, to: T0 + 10 * DAY });
    expect(again.pages).toBe(0);
    expect(again.alreadyStored).toBe(expected);
    expect(source.requests).toEqual([]);
  });

  it('resumes an interrupted download from its staged pages without fetching them again', async () => {
    const store = openHistoryStore(tempDir());
    const now = T0 + 5 * DAY;
    const source = new FakeSource(T0, now);
    source.failAfter = 3;
    await expect(downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '1', from: T0, to: T0 + 4 * DAY })).rejects.toThrow('connection reset');
    const staging = join(store.symbolDir('BTCUSDT'), stagingFileName('1'));
    expect(existsSync(staging)).toBe(true);
    expect(store.list()).toEqual([]); // nothing merged yet: the staged pages are the progress

    const fetchedBefore = source.requests.map(([a]) => a);
    source.failAfter = Number.POSITIVE_INFINITY;
    source.requests = [];
    const s = await downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '1', from: T0, to: T0 + 4 * DAY });
    expect(s.recovered).toBe(3000);
    expect(s.fetched).toBe(4 * 1440 - 3000);
    for (const [a] of source.requests) expect(fetchedBefore).not.toContain(a);
    expect(existsSync(staging)).toBe(false);
    const stored = store.loadCandles('BTCUSDT', '1');
    expect(stored.length).toBe(4 * 1440);
    for (let i = 0; i < stored.length; i++) if (stored.start[i] !== T0 + i * MINUTE) throw new Error(`row ${i} at ${stored.start[i]}`);
  });

  it('records empty windows before a listing as covered, so they are not asked for again', async () => {
    const store = openHistoryStore(tempDir());
    const source = new FakeSource(T0 + 2 * DAY, T0 + 3 * DAY);
    const first = await downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '60', from: T0 - 60 * DAY, to: T0 + 3 * DAY });
    expect(first.fetched).toBe(24);
    expect(store.list()[0]).toMatchObject({ rows: 24, from: T0 + 2 * DAY, gaps: 0 });
    source.requests = [];
    const again = await downloadHistory(store, source, { symbol: 'BTCUSDT', interval: '60', from: T0 - 60 * DAY, to: T0 + 3 * DAY });
    expect(again.pages).toBe(0);
    expect(source.requests).toEqual([]);
  });
});

describe('download through the Bybit adapter from the simulator server (in-process)', () => {
  const start = Date.UTC(2026, 0, 5);
  const origin = start - 3 * DAY;
  let server: ExchangeSimServer;
  let sim: ReturnType<typeof createSimExchange>;

  beforeAll(async () => {
    const clock = new AcceleratedClock(start, 1);
    sim = createSimExchange({ clock, seed: 42, origin, initialBalance: 10_000, takerFeeRate: 0.00055, makerFeeRate: 0.0002, slippageBps: 2, regimes: {}, faults: { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 } });
    server = await startExchangeSimServer({ sim, clock, accounts: [{ apiKey: 'k', apiSecret: 's' }] });
  });
  afterAll(() => server.close());

  it('stores exactly the candles, funding and filters the simulator serves', async () => {
    const store = openHistoryStore(tempDir());
    const logger = createLogger({ level: 'silent', pretty: 'never' });
    const source = await createBybitHistorySource({ venue: 'local', restUrls: [server.url], exchange: defaultConfig().exchange, logger });
    try {
      const s = await downloadHistory(store, source, { symbol: 'ETHUSDT', interval: '5', from: origin - DAY, to: start });
      expect(s.fetched).toBe(3 * 288);
      expect(s.pages).toBe(2);
      const stored = store.loadCandles('ETHUSDT', '5');
      const expected = [...sim.market.klines({ symbol: 'ETHUSDT', interval: '5', start: origin, end: start - 1, limit: 1000 })];
      expect(stored.length).toBe(expected.length);
      expect([...stored.close]).toEqual(expected.map((c) => c.close));
      expect([...stored.turnover]).toEqual(expected.map((c) => Number(c.turnover.toFixed(8))));
      const funding = store.loadFunding('ETHUSDT')!;
      expect(funding.length).toBe(9);
      expect(funding.time[0]).toBe(origin);
      expect([...funding.rate].every((r) => r === SIM_FUNDING_RATE)).toBe(true);
      expect(store.loadInstrument('ETHUSDT')).toEqual(sim.market.instrument('ETHUSDT'));
    } finally {
      await source.close();
    }
  });
});
