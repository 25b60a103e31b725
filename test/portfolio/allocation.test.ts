import { describe, expect, it } from 'vitest';
import { PortfolioBook, type CheckSource, type PortfolioPlan } from '../../src/core/portfolio/book.ts';
import { columnsOf, covariance, alignedReturns, realisedVolatility, sliceWindow, type SeriesColumns } from '../../src/core/portfolio/series.ts';
import type { PortfolioSettings, PresetTrade } from '../../src/core/portfolio/types.ts';
import { applyBounds, equalRiskContributionWeights, performanceWeights, riskContributions } from '../../src/core/portfolio/weights.ts';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { testConfig } from '../support/backtestData.ts';

/**
 * The allocation modes on synthetic data with known properties: seeded log-normal price
 * paths with planted volatilities (and a planted common factor for correlation).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 1);

/** Hourly candles whose log returns are sigma_i x (rho-weighted common factor + own noise). */
function market(sigmas: readonly number[], rho: number, hours: number, seed: number): SeriesColumns[] {
  const random = mulberry32(seed);
  const prices = sigmas.map(() => 100);
  const rows = sigmas.map(() => [] as { start: number; high: number; low: number; close: number }[]);
  for (let h = 0; h < hours; h++) {
    const common = gaussian(random);
    sigmas.forEach((sigma, i) => {
      const z = Math.sqrt(rho) * common + Math.sqrt(1 - rho) * gaussian(random);
      const next = prices[i]! * Math.exp(sigma * z);
      rows[i]!.push({ start: START + h * HOUR, high: Math.max(prices[i]!, next), low: Math.min(prices[i]!, next), close: next });
      prices[i] = next;
    });
  }
  return rows.map(columnsOf);
}

function settings(allocation: Partial<PortfolioSettings['allocation']>, extra: Partial<PortfolioSettings> = {}): PortfolioSettings {
  const base = testConfig().portfolio;
  return { ...base, ...extra, allocation: { ...base.allocation, ...allocation } };
}

function book(s: PortfolioSettings, presets: PortfolioPlan['presets'], symbols: readonly string[], start: number, correlation = false): PortfolioBook {
  return new PortfolioBook({ settings: s, presets, stepOf: new Map(symbols.map((sym) => [sym, HOUR])), correlation, start });
}

