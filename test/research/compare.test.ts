import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import type { BacktestResults, DailyEquity, ResultTrade } from '../../src/backtest/types.ts';
import { compareResults, pairTrades } from '../../src/research/compare.ts';
import { cleanEnv } from '../support/childEnv.ts';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');

/** Results with just what the comparison reads: days, daily equity from daily returns, net PnL. */
function results(returns: readonly number[], trades: readonly ResultTrade[] = []): BacktestResults {
  let equity = 10_000;
  const days: DailyEquity[] = returns.map((r, i) => {
    equity *= 1 + r;
    return { day: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), equity, returnPct: r * 100 };
  });
  return { startEquity: 10_000, endEquity: equity, dailyEquity: days, portfolio: { netPnl: equity - 10_000, trades: trades.length }, trades } as unknown as BacktestResults;
}

const noise = (seed: number, n: number, drift = 0) => {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => drift + 0.01 * gaussian(random));
};

describe('A/B comparison (paired bootstrap)', () => {
  it('says "no significant difference" for two identical runs: every interval is exactly [0, 0]', () => {
    const r = noise(1, 365, 0.0005);
    const c = compareResults(results(r), results(r), ['a', 'b']);
    expect(c.verdict).toBe('no significant difference');
    expect([c.netDiff.low, c.netDiff.high, c.sharpeDiff.low, c.sharpeDiff.high]).toEqual([0, 0, 0, 0]);
    expect(c.verdictLine).toMatch(/^no significant difference: B - A \+0\.00% net/);
  });

  it('finds a planted difference either way, and none between two unrelated noise runs of equal drift', () => {
    const a = noise(2, 365);
    const b = a.map((x) => x + 0.003); // B earns 0.3 % a day more, every day
    const better = compareResults(results(a), results(b), ['a', 'b']);
    expect(better.verdict).toBe('B beats A');
    expect(better.netDiff.low).toBeGreaterThan(0);
    expect(better.sharpeDiff.low).toBeGreaterThan(0);
    expect(better.verdictLine).toMatch(/^B beats A: \+\d+\.\d\d% net \(\+[\d.]+ USDT\), 95% CI \[\+[\d.]+%, \+[\d.]+%\]; Sharpe \+/);
    expect(compareResults(results(b), results(a), ['b', 'a']).verdict).toBe('A beats B');
    const unrelated = compareResults(results(noise(3, 365)), results(noise(4, 365)), ['x', 'y']);
    expect(unrelated.verdict).toBe('no significant difference');
  });

  it('is reproducible for a seed and refuses runs over different days', () => {
    const a = results(noise(5, 200));
    const b = results(noise(6, 200));
    expect(compareResults(a, b, ['a', 'b'], { resamples: 500, blockDays: 5, seed: 9, confidence: 0.95 })).toEqual(compareResults(a, b, ['a', 'b'], { resamples: 500, blockDays: 5, seed: 9, confidence: 0.95 }));
    expect(() => compareResults(a, results(noise(6, 199)), ['a', 'b'])).toThrow(/do not cover the same days/);
  });

  it('pairs trades by symbol, entry time and side', () => {
    const t = (entryTime: number, netPnl: number, side: 'long' | 'short' = 'long') => ({ symbol: 'BTCUSDT', entryTime, side, netPnl, rMultiple: netPnl / 10 }) as ResultTrade;
    const p = pairTrades([t(1, 5), t(2, -3), t(3, 1)], [t(1, 7), t(2, -3, 'short'), t(4, 2)]);
    expect(p).toMatchObject({ common: 1, onlyA: 2, onlyB: 2, commonNetDiff: 2 });
    expect(p.commonMeanRDiff).toBeCloseTo(0.2, 12);
  });
});

function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = cleanEnv();
  return new Promise((done) => {
    const child = spawn(tsx, [join(root, 'src/backtest/cli.ts'), ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run backtest -- --compare', () => {
  it('two identical configs: no significant difference; a planted cost difference (10x fees in B): A beats B; JSON and HTML written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-ab-'));
    const preset = 'strategies:\n  - { id: vwap, type: volumeVwap, symbols: [BTCUSDT, ETHUSDT], params: { interval: "60" } }\n';
    writeFileSync(join(dir, 'a.yaml'), preset);
    writeFileSync(join(dir, 'same.yaml'), preset);
    writeFileSync(join(dir, 'costly.yaml'), `${preset}simulator: { takerFeeRate: 0.0055 }\n`);
    const common = ['--market', 'synthetic', '--seed', '42', '--hours', String(24 * 30), '--data', 'BTCUSDT:60,ETHUSDT:60', '--bootstrap', '2000'];
    const [same, costly] = await Promise.all([
      cli(['--compare', 'a.yaml', 'same.yaml', ...common, '--json', 'same.json'], dir),
      cli(['--compare', 'a.yaml', 'costly.yaml', ...common, '--report', 'ab.html'], dir),
    ]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/=== A: a\.yaml\nBacktest /);
    expect(same.stdout).toMatch(/Verdict: no significant difference: B - A \+0\.00% net \(\+0\.00 USDT\), 95% CI \[\+0\.00%, \+0\.00%\]/);
    const json = JSON.parse(readFileSync(join(dir, 'same.json'), 'utf8')) as { schema: string; comparison: { trades: { common: number; onlyA: number } } };
    expect(json.schema).toBe('bybot.compare.v1');
    expect(json.comparison.trades.onlyA).toBe(0);
    expect(json.comparison.trades.common).toBeGreaterThan(10);
    expect(costly.code, costly.stderr).toBe(0);
    expect(costly.stdout).toMatch(/Verdict: A beats B: B - A -\d/);
    const html = readFileSync(join(dir, 'ab.html'), 'utf8');
    expect(html).toMatch(/id="verdict" data-verdict="A beats B"/);
    expect(html).toMatch(/<svg class="chart-svg" id="ab-equity"[^>]* data-points="\d+"/);
  }, 180_000);

  it('refuses an unknown preset and bootstrap flags without --compare (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-ab-'));
    const [unknown, stray] = await Promise.all([
      cli(['--compare', 'range-v1', 'nope', '--market', 'synthetic', '--hours', '24'], dir),
      cli(['--bootstrap', '500', '--market', 'synthetic'], dir),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--compare nope: neither a file nor a preset of the configuration \(presets: range-v1, mtf-v1, vwap-v1\)/);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--bootstrap: only with --compare/);
  }, 60_000);
});
