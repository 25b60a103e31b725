import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { ResearchInputError } from '../../src/domain/errors.ts';
import { monteCarlo, tradeReturns, type McSettings } from '../../src/research/montecarlo.ts';
import { parseBlock, parseMontecarloArgs } from '../../src/research/montecarloArgs.ts';
import { parseMcRecord } from '../../src/research/montecarloInput.ts';
import { cleanEnv } from '../support/childEnv.ts';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
/** The child reads its configuration from the environment: none of the test run's BYBOT_ and BYBIT_ variables (BYBOT_SKIP_BROWSER is not a setting). */
const env = { ...cleanEnv(), NO_COLOR: '1' };

const returnsOf = (seed: number, n: number, mean: number, sd: number) => {
  const random = mulberry32(seed);
  return Float64Array.from({ length: n }, () => mean + sd * gaussian(random));
};
const settings = (over: Partial<McSettings> = {}): McSettings => ({ method: 'trades', runs: 10_000, seed: 1, block: 5, floorPct: 50, ...over });

/** A bybot.backtest.v1 file with what the Monte Carlo reads (trades on consecutive days, daily equity). */
function recordFile(dir: string, pnls: readonly number[]): string {
  const day = 86_400_000;
  const t0 = Date.UTC(2024, 0, 1);
  let equity = 10_000;
  const dailyEquity = pnls.map((p, i) => {
    const before = equity;
    equity += p;
    return { day: new Date(t0 + i * day).toISOString().slice(0, 10), equity, returnPct: (p / before) * 100 };
  });
  const trades = pnls.map((netPnl, i) => ({ seq: i + 1, netPnl, entryTime: t0 + i * day, exitTime: t0 + i * day + 3_600_000 }));
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify({ schema: 'bybot.backtest.v1', from: '2024-01-01T00:00:00.000Z', to: '2024-12-31T00:00:00.000Z', startEquity: 10_000, endEquity: equity, presets: [{ id: 'p', type: 'range', symbols: ['BTCUSDT'] }], trades, dailyEquity }));
  return file;
}

