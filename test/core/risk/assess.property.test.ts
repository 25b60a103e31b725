import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../../src/domain/types.ts';
import { isOnStep } from '../../../src/core/steps.ts';
import { assessEntry } from '../../../src/core/risk/assess.ts';
import { entryCertainlyDenied, isOpenPosition, openExposure } from '../../../src/core/risk/rules.ts';
import type { EntryRequest, RiskDenialCode } from '../../../src/core/risk/types.ts';
import { BTC, LONG, position } from './fixtures.ts';

const CODES: RiskDenialCode[] = [
  'TRADING_HALTED', 'REDUCE_ONLY', 'DAILY_LOSS_LIMIT', 'NO_EQUITY', 'SCORE_TOO_LOW', 'INVALID_STOP', 'REWARD_RISK_TOO_LOW',
  'POSITION_ALREADY_OPEN', 'ORDER_ALREADY_OPEN', 'MAX_OPEN_POSITIONS', 'EXPOSURE_LIMIT', 'BELOW_MIN_QTY', 'BELOW_MIN_NOTIONAL', 'INSUFFICIENT_MARGIN',
];

/** Uniform on [min, max]: fc.double favours the extremes, which would make nearly every request a denial. */
const uniform = (min: number, max: number) => fc.integer({ min: 0, max: 10_000 }).map((k) => min + ((max - min) * k) / 10_000);

const instrument: fc.Arbitrary<Instrument> = fc
  .record({
    tickSize: fc.constantFrom(0.0001, 0.001, 0.01, 0.1, 0.5, 1),
    qtyStep: fc.constantFrom(0.0001, 0.001, 0.01, 0.1, 1, 10),
    minSteps: fc.integer({ min: 1, max: 20 }),
    maxMktSteps: fc.integer({ min: 1, max: 1_000_000 }),
    minNotional: fc.constantFrom(0, 1, 5, 10, 100),
    minLeverage: fc.constantFrom(1, 2),
    maxLeverage: fc.integer({ min: 1, max: 125 }),
  })
  .map((x) => ({
    ...BTC,
    tickSize: x.tickSize,
    qtyStep: x.qtyStep,
    minOrderQty: Number((x.qtyStep * x.minSteps).toFixed(6)),
    maxMktOrderQty: Number((x.qtyStep * x.maxMktSteps).toFixed(6)),
    minNotional: x.minNotional,
    minLeverage: x.minLeverage,
    maxLeverage: Math.max(x.minLeverage, x.maxLeverage),
  }));

const requestArb: fc.Arbitrary<EntryRequest> = fc
  .record({
    instrument,
    side: fc.constantFrom('long', 'short') as fc.Arbitrary<'long' | 'short'>,
    ticks: fc.integer({ min: 1_000, max: 10_000_000 }),
    stopFrac: uniform(0.0005, 0.3),
    rr: uniform(0.5, 6),
    score: uniform(0.1, 1),
    equity: uniform(1, 2_000_000),
    availFrac: fc.oneof(uniform(0, 1), fc.constant(1)),
    others: fc.array(uniform(0, 1), { maxLength: 3 }),
    limits: fc.record({
      riskPerTradePct: uniform(0.1, 10),
      minRewardRisk: uniform(0, 3),
      maxLeverage: uniform(0.5, 50),
      maxPositionPct: uniform(1, 500),
      maxTotalExposurePct: uniform(1, 1000),
      maxOpenPositions: fc.integer({ min: 1, max: 6 }),
      dailyLossLimitPct: uniform(1, 50),
      minScore: uniform(0.1, 0.5),
    }),
  })
  .map((x) => {
    // Prices at least 1000 ticks, so the stop and target survive rounding to the grid.
    const price = Number((x.ticks * x.instrument.tickSize).toFixed(6));
    const dist = price * x.stopFrac;
    const sign = x.side === 'long' ? 1 : -1;
    return {
      signal: { ...LONG, action: x.side, price, stopLoss: price - sign * dist, takeProfit: price + sign * dist * x.rr, score: x.score },
      instrument: x.instrument,
      portfolio: {
        equity: x.equity,
        availableBalance: x.equity * x.availFrac,
        positions: x.others.map((v, i) => position(`OTHER${i}USDT`, v * x.equity)),
        openOrders: [],
        dayStartEquity: x.equity,
      },
      limits: x.limits,
      tradingState: 'ACTIVE',
    } satisfies EntryRequest;
  });

const REL = 1 + 1e-9;

