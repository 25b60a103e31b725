import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/backtest/metrics.ts';
import type { BacktestResults, PerformanceMetrics } from '../../src/backtest/types.ts';
import { DAY, HOUR, T0, run, trade } from '../support/backtestRun.ts';
import { handRun } from './handRun.ts';

/**
 * summarize() on small runs whose every figure is worked out by hand in the comments, the
 * edge cases (no trades, one day, all wins, a ruined account, zero equity), and properties
 * on random runs (the books add up, nothing is NaN, the sampled curve hides no drawdown).
 */

const BTC = 'BTCUSDT';
const ETH = 'ETHUSDT';

/** Sharpe and Sortino of a daily series as the definitions in types.ts state them. */
function sharpeOf(r: number[]): number {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, x) => a + (x - m) ** 2, 0) / (r.length - 1));
  return (m / sd) * Math.sqrt(365);
}
function sortinoOf(r: number[]): number {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  return (m / Math.sqrt(r.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / r.length)) * Math.sqrt(365);
}

describe('summarize: a run worked out by hand', () => {
  const r = summarize(handRun);
  const row = (id: string) => r.byPresetSymbol.find((x) => x.presetId === id)!.metrics;

  it('portfolio trade figures', () => {
    const p = r.portfolio;
    expect([p.trades, p.wins, p.losses]).toEqual([4, 3, 1]);
    expect(p.winRatePct).toBe(75);
    expect(p.netPnl).toBe(20); // 27 - 40 + 24 + 9
    expect(p.returnPct).toBe(2); // 20 / 1000
    expect(p.grossPnl).toBe(25); // 30 - 40 + 25 + 10
    expect(p.fees).toBe(6);
    expect(p.funding).toBe(-1);
    expect(p.grossProfit).toBe(60);
    expect(p.grossLoss).toBe(40);
    expect(p.profitFactor).toBe(1.5); // 60 / 40
    expect(p.expectancyR).toBeCloseTo((1.35 - 2 + 1.5 + 0.9) / 4, 12); // 0.4375
    expect([p.pauses, p.halts]).toEqual([1, 1]);
  });

  it('portfolio drawdown, exposure and daily ratios from the marks', () => {
    const p = r.portfolio;
    // Peak 1,050 (04:00 Jan 1), trough 970: 80 / 1050. Never back at 1,050: 68 h to the end.
    expect(p.maxDrawdownPct).toBeCloseTo(7.619047619047619, 12);
    expect(p.maxDrawdownDurationMs).toBe(68 * HOUR);
    expect(p.longestDrawdownMs).toBe(68 * HOUR);
    // Open 02-06 (4 h) + 8 h + 12 h + 6 h = 30 h of 72 h.
    expect(p.exposurePct).toBeCloseTo(41.666666666666664, 12);
    // Closes: Jan 1 = 1,027 (last mark by 00:00 Jan 2), Jan 2 = 1,011 (the mark at 00:00 Jan 3), Jan 3 = 1,020.
    expect(r.dailyEquity).toEqual([
      { day: '2024-01-01', equity: 1027, returnPct: expect.closeTo(2.7, 10) },
      { day: '2024-01-02', equity: 1011, returnPct: expect.closeTo((1011 / 1027 - 1) * 100, 10) },
      { day: '2024-01-03', equity: 1020, returnPct: expect.closeTo((1020 / 1011 - 1) * 100, 10) },
    ]);
    expect(p.days).toBe(3);
    const daily = [0.027, 1011 / 1027 - 1, 1020 / 1011 - 1];
    expect(p.sharpe).toBeCloseTo(sharpeOf(daily), 10);
    expect(p.sharpe).toBeCloseTo(6.0564354, 6);
    expect(p.sortino).toBeCloseTo(sortinoOf(daily), 10);
    expect(p.sortino).toBeCloseTo(14.3885853, 6);
    expect(r.monthlyReturns).toEqual([{ month: '2024-01', equity: 1020, pnl: 20, returnPct: expect.closeTo(2, 10) }]);
  });

  it('p1 on BTC: realised figures', () => {
    const m = row('p1');
    expect(m.netPnl).toBe(-13);
    expect(m.netPnl).toBe(m.grossPnl - m.fees - m.funding); // -10 - 4 + 1
    expect(m.winRatePct).toBe(50);
    expect(m.profitFactor).toBe(27 / 40);
    expect(m.expectancyR).toBeCloseTo(-0.325, 12);
    expect(m.returnPct).toBeCloseTo(-1.3, 12);
    // Realised path 1000 -> 1027 (06:00 Jan 1) -> 987: 40 / 1027, unrecovered for 66 h.
    expect(m.maxDrawdownPct).toBeCloseTo((40 / 1027) * 100, 12);
    expect(m.maxDrawdownDurationMs).toBe(66 * HOUR);
    expect(m.exposurePct).toBeCloseTo((12 / 72) * 100, 12);
    // Daily realised returns: +27, -40, 0 over 1,000.
    expect(m.sharpe).toBeCloseTo(sharpeOf([0.027, -0.04, 0]), 10);
    expect(m.sharpe).toBeCloseTo(-2.4559281, 6);
    expect(m.sortino).toBeCloseTo(sortinoOf([0.027, -0.04, 0]), 10);
    // The account-wide pause applies to it, the ETH halt does not.
    expect([m.pauses, m.halts]).toEqual([1, 0]);
  });

  it('p2 on ETH: all wins, so no profit factor and no Sortino', () => {
    const m = row('p2');
    expect([m.trades, m.wins, m.losses, m.netPnl]).toEqual([2, 2, 0, 33]);
    expect(m.profitFactor).toBeNull();
    expect(m.expectancyR).toBeCloseTo(1.2, 12);
    expect(m.maxDrawdownPct).toBe(0);
    expect(m.maxDrawdownDurationMs).toBe(0);
    // The exit at 00:00 Jan 3 is Jan 2's: returns 0, 0.024, 0.009.
    expect(m.sharpe).toBeCloseTo(17.3332679, 6);
    expect(m.sortino).toBeNull();
    expect(m.exposurePct).toBe(25); // 12 h + 6 h of 72 h
    expect([m.pauses, m.halts]).toEqual([1, 1]);
  });

  it('run-level fields', () => {
    expect(r.schema).toBe('bybot.backtest.v1');
    expect([r.from, r.to]).toEqual(['2024-01-01T00:00:00.000Z', '2024-01-04T00:00:00.000Z']);
    expect(r.performance).toEqual({ candles: 216, elapsedMs: 4, candlesPerSecond: 54_000 });
    expect(r.pauses[0]).toMatchObject({ kind: 'pause', from: '2024-01-02T10:00:00.000Z', until: '2024-01-03T00:00:00.000Z' });
    expect(r.pauses[1]).toMatchObject({ kind: 'halt', until: null, symbol: ETH });
    // Small curve: every mark plus the start and end points, with the drawdown at each.
    expect(r.equityCurve).toHaveLength(12);
    expect(r.equityCurve[0]).toEqual({ time: '2024-01-01T00:00:00.000Z', equity: 1000, drawdownPct: 0 });
    expect(r.equityCurve[7]).toEqual({ time: '2024-01-02T18:00:00.000Z', equity: 970, drawdownPct: expect.closeTo((80 / 1050) * 100, 10) });
    expect(r.equityCurve.at(-1)).toEqual({ time: '2024-01-04T00:00:00.000Z', equity: 1020, drawdownPct: expect.closeTo((30 / 1050) * 100, 10) });
  });
});