function source(symbols: readonly string[], series: readonly SeriesColumns[], trades: readonly PresetTrade[] = []): CheckSource {
  return { window: (symbol, from, at) => sliceWindow(series[symbols.indexOf(symbol)]!, HOUR, from, at), trades: () => trades };
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const ONE_EACH = SYMBOLS.map((s, i) => ({ id: `p${i}`, symbols: [s] }));

describe('risk parity', () => {
  it('inverse volatility gives equal risk contributions on independent assets with known volatilities (1 %, 2 %, 4 % an hour)', () => {
    const series = market([0.01, 0.02, 0.04], 0, 60 * 24, 7);
    const b = book(settings({ mode: 'riskParity' }, { lookbackDays: 60 }), ONE_EACH, SYMBOLS, START + 60 * DAY);
    b.advance(START + 60 * DAY, source(SYMBOLS, series));
    const [r] = b.rebalances;
    expect(r!.reason).toBe('initial');
    // Daily volatilities are measured near sigma x sqrt(24).
    expect(r!.inputs.volatility!.BTCUSDT).toBeCloseTo(0.01 * Math.sqrt(24), 2);
    expect(r!.inputs.volatility!.SOLUSDT! / r!.inputs.volatility!.BTCUSDT!).toBeCloseTo(4, 0);
    // Weights about 4/7, 2/7, 1/7 and each asset's share of the portfolio variance about a third.
    expect(r!.weights.p0).toBeCloseTo(4 / 7, 1);
    expect(r!.weights.p2).toBeCloseTo(1 / 7, 1);
    const aligned = alignedReturns(SYMBOLS.map((s, i) => sliceWindow(series[i]!, HOUR, START, START + 60 * DAY)));
    const rc = riskContributions(['p0', 'p1', 'p2'].map((p) => r!.weights[p]!), covariance(aligned.returns, aligned.rows));
    for (const c of rc) expect(c).toBeGreaterThan(0.3);
    for (const c of rc) expect(c).toBeLessThan(0.37);
    expect(r!.sleeves).toEqual({ 'BTCUSDT:p0': r!.weights.p0, 'ETHUSDT:p1': r!.weights.p1, 'SOLUSDT:p2': r!.weights.p2 });
  });

  it('equal risk contribution holds exactly with correlated assets, where inverse volatility does not', () => {
    const series = market([0.01, 0.02, 0.04], 0.6, 60 * 24, 11);
    const b = book(settings({ mode: 'riskParity', equalRiskContribution: true }, { lookbackDays: 60 }), ONE_EACH, SYMBOLS, START + 60 * DAY);
    const src = source(SYMBOLS, series);
    b.advance(START + 60 * DAY, src);
    const w = ['p0', 'p1', 'p2'].map((p) => b.rebalances[0]!.weights[p]!);
    const aligned = alignedReturns(SYMBOLS.map((s, i) => sliceWindow(series[i]!, HOUR, START, START + 60 * DAY)));
    const cov = covariance(aligned.returns, aligned.rows);
    for (const c of riskContributions(w, cov)) expect(c).toBeCloseTo(1 / 3, 8);
    expect(equalRiskContributionWeights(cov)!.map((x) => x.toFixed(10))).toEqual(w.map((x) => x.toFixed(10)));
  });

  it('a symbol traded by two presets is shared by them; a preset\'s weight is the sum of its sleeves', () => {
    const series = market([0.01, 0.03], 0, 30 * 24, 3);
    const syms = ['BTCUSDT', 'SOLUSDT'];
    const presets = [{ id: 'a', symbols: syms }, { id: 'b', symbols: ['BTCUSDT'] }];
    const b = book(settings({ mode: 'riskParity' }), presets, syms, START + 30 * DAY);
    b.advance(START + 30 * DAY, source(syms, series));
    const r = b.rebalances[0]!;
    expect(r.sleeves['BTCUSDT:a']).toBeCloseTo(r.sleeves['BTCUSDT:b']!, 12);
    expect(r.weights.a).toBeCloseTo(r.sleeves['BTCUSDT:a']! + r.sleeves['SOLUSDT:a']!, 12);
    // BTC (1 % an hour) takes about three times SOL's (3 %) weight, split over two presets.
    const ratio = (2 * r.sleeves['BTCUSDT:a']!) / r.sleeves['SOLUSDT:a']!;
    expect(ratio).toBeGreaterThan(2.6);
    expect(ratio).toBeLessThan(3.4);
  });

  it('falls back to equal weights, with the reason, while a volatility is unknown', () => {
    const series = market([0.01, 0.02, 0.04], 0, 5, 1);
    const b = book(settings({ mode: 'riskParity' }), ONE_EACH, SYMBOLS, START + 5 * HOUR);
    b.advance(START + 5 * HOUR, source(SYMBOLS, series));
    expect(b.rebalances[0]!.weights.p0).toBeCloseTo(1 / 3, 12);
    expect(b.rebalances[0]!.inputs.fallback).toMatch(/no volatility yet for BTCUSDT, ETHUSDT, SOLUSDT/);
  });
});

describe('performance and bounds', () => {
  const trade = (presetId: string, ret: number, i: number): PresetTrade => ({ presetId, symbol: 'BTCUSDT', exitTime: START + i * HOUR, ret });
  const base = settings({ mode: 'performance', performanceMetric: 'expectancy', minTrades: 3, performanceTrades: 5, shrinkage: 0.5 }).allocation;

  it('a winning preset gains weight, shrunk half way to equal; losers and newcomers keep what the rules say', () => {
    const trades = [...[0.02, 0.01, 0.03].map((r, i) => trade('win', r, i)), ...[-0.01, -0.02, 0.005].map((r, i) => trade('lose', r, i)), trade('new', 0.5, 1)];
    const r = performanceWeights(['win', 'lose', 'new'], trades, base);
    // raw: new (2 trades < 3) neutral 1/3; win takes the scored share 2/3; lose 0. Then half way to 1/3 each.
    expect(r.weights.win).toBeCloseTo(0.5 * (2 / 3) + 0.5 / 3, 12);
    expect(r.weights.lose).toBeCloseTo(0.5 / 3, 12);
    expect(r.weights.new).toBeCloseTo(1 / 3, 12);
    expect(r.scores.win).toBeCloseTo(0.02, 12);
    expect(r.trades).toEqual({ win: 3, lose: 3, new: 1 });
  });

  it('only the newest performanceTrades count', () => {
    const trades = [...[-1, -1, -1, -1].map((r, i) => trade('a', r, i)), ...[0.1, 0.1, 0.1, 0.1, 0.1].map((r, i) => trade('a', r, 10 + i)), ...[0.01, 0.01, 0.01].map((r, i) => trade('b', r, i))];
    const r = performanceWeights(['a', 'b'], trades, base);
    expect(r.scores.a).toBeCloseTo(0.1, 12);
  });

  it('floors and ceilings per preset hold and the weights still sum to 1', () => {
    const s = { ...base, floorPct: 10, ceilingPct: 50, bounds: { c: { ceilingPct: 20 } } };
    const w = applyBounds(['a', 'b', 'c', 'd'], { a: 0.85, b: 0.01, c: 0.1, d: 0.04 }, s);
    expect(Object.values(w).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(w.a).toBeCloseTo(0.5, 12);
    expect(w.b).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(w.c).toBeLessThanOrEqual(0.2 + 1e-12);
    expect(w.d).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(w.c).toBeCloseTo(0.2, 9);
    expect(w.d).toBeCloseTo(0.2, 9);
  });
});

describe('rebalancing', () => {
  it('on the schedule (daily at 00:00 UTC), not at the hourly checks between; a drift past the threshold rebalances early', () => {
    const series = market([0.01, 0.02, 0.04], 0, 40 * 24, 5);
    const start = START + 10 * DAY + 5 * HOUR;
    const daily = book(settings({ mode: 'riskParity' }, { lookbackDays: 1 }), ONE_EACH, SYMBOLS, start);
    daily.advance(start + 3 * DAY, source(SYMBOLS, series));
    expect(daily.checks).toBe(3 * 24 + 1);
    expect(daily.rebalances.map((r) => [new Date(r.at).toISOString(), r.reason])).toEqual([
      ['2026-01-11T05:00:00.000Z', 'initial'],
      ['2026-01-12T00:00:00.000Z', 'schedule'],
      ['2026-01-13T00:00:00.000Z', 'schedule'],
      ['2026-01-14T00:00:00.000Z', 'schedule'],
    ]);
    const drifting = book(settings({ mode: 'riskParity' }, { lookbackDays: 1, rebalance: { everyMs: DAY, checkMs: HOUR, driftPct: 1 } }), ONE_EACH, SYMBOLS, start);
    drifting.advance(start + 3 * DAY, source(SYMBOLS, series));
    const drifts = drifting.rebalances.filter((r) => r.reason === 'drift');
    expect(drifts.length).toBeGreaterThan(0);
    for (const r of drifts) expect(r.inputs.driftPct).toBeGreaterThan(1);
  });

  it('evaluates every check in order however it is asked: one call or one per hour give the same rebalances', () => {
    const series = market([0.01, 0.02, 0.04], 0, 20 * 24, 9);
    const s = settings({ mode: 'riskParity' }, { lookbackDays: 2, rebalance: { everyMs: DAY, checkMs: HOUR, driftPct: 0.5 } });
    const a = book(s, ONE_EACH, SYMBOLS, START + 5 * DAY);
    const b = book(s, ONE_EACH, SYMBOLS, START + 5 * DAY);
    a.advance(START + 9 * DAY, source(SYMBOLS, series));
    for (let t = START + 5 * DAY; t <= START + 9 * DAY; t += 7 * HOUR + 123) b.advance(t, source(SYMBOLS, series));
    b.advance(START + 9 * DAY, source(SYMBOLS, series));
    expect(b.rebalances).toEqual(a.rebalances);
    expect(b.view()).toEqual(a.view());
  });
});

describe('correlations', () => {
  it('measures the planted correlation of the symbols\' returns', () => {
    const series = market([0.01, 0.02, 0.03], 0.8, 30 * 24, 13);
    const b = book(settings({ mode: 'none' }), ONE_EACH, SYMBOLS, START + 30 * DAY, true);
    b.advance(START + 30 * DAY, source(SYMBOLS, series));
    const c = b.view().correlation!;
    expect(c.symbols).toEqual(SYMBOLS);
    expect(c.matrix[0]![1]).toBeCloseTo(0.8, 1);
    expect(c.matrix[1]![1]).toBe(1);
    expect(b.view().weights).toBeNull();
    expect(realisedVolatility(sliceWindow(series[0]!, HOUR, START, START + 30 * DAY))).toBeGreaterThan(0);
  });
});