describe('assessEntry properties', () => {
  it('an approved size obeys every limit, every grid and the risk budget', () => {
    let approvals = 0;
    fc.assert(
      fc.property(requestArb, (req) => {
        const d = assessEntry(req);
        if (!d.allowed) {
          expect(CODES).toContain(d.code);
          expect(d.reason.length).toBeGreaterThan(0);
          return;
        }
        approvals++;
        const { instrument: ins, portfolio: pf, limits } = req;
        expect(isOnStep(d.qty, ins.qtyStep)).toBe(true);
        expect(d.qty).toBeGreaterThanOrEqual(ins.minOrderQty);
        expect(d.notional).toBeGreaterThanOrEqual(ins.minNotional);
        expect(d.qty).toBeLessThanOrEqual(ins.maxMktOrderQty * REL);
        expect(d.notional).toBeLessThanOrEqual(((pf.equity * limits.maxPositionPct) / 100) * REL);
        expect(openExposure(pf.positions) + d.notional).toBeLessThanOrEqual(((pf.equity * limits.maxTotalExposurePct) / 100) * REL);
        expect(d.notional).toBeLessThanOrEqual(limits.maxLeverage * pf.equity * REL);
        expect(d.notional / d.leverage).toBeLessThanOrEqual(pf.availableBalance * REL);
        expect(Number.isInteger(d.leverage)).toBe(true);
        expect(d.leverage).toBeGreaterThanOrEqual(ins.minLeverage);
        expect(d.leverage).toBeLessThanOrEqual(Math.max(ins.minLeverage, Math.min(ins.maxLeverage, limits.maxLeverage)));
        const stopDistance = Math.abs(d.entryPrice - d.stopLoss);
        expect(d.riskAmount).toBeLessThanOrEqual(((pf.equity * limits.riskPerTradePct) / 100) * REL + stopDistance * ins.qtyStep);
        for (const p of [d.entryPrice, d.stopLoss, d.takeProfit]) expect(isOnStep(p, ins.tickSize)).toBe(true);
        if (d.side === 'Buy') expect(d.stopLoss < d.entryPrice && d.entryPrice < d.takeProfit).toBe(true);
        else expect(d.stopLoss > d.entryPrice && d.entryPrice > d.takeProfit).toBe(true);
        expect(d.rewardRisk).toBeGreaterThanOrEqual(limits.minRewardRisk);
        expect(d.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
    // The generator must exercise the approval path, not only denials.
    expect(approvals).toBeGreaterThan(200);
  });

  it('never throws and always explains a denial, whatever the numbers', () => {
    const wild = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e308));
    fc.assert(
      fc.property(requestArb, wild, wild, wild, wild, fc.nat(7), (req, a, b, c, e, which) => {
        const patched: EntryRequest = {
          ...req,
          signal: which === 0 ? { ...req.signal, price: a, stopLoss: b, takeProfit: c } : which === 1 ? { ...req.signal, score: a } : req.signal,
          portfolio: which === 2 ? { ...req.portfolio, equity: a, availableBalance: b, dayStartEquity: c } : req.portfolio,
          instrument: which === 3 ? { ...req.instrument, tickSize: a, qtyStep: b, minOrderQty: c, maxMktOrderQty: e } : req.instrument,
          limits: which === 4 ? { ...req.limits, riskPerTradePct: a, maxLeverage: b, maxPositionPct: c, maxTotalExposurePct: e } : req.limits,
        };
        const d = assessEntry(patched);
        if (!d.allowed) expect(d.reason.length).toBeGreaterThan(0);
        else for (const v of [d.qty, d.notional, d.entryPrice, d.stopLoss, d.takeProfit, d.leverage, d.riskAmount]) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('explain: false gives the same decision, with no reason formatted (the fast engine)', () => {
    const wild = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e308));
    const states = fc.constantFrom('ACTIVE', 'ACTIVE', 'REDUCING', 'HALTED') as fc.Arbitrary<EntryRequest['tradingState']>;
    fc.assert(
      fc.property(requestArb, wild, fc.nat(3), states, fc.boolean(), (req, a, which, tradingState, mine) => {
        const patched: EntryRequest = {
          ...req,
          tradingState,
          signal: which === 0 ? { ...req.signal, score: a } : which === 1 ? { ...req.signal, stopLoss: a } : req.signal,
          portfolio: {
            ...req.portfolio,
            equity: which === 2 ? a : req.portfolio.equity,
            positions: mine ? [...req.portfolio.positions, position(req.signal.symbol, req.portfolio.equity / 10)] : req.portfolio.positions,
          },
        };
        const full = assessEntry(patched);
        const terse = assessEntry({ ...patched, explain: false });
        // Fixed sentences cost nothing and stay; what formats numbers is left out.
        expect({ ...terse, reason: '' }).toEqual({ ...full, reason: '' });
        expect([full.reason, '']).toContain(terse.reason);
      }),
      { numRuns: 3000 },
    );
  });

  it('entryCertainlyDenied: whenever it says so, assessEntry denies (whatever the signal and numbers)', () => {
    const wild = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e308));
    const states = fc.constantFrom('ACTIVE', 'REDUCING', 'HALTED') as fc.Arbitrary<EntryRequest['tradingState']>;
    let certain = 0;
    fc.assert(
      fc.property(requestArb, wild, fc.nat(4), states, fc.boolean(), fc.boolean(), (req, a, which, tradingState, mine, explain) => {
        const patched: EntryRequest = {
          ...req,
          tradingState,
          explain,
          signal: which === 0 ? { ...req.signal, score: a } : which === 1 ? { ...req.signal, stopLoss: a } : which === 2 ? { ...req.signal, takeProfit: a } : req.signal,
          portfolio: {
            ...req.portfolio,
            equity: which === 3 ? a : req.portfolio.equity,
            positions: mine ? [...req.portfolio.positions, position(req.signal.symbol, req.portfolio.equity / 10)] : req.portfolio.positions,
          },
        };
        const open = patched.portfolio.positions.some((p) => p.symbol === patched.signal.symbol && isOpenPosition(p));
        if (!entryCertainlyDenied(tradingState, open)) return;
        certain++;
        expect(assessEntry(patched).allowed).toBe(false);
      }),
      { numRuns: 3000 },
    );
    expect(certain).toBeGreaterThan(1000);
  });
});
