import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import type { CockpitView } from '../../src/cockpit/types.ts';
import { DashboardFrames, factorHistograms } from '../../src/dashboard/frame.ts';
import { portfolioPanel } from '../../src/dashboard/portfolioPanel.ts';
import { StrategyStats } from '../../src/observability/strategyStats.ts';

describe('dashboard frames', () => {
  it('factor histograms: ten bins over [0, 1] and the mean', () => {
    const h = factorHistograms([{ factors: { a: 0.05, b: 1 } }, { factors: { a: 0.15, b: 0.95 } }, { factors: { a: 0.19, b: 0.5 } }]);
    expect(h).toEqual([
      { name: 'a', bins: [1, 2, 0, 0, 0, 0, 0, 0, 0, 0], mean: (0.05 + 0.15 + 0.19) / 3 },
      { name: 'b', bins: [0, 0, 0, 0, 0, 1, 0, 0, 0, 2], mean: (1 + 0.95 + 0.5) / 3 },
    ]);
  });

  it('cycle latency percentiles per strategy, cache rates between frames, account and presets from the view', async () => {
    const stats = new StrategyStats(100);
    for (let i = 1; i <= 100; i++) stats.recordCycle('range-v1', i);
    stats.recordSignal('range-v1', { at: 0, action: 'buy', score: 0.5, factors: { q: 0.42 } });
    let totals = { hit: 10, miss: 5, stale: 0 };
    let wall = 1_000_000;
    const view: CockpitView = {
      status: () => ({ mode: 'dry-run', venue: 'sim', now: Date.UTC(2026, 0, 5), tradingState: 'ACTIVE', haltReason: null, equity: 10_050, pnlToday: 50, positions: [], actorsByState: {}, disabledActors: 0, alerts: [], configVersion: 'v1' }),
      openOrders: () => [],
      presets: () => [{ preset: 'range-v1', strategyType: 'range', enabled: true, actors: 3, running: 3, signals: 1, trades: 2, wins: 1, winRatePct: 50, netPnl: 12.5 }],
      recentAlerts: () => [],
    };
    const frames = new DashboardFrames({
      view,
      stats,
      cache: { get: async () => ({ values: Object.entries(totals).map(([result, value]) => ({ labels: { kind: 'candles', result }, value })) }) },
      eventLoopLagMs: () => 4.5,
      clock: new ManualClock(0),
      wallNow: () => wall,
      thresholds: () => ({ cycleLatencyP95Ms: 50, rssMb: 800 }),
      venue: 'sim',
    });
    const first = await frames.frame();
    expect(first.latency).toEqual([{ strategy: 'range-v1', samples: 100, p50Ms: 50.5, p95Ms: 95.05, p99Ms: 99.01 }]);
    expect(first.cache).toMatchObject({ hitPerSec: 0, hitRatio: null, totals: { hit: 10, miss: 5, stale: 0 } });
    totals = { hit: 40, miss: 15, stale: 0 };
    wall += 2_000;
    const second = await frames.frame();
    expect(second.cache).toMatchObject({ hitPerSec: 15, missPerSec: 5, stalePerSec: 0, hitRatio: 0.75 });
    expect(second.factors).toEqual([{ strategy: 'range-v1', signals: 1, factors: [{ name: 'q', bins: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0], mean: 0.42 }] }]);
    expect(second).toMatchObject({ time: '2026-01-05T00:00:00.000Z', account: { equity: 10_050, pnlToday: 50 }, process: { eventLoopLagMs: 4.5 }, latencyThresholdMs: 50 });
    expect(second.presets[0]).toMatchObject({ winRatePct: 50, netPnl: 12.5 });
  });

  it('the Portfolio panel: GET /portfolio\'s budgets, used, free, correlations and last rebalance; a note when the section is off', () => {
    expect(portfolioPanel({ enabled: false, mode: 'none', reason: 'portfolio allocation is off' })).toEqual({
      enabled: false,
      mode: 'none',
      note: 'portfolio allocation is off',
      equity: null,
      checkedAt: null,
      presets: [],
      correlations: null,
      lastRebalance: null,
      rebalances: 0,
    });
    const correlations = { threshold: 0.7, symbols: ['BTCUSDT', 'ETHUSDT'], matrix: [[1, 0.82], [0.82, 1]] };
    const panel = portfolioPanel({
      enabled: true,
      mode: 'performance',
      equity: 10_000,
      checkedAt: '2026-01-05T03:00:00.000Z',
      rebalances: 4,
      presets: [
        { presetId: 'range-v1', weight: 0.25, budget: 2_500, used: 3_000, free: 0, sleeves: [] } as never,
        { presetId: 'mtf-v1', weight: 0.75, budget: 7_500, used: 0, free: 7_500 },
      ],
      correlations,
      lastRebalance: { at: '2026-01-05T00:00:00.000Z', mode: 'performance', reason: 'schedule', resized: [{}, {}] },
    });
    expect(panel).toEqual({
      enabled: true,
      mode: 'performance',
      note: null,
      equity: 10_000,
      checkedAt: '2026-01-05T03:00:00.000Z',
      rebalances: 4,
      presets: [
        { presetId: 'range-v1', weight: 0.25, budget: 2_500, used: 3_000, free: 0 },
        { presetId: 'mtf-v1', weight: 0.75, budget: 7_500, used: 0, free: 7_500 },
      ],
      correlations,
      lastRebalance: { at: '2026-01-05T00:00:00.000Z', mode: 'performance', reason: 'schedule', resized: 2 },
    });
  });
});