describe('Monte Carlo of a record', () => {
  it('gives percentiles that are stable across seeds: over 5 seeds of 10,000 runs, p5/p50/p95 of the final equity within 2 % of their mean, of the drawdown within 1 point', () => {
    // Tolerance: with 10,000 runs the sampling error of a percentile of log equity (sd 0.22 here) is about 0.3 %; 2 % leaves room and still fails a broken resampler.
    const returns = returnsOf(11, 500, 0.001, 0.01);
    const runs = [1, 2, 3, 4, 5].map((seed) => monteCarlo(returns, 10_000, settings({ seed })));
    for (const key of ['p5', 'p50', 'p95'] as const) {
      const finals = runs.map((r) => r.finalEquity[key]);
      const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
      for (const f of finals) expect(Math.abs(f / mean - 1)).toBeLessThan(0.02);
      const dds = runs.map((r) => r.maxDrawdownPct[key]);
      expect(Math.max(...dds) - Math.min(...dds)).toBeLessThan(1);
    }
    // The median of a bootstrap of compounded returns sits at the geometric growth of the record.
    const logGrowth = returns.reduce((s, r) => s + Math.log(1 + r), 0);
    expect(Math.abs(runs[0]!.finalEquity.p50 / (10_000 * Math.exp(logGrowth)) - 1)).toBeLessThan(0.02);
    expect(runs[0]!.finalEquity.p5).toBeLessThan(runs[0]!.finalEquity.p50);
    expect(runs[0]!.finalEquity.p50).toBeLessThan(runs[0]!.finalEquity.p95);
    expect(runs[0]!.finalEquity.histogram.counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(monteCarlo(returns, 10_000, settings({ seed: 3 }))).toEqual(runs[2]);
    expect(runs[0]!.finalEquity.p50).not.toBe(runs[1]!.finalEquity.p50); // the seed is used
  });

  it('walks the record itself for the "record" figures: final equity, drawdown and the longest losing streak', () => {
    const r = monteCarlo(Float64Array.from([0.1, -0.1, -0.1, -0.1, 0.2, -0.05]), 1000, settings({ runs: 100 }));
    expect(r.original.finalEquity).toBeCloseTo(1000 * 1.1 * 0.9 ** 3 * 1.2 * 0.95, 9);
    expect(r.original.longestLosingStreak).toBe(3);
    expect(r.original.maxDrawdownPct).toBeCloseTo((1 - 0.9 ** 3) * 100, 9);
  });

  it('shuffle keeps the final equity and varies the path; a block as long as the record rotates it (same product)', () => {
    const returns = returnsOf(4, 200, 0, 0.02);
    const product = 1000 * returns.reduce((p, r) => p * (1 + r), 1);
    const shuffled = monteCarlo(returns, 1000, settings({ method: 'shuffle', runs: 500 }));
    expect(shuffled.finalEquity.min).toBeCloseTo(product, 6);
    expect(shuffled.finalEquity.max).toBeCloseTo(product, 6);
    expect(shuffled.maxDrawdownPct.max).toBeGreaterThan(shuffled.maxDrawdownPct.min);
    const rotated = monteCarlo(returns, 1000, settings({ method: 'blocks', block: 200, runs: 300 }));
    expect(rotated.finalEquity.p5).toBeCloseTo(product, 6);
    expect(rotated.finalEquity.p95).toBeCloseTo(product, 6);
    expect(rotated.block).toBe(200);
  });

  it('risk of ruin follows the configurable floor', () => {
    const losing = Float64Array.from({ length: 20 }, () => -0.05); // ends at 0.95^20 = 35.8 %
    expect(monteCarlo(losing, 1000, settings({ runs: 200, floorPct: 50 })).riskOfRuin).toBe(1);
    expect(monteCarlo(losing, 1000, settings({ runs: 200, floorPct: 30 })).riskOfRuin).toBe(0);
    const mixed = returnsOf(5, 100, 0, 0.05);
    const low = monteCarlo(mixed, 1000, settings({ runs: 2000, floorPct: 50 })).riskOfRuin;
    const high = monteCarlo(mixed, 1000, settings({ runs: 2000, floorPct: 90 })).riskOfRuin;
    expect(high).toBeGreaterThan(low);
    expect(high).toBeLessThanOrEqual(1);
  });

  it('turns trades into returns over the equity before each, in exit order', () => {
    const r = tradeReturns([{ netPnl: 100, entryTime: 0, exitTime: 10 }, { netPnl: -55, entryTime: 1, exitTime: 5 }], 1000);
    expect(Array.from(r)).toEqual([-0.055, 100 / 945]);
  });
});

describe('Monte Carlo inputs', () => {
  it('refuses a file of another schema or a bad field, naming the field', () => {
    const problems = (v: unknown) => {
      try {
        parseMcRecord(v, 'r.json');
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ResearchInputError);
        return (e as ResearchInputError).problems;
      }
    };
    expect(problems({ schema: 'bybot.optimize.v1' }).join('\n')).toMatch(/r\.json: schema: must be "bybot\.backtest\.v1"/);
    const good = { schema: 'bybot.backtest.v1', from: 'a', to: 'b', startEquity: 100, endEquity: 90, presets: [], trades: [{ netPnl: -10, entryTime: 1, exitTime: 2 }], dailyEquity: [] };
    expect(problems(good)).toEqual([]);
    expect(problems({ ...good, trades: [{ netPnl: 'x', entryTime: 1, exitTime: 2 }] })).toEqual([expect.stringMatching(/^--results r\.json: trades\.0\.netPnl: /)]);
    expect(problems({ ...good, startEquity: 0 })).toEqual(['--results r.json: startEquity: must be above 0']);
  });

  it('parses the flags and reports every problem', () => {
    expect(parseBlock('5d', [])).toBe(5);
    expect(parseBlock('12', [])).toBe(12);
    const p: string[] = [];
    expect(parseBlock('0d', p)).toBeUndefined();
    expect(p).toHaveLength(1);
    const ok = parseMontecarloArgs(['--results', 'r.json', '--method', 'blocks', '--block', '7d', '--floor', '30']);
    expect(ok).toMatchObject({ ok: true, args: { results: 'r.json', method: 'blocks', block: 7, floorPct: 30, runs: 10_000, seed: 1 } });
    const bad = parseMontecarloArgs(['--runs', '10', '--method', 'x', '--hours', '48', '--results', 'r.json']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual(['--hours: only with --synthetic', '--method: "x" must be one of trades, shuffle, blocks', '--runs: "10" must be a whole number from 100 to 10000000']);
    expect(parseMontecarloArgs([]).ok).toBe(false);
  });
});

describe('npm run montecarlo', () => {
  it('reads a results file, prints the percentiles and writes the JSON and the report with the histograms; bad input exits 2 with the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-mc-'));
    const pnls = Array.from(returnsOf(8, 60, 5, 60), (x) => Math.round(x * 100) / 100);
    const file = recordFile(dir, pnls);
    const out = spawnSync(tsx, ['src/research/montecarloCli.ts', '--results', file, '--runs', '2000', '--json', join(dir, 'mc.json'), '--report', join(dir, 'mc.html')], { cwd: root, encoding: 'utf8', env });
    expect(out.stderr).toContain('written:');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Monte Carlo \(trades\) of .*r\.json: p 2024-01-01/);
    expect(out.stdout).toMatch(/final equity \(USDT\)\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
    expect(out.stdout).toMatch(/Risk of ruin \(equity at or below 50% of 10000\.00 USDT\): \d+\.\d\d% of runs/);
    const json = JSON.parse(readFileSync(join(dir, 'mc.json'), 'utf8'));
    expect(json).toMatchObject({ schema: 'bybot.montecarlo.v1', kind: 'results', source: { trades: 60, days: 60 }, result: { method: 'trades', runs: 2000, steps: 60 } });
    expect(json.result.finalEquity.p5).toBeLessThan(json.result.finalEquity.p95);
    const html = readFileSync(join(dir, 'mc.html'), 'utf8');
    for (const key of ['finalEquity', 'returnPct', 'maxDrawdownPct', 'longestLosingStreak']) expect(html).toMatch(new RegExp(`id="chart-${key}"[^>]*data-points="\\d+"`));
    expect(html).toContain('id="risk-of-ruin"');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ schema: 'bybot.backtest.v1' }));
    const bad = spawnSync(tsx, ['src/research/montecarloCli.ts', '--results', join(dir, 'bad.json')], { cwd: root, encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: startEquity: /);
    const help = spawnSync(tsx, ['src/research/montecarloCli.ts', '--help'], { cwd: root, encoding: 'utf8', env });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--method M\s+trades/);
  }, 60_000);

  it('--synthetic N runs the presets over N simulated markets with different seeds and regimes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-mcs-'));
    const out = spawnSync(tsx, ['src/research/montecarloCli.ts', '--synthetic', '4', '--hours', '48', '--data', 'BTCUSDT:5', '--json', join(dir, 's.json')], { cwd: root, encoding: 'utf8', env });
    expect(out.stderr).toContain('written:');
    expect(out.status).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(json).toMatchObject({ schema: 'bybot.montecarlo.v1', kind: 'synthetic', result: { markets: 4, hours: 48, firstSeed: 1 } });
    expect(json.result.runs.map((r: { seed: number; regime: string }) => `${r.seed}:${r.regime}`)).toEqual(['1:mixed', '2:trend', '3:range', '4:crash']);
    expect(new Set(json.result.runs.map((r: { finalEquity: number }) => r.finalEquity)).size).toBeGreaterThan(1);
  }, 120_000);
});
