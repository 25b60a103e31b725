import { ManualClock } from '../../src/clock/manualClock.ts';
import { startExchangeSimServer, type ExchangeSimServer, type ScenarioInput } from '../../src/exchangeSim/index.ts';
import type { SimExchange } from '../../src/sim/index.ts';
import { makeSim } from '../sim/simFixture.ts';

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
export async function startFixture(options: { scenario?: ScenarioInput; initialBalance?: number; seed?: number; adminToken?: string } = {}): Promise<ServerFixture> {
  const { clock, sim } = makeSim({ start: ORIGIN + DAY + 30_000, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.initialBalance !== undefined ? { initialBalance: options.initialBalance } : {}) });
  const server = await startExchangeSimServer({ sim, clock, accounts: [{ apiKey: KEY, apiSecret: SECRET }], ...(options.scenario ? { scenario: options.scenario } : {}), ...(options.adminToken ? { adminToken: options.adminToken } : {}) });
  return { clock, sim, server };
}
