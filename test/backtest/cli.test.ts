import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { cleanEnv } from '../support/childEnv.ts';
import { backtestCommand, removeStartBundle } from '../support/startCommand.ts';

/** `npm run backtest` as a user runs it, in a child process: help, argument errors, a multi-day synthetic run. */
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'bybot-backtest-'));
const HOUR = 3_600_000;

function run(args: string[], script = 'src/backtest/cli.ts'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = cleanEnv();
  return new Promise((done) => {
    const child = spawn(tsx, [join(root, script), ...args], { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run backtest', () => {
  afterAll(removeStartBundle);

  it('runs from its bundle as the npm script does, from outside the repository, with the report page and its assets', async () => {
    // package.json: prebacktest builds dist/backtest.mjs, backtest runs it with plain node.
    const env = cleanEnv();
    const html = join(dir, 'bundle.html');
    const out = join(dir, 'bundle.json');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [...backtestCommand(), '--market', 'synthetic', '--seed', '42', '--hours', '24', '--json', out, '--report', html], { env, cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Speed: [\d,]+ candles in \d+ ms/);
    const page = readFileSync(html, 'utf8');
    // The page's own script and style and the chart library are inlined (the bundle found them).
    expect(page).toContain('LightweightCharts');
    expect(page).toMatch(/<style>[^<]{200,}/);
    expect(JSON.parse(readFileSync(out, 'utf8')).engine).toBe('fast');
  });

  it('--help exits 0 with the usage; bad arguments exit 2 with one line per problem', async () => {
    const [help, bad] = await Promise.all([run(['--help']), run(['--data', 'BTCUSDT:7', '--engine', 'slow'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}npm run backtest -- --data BTCUSDT:60,ETHUSDT:60 --from/);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      '--data: "BTCUSDT:7": interval must be one of 1, 3, 5, 15, 30, 60, 120, 240, 360, 720 (minutes)',
      '--engine: "slow" must be one of fast, actors',
      '--from: required with the history market',
      '--to: required with the history market',
    ]);
  }, 60_000);

  it('a 72-hour synthetic run covers the 72 hours: summary on stdout, trades and pauses on every day in --json, an HTML --report', async () => {
    const out = join(dir, 'run72.json');
    const html = join(dir, 'run72.html');
    const { code, stdout, stderr } = await run(['--market', 'synthetic', '--seed', '42', '--hours', '72', '--json', out, '--report', html]);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n')).toEqual([`written: ${out}`, `written: ${html}`]);
    expect(stdout).toMatch(/^Backtest 2026-01-05T00:00:00.000Z -> 2026-01-08T00:00:00.000Z {2}engine fast {2}market synthetic seed 42\n/);
    expect(stdout).toContain('PORTFOLIO');
    expect(stdout).toMatch(/Speed: [\d,]+ candles in \d+ ms/);
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      schema: string;
      from: string;
      to: string;
      trades: { entryTime: number; regime: string; netPnl: number; presetId: string; symbol: string }[];
      equityCurve: { time: string }[];
      pauses: { from: string; until: string | null }[];
      portfolio: { trades: number; netPnl: number };
      regimes: Record<string, { trades: number; netPnl: number }>;
      byPresetSymbol: { presetId: string; symbol: string; regimes: Record<string, { trades: number }> }[];
    };
    expect(results).toMatchObject({ schema: 'bybot.backtest.v1', from: '2026-01-05T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z' });
    const from = Date.parse(results.from);
    const days = [0, 1, 2].map((d) => results.trades.filter((t) => t.entryTime >= from + d * 24 * HOUR && t.entryTime < from + (d + 1) * 24 * HOUR).length);
    expect(days.every((n) => n > 0), JSON.stringify(days)).toBe(true);
    expect(results.portfolio.trades).toBe(results.trades.length);
    expect(results.equityCurve.at(-1)?.time).toBe('2026-01-08T00:00:00.000Z');
    // The per-regime breakdown: every key, the trades of each regime, per row too.
    expect(Object.keys(results.regimes)).toEqual(['trendingUp', 'trendingDown', 'ranging', 'volatile', 'unknown']);
    for (const [regime, figures] of Object.entries(results.regimes)) {
      const mine = results.trades.filter((t) => t.regime === regime);
      expect(figures.trades, regime).toBe(mine.length);
      expect(figures.netPnl, regime).toBeCloseTo(mine.reduce((a, t) => a + t.netPnl, 0), 6);
    }
    for (const row of results.byPresetSymbol) {
      const n = Object.values(row.regimes).reduce((a, r) => a + r.trades, 0);
      expect(n, `${row.presetId} ${row.symbol}`).toBe(results.trades.filter((t) => t.presetId === row.presetId && t.symbol === row.symbol).length);
    }
    // The daily loss limit pauses until 00:00 UTC and trading resumes the next day (no silent stop on day 1).
    expect(results.pauses.length).toBeGreaterThanOrEqual(2);
    for (const p of results.pauses) expect(p.until === null || Date.parse(p.until) % (24 * HOUR) === 0).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('id="kpi-netPnl"');
    expect(page).toContain(`data-value="${results.portfolio.netPnl}"`);
  }, 120_000);

  it('imports CSV history with npm run data, then backtests it with the 1h presets file (README: Backtesting on real history)', async () => {
    // Synthetic hourly candles in the layout of Bybit CSV exports (never real market data in tests).
    const history = join(dir, 'history');
    const start = Date.UTC(2024, 0, 1);
    const files = ['BTCUSDT', 'ETHUSDT'].map((symbol, k) => {
      const random = mulberry32(7 + k);
      let price = k === 0 ? 40_000 : 2_500;
      const rows = ['timestamp,Open,High,Low,Close,Volume'];
      for (let i = 0; i < 90 * 24; i++) {
        const open = price;
        price *= Math.exp(0.006 * gaussian(random) + 0.001 * Math.sin(i / 40));
        const high = Math.max(open, price) * (1 + Math.abs(0.002 * gaussian(random)));
        const low = Math.min(open, price) * (1 - Math.abs(0.002 * gaussian(random)));
        const time = new Date(start + i * HOUR).toISOString().replace('T', ' ').slice(0, 19);
        rows.push([time, open.toFixed(2), high.toFixed(2), low.toFixed(2), price.toFixed(2), (100 * Math.exp(0.5 * gaussian(random))).toFixed(3)].join(','));
      }
      const file = join(dir, `${symbol}.csv`);
      writeFileSync(file, `${rows.join('\n')}\n`);
      return { symbol, file };
    });
    for (const { symbol, file } of files) {
      const imported = await run(['import', '--file', file, '--symbol', symbol, '--interval', '60', '--history-dir', history], 'src/history/cli.ts');
      expect(imported.code, imported.stderr).toBe(0);
    }
    const out = join(dir, 'history.json');
    const bt = await run([
      '--config', join(root, 'config/backtest-1h.yaml'), '--data', 'BTCUSDT:60,ETHUSDT:60',
      '--from', '2024-02-15T00:00:00Z', '--to', '2024-03-31T00:00:00Z', '--history-dir', history, '--json', out,
    ]);
    expect(bt.code, bt.stderr).toBe(0);
    expect(bt.stdout).toMatch(/^Backtest 2024-02-15T00:00:00.000Z -> 2024-03-31T00:00:00.000Z {2}engine fast {2}market history\n/);
    for (const row of ['range-v1   range', 'mtf-v1     multiTimeframe', 'vwap-v1    volumeVwap']) expect(bt.stdout).toContain(row);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { market: string; data: { symbol: string; candles: number }[]; byPresetSymbol: unknown[] };
    expect(results.market).toBe('history');
    // Candles closing in [from, to]: the one closing at --from is the first decided on.
    expect(results.data.map((d) => [d.symbol, d.candles])).toEqual([['BTCUSDT', 45 * 24 + 1], ['ETHUSDT', 45 * 24 + 1]]);
    expect(results.byPresetSymbol).toHaveLength(6);
  }, 120_000);
});
