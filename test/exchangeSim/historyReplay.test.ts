import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistoryStore } from '../../src/history/index.ts';
import { loadConfig } from '../../config/load.ts';
import { startApp } from '../../src/app.ts';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { syntheticCandles, tempDir } from '../history/support.ts';

/**
 * History replay: the simulator runs on stored candles (the history store) instead of its
 * generator, as its own process (`npm run exchange-sim -- --history ... --from ...`) and
 * inside `npm start` (simulator.history), through the same replay market as the actor
 * backtest engine. The stored candles are synthetic (never real market files).
 */
const root = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const FROM = T0 + 100 * HOUR;

async function store(): Promise<string> {
  const dir = tempDir('bybot-replay-');
  const s = await openHistoryStore(dir);
  s.writeCandles('BTCUSDT', '60', syntheticCandles(200, { from: T0, interval: '60', seed: 5, symbol: 'BTCUSDT' }), 'test:synthetic');
  s.writeCandles('ETHUSDT', '60', syntheticCandles(200, { from: T0, interval: '60', seed: 6, symbol: 'ETHUSDT' }), 'test:synthetic');
  return dir;
}

describe('history replay', () => {
  it('npm run exchange-sim -- --history serves the stored candles from --from on, at --speed', { timeout: 60_000 }, async () => {
    const dir = await store();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--history', 'BTCUSDT:60,ETHUSDT:60', '--from', new Date(FROM).toISOString(), '--history-dir', dir, '--speed', '1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!out.includes('\n')) {
      if (Date.now() > deadline) throw new Error(`exchange-sim did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const started = JSON.parse(out.split('\n')[0]!) as { url: string; simNow: string; market: { replay: string[]; from: string; to: string } };
    expect(started.simNow.slice(0, 13)).toBe(new Date(FROM).toISOString().slice(0, 13));
    expect(started.market).toMatchObject({ replay: ['BTCUSDT:60', 'ETHUSDT:60'], to: new Date(T0 + 200 * HOUR).toISOString() });
    const get = async (path: string): Promise<{ retCode: number; result: { list: unknown[] } }> => (await (await fetch(`${started.url}${path}`)).json()) as never;
    const stored = syntheticCandles(200, { from: T0, interval: '60', seed: 5, symbol: 'BTCUSDT' });
    // Closed candles only, up to --from: the newest is the hour that ended at --from.
    const klines = await get('/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&limit=3');
    const rows = klines.result.list as string[][];
    expect(rows.map((r) => Number(r[0]))).toEqual([FROM - HOUR, FROM - 2 * HOUR, FROM - 3 * HOUR]);
    expect(Number(rows[0]![4])).toBe(stored.close[99]);
    // Coarser intervals are built from the stored bars.
    const fourHours = (await get('/v5/market/kline?category=linear&symbol=BTCUSDT&interval=240&limit=1')).result.list as string[][];
    expect(Number(fourHours[0]![0]) % (4 * HOUR)).toBe(0);
    const ticker = ((await get('/v5/market/tickers?category=linear&symbol=ETHUSDT')).result.list[0]) as Record<string, string>;
    expect(Number(ticker['lastPrice'])).toBe(syntheticCandles(200, { from: T0, interval: '60', seed: 6, symbol: 'ETHUSDT' }).close[99]);
    // Only the replayed symbols exist.
    expect((await get('/v5/market/tickers?category=linear&symbol=SOLUSDT')).retCode).toBe(10001);
    const book = (await (await fetch(`${started.url}/v5/market/orderbook?category=linear&symbol=BTCUSDT&limit=5`)).json()) as { result: { b: string[][] } };
    expect(book.result.b).toHaveLength(5);
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
  });

  it('npm start with simulator.history runs the runtime over the wire on the stored candles (presets fitted to them)', { timeout: 60_000 }, async () => {
    const dir = await store();
    const loaded = loadConfig({
      env: {},
      overrides: {
        http: { port: 0 },
        journal: { dataDir: tempDir('bybot-replay-journal-') },
        exchange: { transport: 'wire' },
        strategies: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] }],
        simulator: { history: { series: ['BTCUSDT:60', 'ETHUSDT:60'], from: new Date(FROM).toISOString(), dir } },
      },
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: 'info', pretty: 'never', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } });
    // The test drives simulated time by hand from the replay's start (npm start would run it at simulator.speed).
    const clock = new ManualClock(FROM);
    const app = await startApp({ config: loaded.config, logger, clock });
    try {
      expect(app.simulator!.market.model).toBe('bars');
      // The preset's 5-minute interval became the stored 60.
      expect((app.config.strategies[0]!.params as { interval: string }).interval).toBe('60');
      const startup = lines.find((l) => l['event'] === 'startup')!;
      expect(String(startup['venue'])).toContain('stored candles from 2024-01-05T04:00:00.000Z');
      for (let t = 0; t < 3 * 60; t++) {
        await clock.advanceBy(60_000);
        await new Promise((r) => setTimeout(r, 3));
      }
      const actors = (await (await fetch(`${app.url}/actors`)).json()) as { actors: Array<{ id: string; cycle?: number }> };
      expect(actors.actors.map((a) => a.id).sort()).toEqual(['BTCUSDT:range-v1', 'ETHUSDT:range-v1']);
      expect(lines.filter((l) => (l['level'] as number) >= 50)).toEqual([]);
      // The actors fetched the stored candles through bybit-api and the simulator server.
      expect(lines.some((l) => l['event'] === 'iteration' || l['correlationId'] !== undefined)).toBe(true);
    } finally {
      await app.stop();
    }
  });
});
