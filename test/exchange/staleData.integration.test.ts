import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCandles } from '../../src/core/data/validate.ts';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import type { Candle } from '../../src/domain/types.ts';
import { initialStrategyContext, shouldSkip, validateStep } from '../../machines/strategy.steps.ts';
import type { BaseStrategyParams, MarketSnapshot, StrategyActorInput, StrategyContext } from '../../machines/strategy.types.ts';
import { adapterFor, startSimServer, type AdapterFixture, type SimServerFixture } from './support/simServer.ts';

/**
 * Issue 3 acceptance: "stale data never traded". While the API is unreachable the
 * market-data cache serves the last good candles (marked stale); once simulated time has
 * moved past actor.maxStalenessMs (5 minutes) the strategy's validating step must find
 * them STALE and unusable, so the iteration is skipped: no signal, no order.
 */
const MAX_STALENESS_MS = 300_000;
let f: SimServerFixture;
let a: AdapterFixture;

beforeAll(async () => {
  f = await startSimServer();
  a = adapterFor(f, { candleTtlMs: 2_000, requestTimeoutMs: 500 });
});

afterAll(async () => {
  f?.server.faults.set({ down: false });
  await a?.bybit.close();
  await f?.server.close();
});

const range = getStrategy('range')!;
const params = range.paramsSchema.parse({ interval: '5' }) as BaseStrategyParams;
const input: StrategyActorInput = {
  actorId: 'BTCUSDT:range-v1',
  symbol: 'BTCUSDT',
  presetId: 'range-v1',
  strategyType: 'range',
  params,
  cooldownMs: 30_000,
  maxStalenessMs: MAX_STALENESS_MS,
  breaker: { failureThreshold: 5, openMs: 300_000 },
  risk: { riskPerTradePct: 1, minRewardRisk: 1.5, maxLeverage: 5, maxPositionPct: 100, maxTotalExposurePct: 250, maxOpenPositions: 3, dailyLossLimitPct: 5, minScore: 0.3 },
};

function snapshot(candles: readonly Candle[], now: number): MarketSnapshot {
  return {
    now,
    candles,
    instrument: { symbol: 'BTCUSDT' } as MarketSnapshot['instrument'],
    portfolio: { equity: 10_000, availableBalance: 10_000, positions: [], openOrders: [], dayStartEquity: 10_000 },
    tradingState: 'ACTIVE',
  };
}

function validate(candles: readonly Candle[], now: number): StrategyContext {
  const context = initialStrategyContext(input, now);
  return { ...context, ...validateStep(context, snapshot(candles, now), { now: () => now, resolveStrategy: getStrategy }) };
}

describe('stale data is never traded', () => {
  it('last good candles served while the API is down become STALE / unusable after 5 simulated minutes', async () => {
    const query = { symbol: 'BTCUSDT', interval: '5' as const, limit: 200 };
    const fresh = await a.bybit.port.candles(query);
    // Fresh: the validating step lets the iteration go on.
    const freshContext = validate(fresh, f.clock.now());
    expect(freshContext.quality).toMatchObject({ ok: true });
    expect(shouldSkip(freshContext)).toBe(false);

    f.server.faults.set({ down: true });
    // The API stays unreachable while simulated time passes 5 minutes (and then some).
    await f.clock.advanceBy(MAX_STALENESS_MS + 60_000);
    const served = await a.bybit.port.candles(query);
    expect(a.bybit.cache.isStale(served)).toBe(true);
    expect(await a.metrics.registry.getSingleMetricAsString('bybot_market_data_cache_total')).toContain('kind="candles",result="stale"} 1');
    // Only candles that had closed when they were fetched: the one still forming then is not "closed" data now.
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((c) => c.start + 300_000 <= f.clock.now() - MAX_STALENESS_MS - 60_000)).toBe(true);

    const now = f.clock.now();
    const verdict = validateCandles(served, { intervalMs: 300_000, now, maxStalenessMs: MAX_STALENESS_MS, minCandles: range.warmup(params) });
    expect(verdict).toMatchObject({ ok: false, severity: 'unusable', primary: 'STALE' });

    // Through the strategy machine's own step: skipped with STALE, nothing to signal on.
    const context = validate(served, now);
    expect(context.quality).toMatchObject({ ok: false, severity: 'unusable' });
    expect(context.lastSkip).toMatchObject({ reason: 'STALE' });
    expect(context.market).toBeNull();
    expect(shouldSkip(context)).toBe(true);
  }, 10_000);
});
