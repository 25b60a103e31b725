import { ManualClock } from '../../src/clock/manualClock.ts';
import { createSimExchange, type FaultState, type MarketGenerator, type RegimeName, type SimExchange } from '../../src/sim/index.ts';

export const ORIGIN = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const NO_FAULTS: FaultState = { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 };

export interface SimFixture {
  readonly clock: ManualClock;
  readonly sim: SimExchange<MarketGenerator>;
}

/** A simulator one day into its history (so indicators have data), on a ManualClock. */
export function makeSim(
  overrides: {
    seed?: number;
    start?: number;
    regimes?: Record<string, RegimeName>;
    faults?: Partial<FaultState>;
    initialBalance?: number;
    instruments?: readonly string[];
    gaps?: { perDay: number; sizePct: number };
    fillModel?: 'book' | 'slippage';
    fundingRate?: number;
  } = {},
): SimFixture {
  const clock = new ManualClock(overrides.start ?? ORIGIN + DAY + 30_000);
  const sim = createSimExchange({
    clock,
    seed: overrides.seed ?? 42,
    origin: ORIGIN,
    initialBalance: overrides.initialBalance ?? 10_000,
    takerFeeRate: 0.00055,
    makerFeeRate: 0.0002,
    slippageBps: 2,
    regimes: overrides.regimes ?? {},
    faults: { ...NO_FAULTS, ...overrides.faults },
    ...(overrides.instruments ? { instruments: overrides.instruments } : {}),
    ...(overrides.gaps ? { gaps: overrides.gaps } : {}),
    ...(overrides.fillModel ? { fillModel: overrides.fillModel } : {}),
    ...(overrides.fundingRate !== undefined ? { fundingRate: overrides.fundingRate } : {}),
  });
  return { clock, sim };
}

/** Advances minute by minute until `done` holds (or the budget runs out); returns whether it held. */
export async function advanceUntil(clock: ManualClock, done: () => Promise<boolean>, maxMinutes = 3 * 1440): Promise<boolean> {
  for (let i = 0; i < maxMinutes; i++) {
    if (await done()) return true;
    await clock.advanceBy(MINUTE);
  }
  return done();
}
