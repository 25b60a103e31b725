import { describe, expect, it } from 'vitest';
import { assessEntry } from '../../../src/core/risk/assess.ts';
import { dailyLossReached, utcDayStart } from '../../../src/core/risk/dailyLoss.ts';
import type { ApprovedEntry, DeniedEntry, RiskDecision } from '../../../src/core/risk/types.ts';
import { order, position, request } from './fixtures.ts';

function approved(d: RiskDecision): ApprovedEntry {
  expect(d.allowed, d.allowed ? '' : `${d.code}: ${d.reason}`).toBe(true);
  return d as ApprovedEntry;
}

function denied(d: RiskDecision, code: DeniedEntry['code']): DeniedEntry {
  expect(d.allowed).toBe(false);
  expect(d).toMatchObject({ code });
  expect((d as DeniedEntry).reason.length).toBeGreaterThan(10);
  return d as DeniedEntry;
}

describe('assessEntry approves and sizes', () => {
  it('sizes from equity x risk% x score over the stop distance, floored to the qty step', () => {
    // 10 000 x 1 % = 100 USDT at risk over a 600 stop distance = 0.1666 -> 0.166 BTC.
    // 9 960 notional on 10 000 available: 1x leaves less than the 2 % margin headroom, so 2x.
    const d = approved(assessEntry(request()));
    expect(d).toMatchObject({ side: 'Buy', qty: 0.166, entryPrice: 60_000, stopLoss: 59_400, takeProfit: 61_200, leverage: 2, cappedBy: [] });
    expect(d.notional).toBeCloseTo(9_960, 6);
    expect(d.riskAmount).toBeCloseTo(99.6, 6);
    expect(d.rewardRisk).toBeCloseTo(2, 9);
    expect(d.reason).toContain('risk 99.6');
  });

  it('scales the risk with the confluence score (D2.2)', () => {
    expect(approved(assessEntry(request({ signal: { score: 0.5 } }))).qty).toBe(0.083);
  });

  it('sizes a short symmetrically', () => {
    const d = approved(assessEntry(request({ signal: { action: 'short', stopLoss: 60_600, takeProfit: 58_800 } })));
    expect(d).toMatchObject({ side: 'Sell', qty: 0.166, stopLoss: 60_600, takeProfit: 58_800 });
  });

  it.each([
    ['maxPositionPct', { limits: { maxPositionPct: 20 } }, 0.033, 1],
    ['maxTotalExposurePct', { portfolio: { positions: [position('ETHUSDT', 24_000)] } }, 0.016, 1],
    ['maxLeverage', { limits: { maxLeverage: 0.5 } }, 0.083, 1],
    ['availableMargin', { portfolio: { availableBalance: 100 } }, 0.008, 5],
    ['maxMktOrderQty', { instrument: { maxMktOrderQty: 0.05 } }, 0.05, 1],
  ] as const)('caps (does not deny) by %s and records it', (cap, patch, qty, leverage) => {
    const d = approved(assessEntry(request(patch)));
    expect(d.qty).toBe(qty);
    expect(d.cappedBy[0]).toBe(cap);
    expect(d.leverage).toBe(leverage);
    expect(d.reason).toContain(`capped by ${cap}`);
  });

  it('picks the smallest integer leverage the margin needs, within the limits', () => {
    expect(approved(assessEntry(request({ portfolio: { availableBalance: 3_000 } }))).leverage).toBe(4);
    const d = approved(assessEntry(request({ portfolio: { availableBalance: 3_000 }, instrument: { maxLeverage: 2 } })));
    expect(d.leverage).toBe(2);
    expect(d.notional).toBeLessThanOrEqual(6_000);
    expect(approved(assessEntry(request({ instrument: { minLeverage: 3 } }))).leverage).toBe(3);
  });

  it('rounds prices to the tick: entry to nearest, stop away from entry, target toward it', () => {
    const long = approved(assessEntry(request({ signal: { price: 60_000.04, stopLoss: 59_400.09, takeProfit: 61_200.09 } })));
    expect([long.entryPrice, long.stopLoss, long.takeProfit]).toEqual([60_000, 59_400, 61_200]);
    const short = approved(assessEntry(request({ signal: { action: 'short', price: 60_000.06, stopLoss: 60_600.01, takeProfit: 58_800.01 } })));
    expect([short.entryPrice, short.stopLoss, short.takeProfit]).toEqual([60_000.1, 60_600.1, 58_800.1]);
  });

  it('ignores position TP/SL orders and orders on other symbols', () => {
    const openOrders = [order('BTCUSDT', { stopOrderType: 'StopLoss', status: 'Untriggered' }), order('ETHUSDT'), order('BTCUSDT', { status: 'Filled' })];
    approved(assessEntry(request({ portfolio: { openOrders } })));
  });
});

