import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/backtest/metrics.ts';
import { binsBy, confluenceAnalytics, pearson, regimeBreakdown, spearman } from '../../../src/backtest/metrics/confluence.ts';
import type { ResultTrade } from '../../../src/backtest/types.ts';
import { renderHtmlReport } from '../../../src/backtest/report/writeHtmlReport.ts';
import { mulberry32 } from '../../../src/core/rng.ts';
import { HOUR, T0, run, trade } from '../../support/backtestRun.ts';

/** 100 trades: R = 4 x rangeQuality - 2 (rangeQuality predicts the outcome), edgeProximity = 1 - rangeQuality, momentum noise; score follows R. */
function planted(): ResultTrade[] {
  const random = mulberry32(3);
  return Array.from({ length: 100 }, (_, i) => {
    const rq = (i % 50) / 50 + 0.01;
    const r = 4 * rq - 2;
    return {
      ...trade({ entryTime: T0 + i * HOUR, exitTime: T0 + i * HOUR + 1, netPnl: r * 10, riskAmount: 10, score: 0.3 + 0.5 * rq, factors: { rangeQuality: rq, edgeProximity: 1 - rq, momentum: random() }, regime: i % 4 === 0 ? 'volatile' : 'ranging' }),
      seq: i + 1,
      rMultiple: r,
    } as ResultTrade;
  });
}

describe('confluence analytics', () => {
  it('correlation matrix: 1 on the diagonal, symmetric, -1 for a mirrored factor, near 0 for noise', () => {
    const [p] = confluenceAnalytics(planted());
    expect(p!.factors).toEqual(['rangeQuality', 'edgeProximity', 'momentum']);
    const c = p!.correlation;
    for (let i = 0; i < 3; i++) expect(c[i]![i]).toBeCloseTo(1, 12);
    expect(c[0]![1]).toBeCloseTo(-1, 12);
    expect(c[1]![0]).toBe(c[0]![1]);
    expect(Math.abs(c[0]![2]!)).toBeLessThan(0.25);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('quintiles: mean R climbs for the predictive factor, falls for its mirror; equal counts; win rates', () => {
    const [p] = confluenceAnalytics(planted());
    const rq = p!.quintiles.find((q) => q.factor === 'rangeQuality')!.bins;
    expect(rq.map((b) => b.trades)).toEqual([20, 20, 20, 20, 20]);
    for (let i = 1; i < 5; i++) expect(rq[i]!.meanR!).toBeGreaterThan(rq[i - 1]!.meanR!);
    expect(rq[0]!.winRatePct).toBe(0);
    expect(rq[4]!.winRatePct).toBe(100);
    const edge = p!.quintiles.find((q) => q.factor === 'edgeProximity')!.bins;
    expect(edge[0]!.meanR!).toBeGreaterThan(edge[4]!.meanR!);
    expect(binsBy(planted().slice(0, 3), (t) => t.score, 10)).toHaveLength(3);
  });

  it('score curve rises with the score; the rank correlation of score and R is 1 when R follows the score', () => {
    const [p] = confluenceAnalytics(planted());
    expect(p!.scoreCurve).toHaveLength(10);
    expect(p!.scoreCurve[9]!.meanR!).toBeGreaterThan(p!.scoreCurve[0]!.meanR!);
    expect(p!.scoreRankCorrelation).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('breaks performance down per regime: all presets, then each preset', () => {
    const rows = regimeBreakdown(planted(), ['range-v1']);
    expect(rows.map((r) => `${r.presetId ?? '*'}:${r.regime}:${r.trades}`)).toEqual(['*:ranging:75', '*:volatile:25', 'range-v1:ranging:75', 'range-v1:volatile:25']);
    expect(rows[1]!.sharePct).toBe(25);
    const volatile = planted().filter((t) => t.regime === 'volatile');
    expect(rows[1]!.netPnl).toBeCloseTo(volatile.reduce((s, t) => s + t.netPnl, 0), 9);
    expect(rows[1]!.meanR).toBeCloseTo(volatile.reduce((s, t) => s + t.rMultiple!, 0) / 25, 9);
  });

  it('is in the --json results under `regimes`, keyed by regime, for all trades and per preset x symbol', () => {
    // Two symbols: ETH gets the volatile trades with an infinite R (riskAmount 0), which the results turn into null.
    const trades = planted().map((t) => (t.regime === 'volatile' ? { ...t, symbol: 'ETHUSDT', riskAmount: 0, rMultiple: Infinity } : { ...t, rMultiple: t.rMultiple! }));
    const results = summarize(run({ to: T0 + 200 * HOUR, trades, presets: [{ id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] }] }));
    const json = JSON.parse(JSON.stringify(results)) as typeof results;
    expect(Object.keys(json.regimes)).toEqual(['trendingUp', 'trendingDown', 'ranging', 'volatile', 'unknown']);
    const ranging = planted().filter((t) => t.regime === 'ranging');
    expect(json.regimes.ranging.trades).toBe(75);
    expect(json.regimes.ranging.sharePct).toBe(75);
    expect(json.regimes.ranging.netPnl).toBeCloseTo(ranging.reduce((s, t) => s + t.netPnl, 0), 9);
    expect(json.regimes.ranging.meanR).toBeCloseTo(ranging.reduce((s, t) => s + t.rMultiple!, 0) / 75, 9);
    expect(json.regimes.ranging.winRatePct).toBeCloseTo((ranging.filter((t) => t.netPnl > 0).length / 75) * 100, 9);
    expect(json.regimes.volatile).toMatchObject({ trades: 25, meanR: null, sharePct: 25 });
    expect(json.regimes.trendingUp).toEqual({ trades: 0, winRatePct: null, netPnl: 0, meanR: null, profitFactor: null, sharePct: 0 });
    const row = (symbol: string) => json.byPresetSymbol.find((r) => r.symbol === symbol)!.regimes;
    expect(row('BTCUSDT').ranging.trades).toBe(75);
    expect(row('BTCUSDT').ranging.sharePct).toBe(100);
    expect(row('BTCUSDT').volatile.trades).toBe(0);
    expect(row('ETHUSDT').volatile).toMatchObject({ trades: 25, sharePct: 100, meanR: null });
    expect(row('SOLUSDT').unknown.trades).toBe(0);
    // A regime that is not a known label counts as unknown.
    const odd = summarize(run({ to: T0 + 200 * HOUR, trades: [trade({ entryTime: T0, exitTime: T0 + HOUR, netPnl: 5, regime: 'sideways' })] }));
    expect(odd.regimes.unknown).toMatchObject({ trades: 1, winRatePct: 100, netPnl: 5, meanR: 0.5 });
  });

  it('appears in the HTML report', () => {
    const trades = planted().map((t) => ({ ...t, rMultiple: t.rMultiple! }));
    const html = renderHtmlReport(summarize(run({ to: T0 + 200 * HOUR, trades })), []);
    expect(html).toMatch(/<tr data-preset="" data-regime="volatile" class="total"><td>all presets<\/td><td>volatile<\/td><td class="num" data-value="25">/);
    expect(html).toContain('data-role="correlation"');
    expect(html).toMatch(/data-role="score-rank" data-value="1"|data-role="score-rank" data-value="0\.99999/);
    expect(html).toMatch(/id="score-curve-0"[^>]*data-points="10"/);
    expect((html.match(/data-role="quintiles"/g) ?? []).length).toBe(1);
  });
});
