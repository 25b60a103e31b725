import { ManualClock } from '../../src/clock/manualClock.ts';
import { startExchangeSimServer, type ExchangeSimServer, type ScenarioInput } from '../../src/exchangeSim/index.ts';
import { createSimExchange, type SimExchange } from '../../src/sim/index.ts';

export const ORIGIN = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const KEY = 'test-key';
export const SECRET = 'test-secret';

export interface ServerFixture {
  readonly clock: ManualClock;
  readonly sim: SimExchange;
  readonly server: ExchangeSimServer;
}

/** A simulator one day into its history on a ManualClock, served on a free loopback port. */
export async function startFixture(options: { scenario?: ScenarioInput; initialBalance?: number; seed?: number } = {}): Promise<ServerFixture> {
  const clock = new ManualClock(ORIGIN + DAY + 30_000);
  const sim = createSimExchange({
    clock,
    seed: options.seed ?? 42,
    origin: ORIGIN,
    initialBalance: options.initialBalance ?? 10_000,
    takerFeeRate: 0.00055,
    makerFeeRate: 0.0002,
    slippageBps: 2,
    regimes: {},
    faults: { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 },
  });
  const server = await startExchangeSimServer({ sim, clock, accounts: [{ apiKey: KEY, apiSecret: SECRET }], scenario: options.scenario });
  return { clock, sim, server };
}