describe('assessEntry denies with a reason that names the numbers', () => {
  it.each([
    ['TRADING_HALTED', { tradingState: 'HALTED' }, 'HALTED'],
    ['REDUCE_ONLY', { tradingState: 'REDUCING' }, 'reduce-only'],
    ['NO_EQUITY', { portfolio: { equity: 0 } }, 'equity is 0'],
    ['NO_EQUITY', { portfolio: { equity: Number.NaN } }, 'NaN'],
    ['DAILY_LOSS_LIMIT', { portfolio: { equity: 9_500 } }, '9500'],
    ['SCORE_TOO_LOW', { signal: { score: 0.2 } }, '0.2'],
    ['SCORE_TOO_LOW', { signal: { score: Number.NaN } }, 'NaN'],
    ['INVALID_STOP', { signal: { stopLoss: 60_100 } }, 'not below entry'],
    ['INVALID_STOP', { signal: { stopLoss: 60_000.04 } }, 'not below entry'],
    ['INVALID_STOP', { signal: { stopLoss: Number.NaN } }, 'NaN'],
    ['INVALID_STOP', { signal: { action: 'short' } }, 'not above entry'],
    ['INVALID_STOP', { signal: { action: 'none' } }, "'none'"],
    ['REWARD_RISK_TOO_LOW', { signal: { takeProfit: 60_600 } }, 'reward/risk 1'],
    ['REWARD_RISK_TOO_LOW', { signal: { takeProfit: 59_000 } }, 'reward/risk 0'],
    ['POSITION_ALREADY_OPEN', { portfolio: { positions: [position('BTCUSDT', 600, 0.01)] } }, 'BTCUSDT'],
    ['ORDER_ALREADY_OPEN', { portfolio: { openOrders: [order('BTCUSDT', { orderLinkId: 'bb1-abc' })] } }, 'bb1-abc'],
    ['MAX_OPEN_POSITIONS', { portfolio: { positions: [position('A', 1), position('B', 1), position('C', 1)] } }, '3 position(s)'],
    ['EXPOSURE_LIMIT', { portfolio: { positions: [position('ETHUSDT', 25_000)] } }, '25000'],
    ['EXPOSURE_LIMIT', { portfolio: { positions: [position('ETHUSDT', 24_999.99)] } }, 'minimum order qty'],
    ['INSUFFICIENT_MARGIN', { portfolio: { availableBalance: 0 } }, 'available balance is 0'],
    ['INSUFFICIENT_MARGIN', { portfolio: { availableBalance: 5 } }, 'minimum order qty'],
    ['BELOW_MIN_QTY', { portfolio: { equity: 50, availableBalance: 50, dayStartEquity: 50 } }, 'minimum order qty 0.001'],
    ['BELOW_MIN_NOTIONAL', { instrument: { minNotional: 20_000 } }, 'below the minimum 20000'],
  ] as const)('%s (%j)', (code, patch, mention) => {
    expect(denied(assessEntry(request(patch as never)), code).reason).toContain(mention);
  });

  it('denies a target that rounds onto the entry even when minRewardRisk is 0', () => {
    // Found by the property test: entry 60000, target 60000.04 floors to 60000 on a 0.1 tick.
    const d = denied(assessEntry(request({ signal: { takeProfit: 60_000.04 }, limits: { minRewardRisk: 0 } } as never)), 'REWARD_RISK_TOO_LOW');
    expect(d.reason).toContain('not beyond the entry 60000');
  });

  it('checks the trading state before anything else', () => {
    denied(assessEntry(request({ tradingState: 'HALTED', portfolio: { equity: 0 } })), 'TRADING_HALTED');
  });

  it('never throws on a malformed request', () => {
    const broken = { ...request(), portfolio: { equity: 1, availableBalance: 1, dayStartEquity: 1 } } as never;
    expect(assessEntry(broken).allowed).toBe(false);
  });
});

describe('daily loss and the UTC day', () => {
  it('is reached at dayStart x (1 - pct / 100) or below', () => {
    expect(dailyLossReached(10_000, 9_500.01, 5)).toBe(false);
    expect(dailyLossReached(10_000, 9_500, 5)).toBe(true);
    expect(dailyLossReached(10_000, 12_000, 5)).toBe(false);
  });

  it('resolves unknowable inputs safely', () => {
    expect(dailyLossReached(10_000, Number.NaN, 5)).toBe(true);
    expect(dailyLossReached(0, 100, 5)).toBe(false);
    expect(dailyLossReached(Number.NaN, 100, 5)).toBe(false);
  });

  it('starts the day at 00:00 UTC', () => {
    expect(utcDayStart(Date.UTC(2024, 4, 17, 23, 59, 59, 999))).toBe(Date.UTC(2024, 4, 17));
    expect(utcDayStart(Date.UTC(2024, 4, 18))).toBe(Date.UTC(2024, 4, 18));
  });
});
