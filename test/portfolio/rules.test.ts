import { describe, expect, it } from 'vitest';
import { assessEntry } from '../../src/core/risk/assess.ts';
import type { ApprovedEntry, DeniedEntry } from '../../src/core/risk/types.ts';
import type { AllocationView } from '../../src/core/portfolio/types.ts';
import { runFastEngine } from '../../src/backtest/fast/fastEngine.ts';
import { position, request } from '../core/risk/fixtures.ts';
import { syntheticInput, testConfig } from '../support/backtestData.ts';

/** The portfolio's rules in the risk gate: budgets, correlated exposure, the cross-asset filter. */
const correlated: AllocationView['correlation'] = {
  threshold: 0.7,
  symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  matrix: [
    [1, 0.85, 0.4],
    [0.85, 1, 0.3],
    [0.4, 0.3, 1],
  ],
};

const view = (patch: Partial<AllocationView>): AllocationView => ({ weights: null, correlation: null, leader: null, ...patch });

describe('budgets', () => {
  it('sizes from the sleeve\'s budget, not the whole equity', () => {
    const whole = assessEntry(request()) as ApprovedEntry;
    const half = assessEntry(request({ portfolio: { allocation: view({ weights: { 'BTCUSDT:range-v1': 0.5, 'ETHUSDT:range-v1': 0.5 } }) } })) as ApprovedEntry;
    expect(whole.qty).toBe(0.166);
    expect(half.qty).toBe(0.083);
    expect(half.reason).toContain('of budget 5000 = 50% of equity 10000');
  });

  it('a sleeve without budget is denied with the reason', () => {
    const d = assessEntry(request({ portfolio: { allocation: view({ weights: { 'ETHUSDT:range-v1': 1 } }) } })) as DeniedEntry;
    expect(d).toMatchObject({ allowed: false, code: 'NO_BUDGET' });
    expect(d.reason).toContain('range-v1 on BTCUSDT has no capital budget');
  });
});

describe('correlated exposure', () => {
  const eth = { ...position('ETHUSDT', 4_000, 2), side: 'Buy' as const };
  const sol = { ...position('SOLUSDT', 3_000, 20), side: 'Buy' as const };

  it('denies a same-direction entry whose correlated positions already use risk.maxCorrelatedExposurePct, naming them', () => {
    const d = assessEntry(request({ portfolio: { positions: [eth, sol], allocation: view({ correlation: correlated }) }, limits: { maxCorrelatedExposurePct: 40 } })) as DeniedEntry;
    expect(d).toMatchObject({ allowed: false, code: 'CORRELATED_EXPOSURE' });
    expect(d.reason).toContain('ETHUSDT Buy 2 (correlation 0.85)');
    expect(d.reason).not.toContain('SOLUSDT'); // correlation 0.4: not part of the group
    expect(d.reason).toContain('exposure 4000 already uses maxCorrelatedExposurePct 40% of equity (4000)');
  });

  it('caps the size to the room left, and leaves opposite-direction and uncorrelated entries alone', () => {
    const capped = assessEntry(request({ portfolio: { positions: [eth], allocation: view({ correlation: correlated }) }, limits: { maxCorrelatedExposurePct: 50 } })) as ApprovedEntry;
    expect(capped.allowed).toBe(true);
    expect(capped.cappedBy[0]).toBe('maxCorrelatedExposurePct');
    expect(capped.notional).toBeLessThanOrEqual(1_000);
    const short = { ...eth, side: 'Sell' as const };
    const free = assessEntry(request({ portfolio: { positions: [short], allocation: view({ correlation: correlated }) }, limits: { maxCorrelatedExposurePct: 40 } })) as ApprovedEntry;
    expect(free).toMatchObject({ allowed: true, qty: 0.166 });
    const sameWithoutView = assessEntry(request({ portfolio: { positions: [eth] }, limits: { maxCorrelatedExposurePct: 40 } })) as ApprovedEntry;
    expect(sameWithoutView.allowed).toBe(true);
  });
});

