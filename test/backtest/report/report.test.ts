import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/backtest/metrics.ts';
import { chartData, downsampleCandles, MAX_BARS } from '../../../src/backtest/report/chartData.ts';
import { factorDistributions } from '../../../src/backtest/report/factors.ts';
import { esc, scriptJson } from '../../../src/backtest/report/html.ts';
import { renderHtmlReport } from '../../../src/backtest/report/writeHtmlReport.ts';
import type { CandleColumns } from '../../../src/history/types.ts';
import { DAY, HOUR, T0, run, syntheticRun, trade } from '../../support/backtestRun.ts';
import { handRun } from '../handRun.ts';

function candles(symbol: string, n: number, step = HOUR): CandleColumns {
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    symbol,
    interval: '60',
    length: n,
    start: col((i) => T0 + i * step),
    open: col((i) => 100 + i),
    high: col((i) => 100 + i + 5 + (i % 7)),
    low: col((i) => 100 + i - 5 - (i % 5)),
    close: col((i) => 100 + i + 1),
    volume: col(() => 1),
    turnover: col(() => NaN),
  };
}

describe('report chart data', () => {
  it('merges candles into at most 3,000 bars: first open, highest high, lowest low, last close', () => {
    const c = candles('BTCUSDT', 7_003);
    const { bars, perBar } = downsampleCandles(c);
    expect(perBar).toBe(3); // ceil(7003 / 3000)
    expect(bars.length).toBe(2_335);
    expect(bars.length).toBeLessThanOrEqual(MAX_BARS);
    // Bar 1 = candles 3, 4, 5.
    expect(bars[1]).toEqual([(T0 + 3 * HOUR) / 1000, 103, Math.max(108 + 3, 109 + 4, 110 + 5), Math.min(98 - 3, 99 - 4, 100 - 0), 106]);
    // The last bar holds the lone last candle.
    expect(bars.at(-1)).toEqual([(T0 + 7_002 * HOUR) / 1000, 7_102, 7_102 + 5 + (7_002 % 7), 7_102 - 5 - (7_002 % 5), 7_103]);
    expect(downsampleCandles(candles('X', 10)).perBar).toBe(1);
  });

  it('snaps trade markers onto the merged bars and counts trades outside the candles', () => {
    const c = candles('BTCUSDT', 9_000); // 3 candles a bar
    const trades = [
      trade({ symbol: 'BTCUSDT', side: 'long', entryTime: T0 + 4 * HOUR, exitTime: T0 + 10 * HOUR + 1_234, grossPnl: 5 }),
      trade({ symbol: 'BTCUSDT', side: 'short', entryTime: T0 + 20 * HOUR, exitTime: T0 + 30 * HOUR, grossPnl: -5 }),
      trade({ symbol: 'BTCUSDT', entryTime: T0 - 5 * HOUR, exitTime: T0 + HOUR }), // starts before the candles
      trade({ symbol: 'ETHUSDT', entryTime: T0 + HOUR, exitTime: T0 + 2 * HOUR }), // another symbol
    ];
    const r = summarize(run({ from: T0, to: T0 + 9_000 * HOUR, trades }));
    const [btc] = chartData(r, [c]).prices;
    expect(btc!.candlesPerBar).toBe(3);
    expect(btc!.unmarked).toBe(1);
    const s = (h: number) => (T0 + h * HOUR) / 1000;
    expect(btc!.markers).toEqual([
      { time: s(3), position: 'belowBar', shape: 'arrowUp', color: '#2563eb' },
      { time: s(9), position: 'aboveBar', shape: 'circle', color: '#16a34a' },
      { time: s(18), position: 'aboveBar', shape: 'arrowDown', color: '#d97706' },
      { time: s(30), position: 'belowBar', shape: 'circle', color: '#dc2626' },
    ]);
  });
});