describe('summarize: edge cases', () => {
  it('no trades: nulls where a figure is undefined, zeros elsewhere, a row per preset x symbol', () => {
    const r = summarize(run({ presets: [{ id: 'p1', type: 'range', symbols: [BTC, ETH] }] }));
    for (const m of [r.portfolio, ...r.byPresetSymbol.map((x) => x.metrics)]) {
      expect(m).toMatchObject({ trades: 0, winRatePct: null, netPnl: 0, returnPct: 0, profitFactor: null, expectancyR: null, sharpe: null, sortino: null, maxDrawdownPct: 0, exposurePct: 0 });
    }
    expect(r.byPresetSymbol.map((x) => x.symbol)).toEqual([BTC, ETH]);
    expect(r.dailyEquity).toEqual([{ day: '2024-01-01', equity: 1000, returnPct: 0 }]);
    expect(r.equityCurve.map((p) => p.equity)).toEqual([1000, 1000]);
    expect(r.performance.candlesPerSecond).toBeNull();
  });

  it('one day: no Sharpe or Sortino from a single daily return', () => {
    const r = summarize(run({ trades: [trade({ entryTime: T0 + HOUR, exitTime: T0 + 2 * HOUR, grossPnl: -5 })], marks: [{ t: T0 + 2 * HOUR, equity: 995 }] }));
    expect(r.portfolio.days).toBe(1);
    expect(r.portfolio.sharpe).toBeNull();
    expect(r.portfolio.sortino).toBeNull();
    expect(r.portfolio.profitFactor).toBe(0);
    expect(r.portfolio.maxDrawdownPct).toBeCloseTo(0.5, 12);
  });

  it('a run ending exactly at 00:00 does not touch the next day; a run inside one day has one day', () => {
    expect(summarize(run({ from: T0, to: T0 + 2 * DAY })).dailyEquity.map((d) => d.day)).toEqual(['2024-01-01', '2024-01-02']);
    expect(summarize(run({ from: T0 + 5 * HOUR, to: T0 + 6 * HOUR })).dailyEquity.map((d) => d.day)).toEqual(['2024-01-01']);
    expect(summarize(run({ from: T0 + 23 * HOUR, to: T0 + 25 * HOUR })).dailyEquity.map((d) => d.day)).toEqual(['2024-01-01', '2024-01-02']);
  });

  it('a ruined account: 100 % drawdown, and days after ruin return 0 (nothing left to lose)', () => {
    const r = summarize(
      run({
        from: T0,
        to: T0 + 4 * DAY,
        trades: [trade({ entryTime: T0 + HOUR, exitTime: T0 + DAY + HOUR, grossPnl: -1000 })],
        marks: [
          { t: T0 + 12 * HOUR, equity: 400, exposure: 1 },
          { t: T0 + DAY + HOUR, equity: 0 },
        ],
      }),
    );
    expect(r.endEquity).toBe(0);
    expect(r.portfolio.maxDrawdownPct).toBe(100);
    expect(r.portfolio.maxDrawdownDurationMs).toBe(4 * DAY);
    expect(r.dailyEquity.map((d) => d.returnPct)).toEqual([-60, -100, 0, 0]);
    expect(r.portfolio.returnPct).toBe(-100);
    expect(r.monthlyReturns).toEqual([{ month: '2024-01', equity: 0, pnl: -1000, returnPct: -100 }]);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('zero starting equity: no return %, no ratios, no drawdown, and still no NaN', () => {
    const r = summarize(run({ startEquity: 0, from: T0, to: T0 + 3 * DAY, trades: [trade({ entryTime: T0 + HOUR, exitTime: T0 + DAY + HOUR, grossPnl: 5, riskAmount: 0 })] }));
    expect(r.portfolio.returnPct).toBeNull();
    expect(r.portfolio.sharpe).toBeNull();
    expect(r.portfolio.expectancyR).toBeNull(); // R of a trade with no risk is not finite
    expect(r.byPresetSymbol[0]!.metrics.sharpe).toBeNull();
    expect(r.portfolio.maxDrawdownPct).toBe(0);
    expectFinite(r);
  });

  it('a drawdown that recovers: its duration ends at the recovery, the longest may be another', () => {
    const r = summarize(
      run({
        from: T0,
        to: T0 + 10 * DAY,
        marks: [
          { t: T0 + DAY, equity: 900 }, // 10 % below 1,000 ...
          { t: T0 + 2 * DAY, equity: 1000 }, // ... recovered after 2 days
          { t: T0 + 3 * DAY, equity: 990 }, // 1 % below, never recovered: 7 days
        ],
        endEquity: 990,
      }),
    );
    expect(r.portfolio.maxDrawdownPct).toBeCloseTo(10, 12);
    expect(r.portfolio.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(r.portfolio.longestDrawdownMs).toBe(8 * DAY);
  });
});

/** Every number in the results is finite: the JSON would otherwise silently hold null. */
function expectFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectFinite(v, `${path}.${k}`);
}

const sumOf = (rows: readonly PerformanceMetrics[], key: 'netPnl' | 'grossPnl' | 'fees' | 'funding' | 'trades' | 'wins' | 'losses') => rows.reduce((s, m) => s + m[key], 0);

describe('summarize: properties on random runs', () => {
  const symbols = [BTC, ETH, 'SOLUSDT'];
  const presets = ['a', 'b'];
  const arbTrade = fc.record({
    symbol: fc.constantFrom(...symbols),
    presetId: fc.constantFrom(...presets),
    start: fc.integer({ min: 0, max: 20 * 24 }),
    hours: fc.integer({ min: 1, max: 72 }),
    grossPnl: fc.double({ min: -200, max: 200, noNaN: true }),
    fees: fc.double({ min: 0, max: 5, noNaN: true }),
    funding: fc.double({ min: -3, max: 3, noNaN: true }),
    riskAmount: fc.double({ min: 0, max: 50, noNaN: true }),
  });
  const arbRun = fc.record({
    trades: fc.array(arbTrade, { maxLength: 60 }),
    marks: fc.array(fc.record({ hour: fc.integer({ min: 0, max: 30 * 24 }), equity: fc.double({ min: 0, max: 3000, noNaN: true }), exposure: fc.double({ min: 0, max: 1000, noNaN: true }) }), { maxLength: 200 }),
    days: fc.integer({ min: 1, max: 31 }),
    startEquity: fc.constantFrom(0, 1000, 5000),
  });

  function build(a: typeof arbRun extends fc.Arbitrary<infer T> ? T : never) {
    const trades = a.trades.map((t, i) =>
      trade({ seq: i + 1, symbol: t.symbol, presetId: t.presetId, entryTime: T0 + t.start * HOUR, exitTime: T0 + (t.start + t.hours) * HOUR, grossPnl: t.grossPnl, fees: t.fees, funding: t.funding, riskAmount: t.riskAmount }),
    );
    const to = T0 + a.days * DAY;
    const marks = a.marks.filter((m) => T0 + m.hour * HOUR <= to).sort((x, y) => x.hour - y.hour).map((m) => ({ t: T0 + m.hour * HOUR, equity: m.equity, exposure: m.exposure }));
    return run({ from: T0, to, startEquity: a.startEquity, trades, marks, presets: presets.map((id) => ({ id, type: 'range', symbols })) });
  }

  it('the books add up: rows partition the trades, net = gross - fees - funding, nothing is NaN', () => {
    fc.assert(
      fc.property(arbRun, (a) => {
        const r: BacktestResults = summarize(build(a));
        const rows = r.byPresetSymbol.map((x) => x.metrics);
        expect(rows).toHaveLength(6);
        for (const key of ['trades', 'wins', 'losses'] as const) expect(sumOf(rows, key)).toBe(r.portfolio[key]);
        for (const key of ['netPnl', 'grossPnl', 'fees', 'funding'] as const) expect(sumOf(rows, key)).toBeCloseTo(r.portfolio[key], 6);
        for (const m of [r.portfolio, ...rows]) {
          expect(m.netPnl).toBeCloseTo(m.grossPnl - m.fees - m.funding, 6);
          expect(m.netPnl).toBeCloseTo(m.grossProfit - m.grossLoss, 6);
          expect(m.wins + m.losses).toBeLessThanOrEqual(m.trades);
          for (const pct of [m.exposurePct, m.maxDrawdownPct, m.winRatePct ?? 0]) {
            expect(pct).toBeGreaterThanOrEqual(0);
            expect(pct).toBeLessThanOrEqual(100);
          }
          expect(m.maxDrawdownDurationMs).toBeLessThanOrEqual(m.longestDrawdownMs);
          if (m.profitFactor !== null) expect(m.profitFactor).toBeCloseTo(m.grossProfit / m.grossLoss, 9);
        }
        expect(r.dailyEquity).toHaveLength(a.days);
        expect(r.dailyEquity.at(-1)!.equity).toBe(r.endEquity);
        expectFinite(r);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the sampled equity curve', () => {
  it('keeps at most 5,000 points, the first and last, the extremes and the deepest drawdown of a long curve', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5_001, max: 60_000 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 59_999 }), (n, seed, dipAt) => {
        let x = seed;
        const marks = Array.from({ length: n }, (_, i) => {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          return { t: T0 + (i + 1) * 60_000, equity: 1000 + 50 * Math.sin(i / 500) + (x / 2 ** 32) * 20 };
        });
        // A one-mark dip right after a one-mark spike: the kind of drawdown naive sampling hides.
        const at = Math.min(dipAt, n - 2);
        marks[at] = { ...marks[at]!, equity: 1200 };
        marks[at + 1] = { ...marks[at + 1]!, equity: 700 };
        const r = summarize(run({ from: T0, to: T0 + (n + 1) * 60_000, marks, endEquity: marks.at(-1)!.equity }));
        const curve = r.equityCurve;
        expect(curve.length).toBeLessThanOrEqual(5_000);
        expect(curve[0]!.time).toBe(r.from);
        expect(curve.at(-1)!.time).toBe(r.to);
        expect(Math.max(...curve.map((p) => p.drawdownPct))).toBeCloseTo(r.portfolio.maxDrawdownPct, 12);
        expect(Math.max(...curve.map((p) => p.equity))).toBe(1200);
        expect(Math.min(...curve.map((p) => p.equity))).toBe(700);
        const times = curve.map((p) => Date.parse(p.time));
        expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