describe('cross-asset filter', () => {
  const leader = (regime: 'trendingUp' | 'trendingDown' | 'ranging', rule: 'notAgainst' | 'with' = 'notAgainst'): AllocationView['leader'] => ({ symbol: 'BTCUSDT', timeframeMinutes: 240, regime, rule, presets: [] });
  const eth = { symbol: 'ETHUSDT' };

  it('denies an alt long against the leader\'s down trend, allows it otherwise, and never filters the leader itself', () => {
    const d = assessEntry(request({ signal: eth, portfolio: { allocation: view({ leader: leader('trendingDown') }) } })) as DeniedEntry;
    expect(d).toMatchObject({ allowed: false, code: 'CROSS_ASSET' });
    expect(d.reason).toContain('BTCUSDT 240m regime trendingDown, rule notAgainst');
    expect(assessEntry(request({ signal: eth, portfolio: { allocation: view({ leader: leader('ranging') }) } })).allowed).toBe(true);
    expect(assessEntry(request({ portfolio: { allocation: view({ leader: leader('trendingDown') }) } })).allowed).toBe(true);
  });

  it('with the rule "with", an alt long needs the leader trending up', () => {
    expect(assessEntry(request({ signal: eth, portfolio: { allocation: view({ leader: leader('ranging', 'with') }) } }))).toMatchObject({ allowed: false, code: 'CROSS_ASSET' });
    expect(assessEntry(request({ signal: eth, portfolio: { allocation: view({ leader: leader('trendingUp', 'with') }) } })).allowed).toBe(true);
  });
});

describe('rebalancing and open positions', () => {
  it('a rebalance never resizes an open position: trades open across a rebalance keep their entry size to the exit', () => {
    const config = testConfig({
      strategies: [
        { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
        { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] },
      ],
      portfolio: { allocation: { mode: 'riskParity' }, lookbackDays: 1, rebalance: { checkMs: 3_600_000, everyMs: 3_600_000 } },
    });
    const run = runFastEngine(syntheticInput(config, [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '5' }], 48, 4));
    const rebalances = run.allocation!.rebalances;
    // Rebalances that changed the budgets (every hour here, the volatilities move).
    const changes = rebalances.filter((r, i) => i > 0 && JSON.stringify(r.sleeves) !== JSON.stringify(rebalances[i - 1]!.sleeves));
    expect(changes.length).toBeGreaterThan(20);
    // portfolio.resizeOpen is false by default: no rebalance decided a reduction.
    expect(rebalances.some((r) => r.resized !== undefined)).toBe(false);
    const across = run.trades.filter((t) => t.exitReason !== 'EndOfData' && changes.some((r) => r.at > t.entryTime && r.at < t.exitTime));
    expect(across.length).toBeGreaterThanOrEqual(3);
    for (const t of across) {
      // The whole entry quantity was held to one exit price: nothing was added or taken off on the way.
      const dir = t.side === 'long' ? 1 : -1;
      expect(t.grossPnl).toBeCloseTo((t.exitPrice - t.entryPrice) * t.qty * dir, 6);
    }
  });

  it('with portfolio.resizeOpen a rebalance that cuts a budget below an open position\'s margin reduces it (never adds)', () => {
    const strategies = [
      { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
      { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT'] },
    ];
    const run = (resizeOpen?: boolean) => {
      const portfolio = { allocation: { mode: 'performance', minTrades: 2, performanceTrades: 10, shrinkage: 0.2 }, rebalance: { checkMs: 3_600_000, everyMs: 3_600_000 }, ...(resizeOpen === undefined ? {} : { resizeOpen }) };
      return runFastEngine(syntheticInput(testConfig({ strategies, portfolio }), [{ symbol: 'BTCUSDT', interval: '5' }, { symbol: 'ETHUSDT', interval: '5' }], 48, 4));
    };
    const plain = run();
    const off = run(false);
    const on = run(true);
    // Default and explicit false: no reduction, the same run.
    expect(plain.allocation!.rebalances.some((r) => r.resized)).toBe(false);
    expect(off.trades).toEqual(plain.trades);
    const reductions = on.allocation!.rebalances.flatMap((r) => (r.resized ?? []).map((o) => ({ ...o, at: r.at })));
    expect(reductions.length).toBeGreaterThanOrEqual(1);
    for (const o of reductions) {
      expect(o.used).toBeGreaterThan(o.budget);
      expect(o.qty).toBeGreaterThan(0);
      expect(o.qty).toBeLessThanOrEqual(o.positionSize);
      // The reduction is on the closing side of the trade open at that time, and leaves the remainder at or above the budget.
      const trade = on.trades.find((t) => t.symbol === o.symbol && t.entryTime < o.at && t.exitTime > o.at)!;
      expect(trade).toBeDefined();
      expect(o.side).toBe(trade.side === 'long' ? 'Sell' : 'Buy');
      if (!o.closesAll) expect(o.used * (1 - o.qty / o.positionSize)).toBeGreaterThanOrEqual(o.budget - 1e-9);
    }
    // A reduced trade's quantity is still its largest size: nothing was added.
    expect(on.endEquity).not.toBe(plain.endEquity);
  });
});