describe('factor distributions', () => {
  it('histograms the three factors of winners and of losers per preset', () => {
    const t = (net: number, rq: number, presetId = 'range-v1') =>
      trade({ presetId, entryTime: T0, exitTime: T0 + HOUR, grossPnl: net, factors: { rangeQuality: rq, edgeProximity: 0.5, momentum: 1 } });
    const d = factorDistributions([t(5, 0.05), t(5, 0.95), t(5, 1), t(-5, 0.12), t(0, 0.55), t(1, 0.3, 'other')], ['other', 'range-v1']);
    expect(d.map((x) => `${x.presetId}.${x.factor}`)).toEqual(['other.rangeQuality', 'other.edgeProximity', 'other.momentum', 'range-v1.rangeQuality', 'range-v1.edgeProximity', 'range-v1.momentum']);
    const rq = d[3]!;
    expect(rq.winners).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 2]); // 0.05 | 0.95 and 1.0 in the top bin
    expect(rq.losers).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0]); // -5 at 0.12, breakeven 0 at 0.55
    expect(rq.winnerMean).toBeCloseTo(2 / 3, 12);
    expect(rq.loserMean).toBeCloseTo(0.335, 12);
  });
});

describe('report HTML', () => {
  it('escapes everything that comes from the run: ids, symbols, reasons, factor names', () => {
    const evil = '<img src=x onerror="alert(1)">&';
    const r = summarize(
      run({
        to: T0 + 2 * DAY,
        presets: [{ id: evil, type: 'range', symbols: [evil] }],
        trades: [trade({ presetId: evil, symbol: evil, entryTime: T0 + HOUR, exitTime: T0 + 2 * HOUR, grossPnl: 1, factors: { [evil]: 0.5 }, signalMode: evil })],
        pauses: [{ kind: 'halt', from: T0 + 3 * HOUR, until: null, reason: `</script><script>alert(2)</script>`, code: evil, equity: 1, dayStartEquity: 1 }],
      }),
    );
    const html = renderHtmlReport(r, [{ ...candles(evil, 48), symbol: evil }]);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('alert(2)</script>');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;');
    // Exactly the page's own three scripts, and the data block cannot be closed from inside.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(scriptJson({ s: '</script><!--\u2028' })).toBe('{"s":"\\u003c/script>\\u003c!--\\u2028"}');
    expect(esc(`a<b>"c"&'d'`)).toBe('a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
  });

  it('is self-contained: the chart library is inlined and nothing is loaded from elsewhere', () => {
    const { run: r, prices } = syntheticRun({ days: 20 });
    const html = renderHtmlReport(summarize(r), prices);
    expect(html).toContain('TradingView Lightweight Charts');
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    expect(html).not.toMatch(/@import/i);
  });

  it('puts each headline figure and each row figure in the page with its exact JSON value', () => {
    const r = summarize(handRun);
    const html = renderHtmlReport(r, []);
    const kpi = (key: string) => new RegExp(`id="kpi-${key}" data-key="${key}" data-value="([^"]*)">([^<]*)<`).exec(html);
    expect(kpi('netPnl')!.slice(1)).toEqual(['20', '20.00']);
    expect(kpi('profitFactor')!.slice(1)).toEqual(['1.5', '1.50']);
    expect(kpi('maxDrawdownPct')!.slice(1)).toEqual([String(r.portfolio.maxDrawdownPct), '7.62%']);
    expect(kpi('maxDrawdownDurationMs')!.slice(1)).toEqual([String(68 * HOUR), '2d 20h']);
    expect(kpi('sharpe')![1]).toBe(String(r.portfolio.sharpe));
    expect(html).toContain('<tr data-preset="p2" data-symbol="ETHUSDT"><td>p2</td><td>multiTimeframe</td><td>ETHUSDT</td><td class="num" data-value="2">2</td>');
    // All wins: no profit factor, shown as '-', null in data-value.
    expect(html).toMatch(/data-preset="p2".*?<td class="num" data-value="null">-<\/td>/);
    expect(html).toContain('<td class="m" data-month="2024-01" data-value="2.0000000000000018"');
    expect(html).toContain('<p class="empty">No candles were supplied.</p>');
    // No clock: the same inputs give the same bytes.
    expect(renderHtmlReport(r, [])).toBe(html);
  });
});
