import type { LookupFunction } from 'node:net';
import { ManualClock } from '../../../src/clock/manualClock.ts';
import { SystemClock } from '../../../src/clock/systemClock.ts';
import { mulberry32 } from '../../../src/core/rng.ts';
import { createBybitExchange, type BybitExchange, type BybitExchangeOptions } from '../../../src/exchange/bybit/createBybitExchange.ts';
import { wsStreamUrls } from '../../../src/exchange/bybit/venues.ts';
import { startExchangeSimServer, type ExchangeSimServer, type ScenarioInput } from '../../../src/exchangeSim/index.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { createSimExchange, type SimExchange } from '../../../src/sim/index.ts';
import { memoryLogger, type LogLine } from './fakes.ts';

export const ORIGIN = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;
export const KEY = 'adapter-test-key';
export const SECRET = 'adapter-test-secret';

export interface SimServerFixture {
  readonly clock: ManualClock;
  readonly sim: SimExchange;
  readonly server: ExchangeSimServer;
}

/** The simulator one day into its history, on a ManualClock, served on 127.0.0.1:0. */
export async function startSimServer(options: { scenario?: ScenarioInput; initialBalance?: number } = {}): Promise<SimServerFixture> {
  const clock = new ManualClock(ORIGIN + DAY + 30_000);
  const sim = createSimExchange({
    clock,
    seed: 42,
    origin: ORIGIN,
    initialBalance: options.initialBalance ?? 10_000,
    takerFeeRate: 0.00055,
    makerFeeRate: 0.0002,
    slippageBps: 2,
    regimes: {},
    faults: { down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0 },
  });
  const server = await startExchangeSimServer({ sim, clock, accounts: [{ apiKey: KEY, apiSecret: SECRET }], ...(options.scenario ? { scenario: options.scenario } : {}) });
  return { clock, sim, server };
}

export interface AdapterFixture {
  readonly bybit: BybitExchange;
  readonly lines: LogLine[];
  readonly metrics: ReturnType<typeof createMetrics>;
}

/** The real bybit-api client set (through our adapter) pointed at the fixture's server. */
export function adapterFor(
  fixture: SimServerFixture,
  overrides: Partial<BybitExchangeOptions> & { restUrls?: readonly string[]; lookup?: LookupFunction } = {},
): AdapterFixture {
  const { logger, lines } = memoryLogger();
  const metrics = createMetrics();
  const ws = wsStreamUrls(fixture.server.wsUrl);
  const bybit = createBybitExchange({
    venue: 'simulator',
    restUrls: [fixture.server.url],
    wsPublicUrl: ws.publicUrl,
    wsPrivateUrl: ws.privateUrl,
    credentials: { apiKey: KEY, apiSecret: SECRET },
    recvWindowMs: 5_000,
    requestTimeoutMs: 2_000,
    retry: { maxRetries: 0, baseMs: 100, maxMs: 1_000 },
    failbackProbeMs: 60_000,
    heartbeatMs: 30_000,
    candleTtlMs: 2_000,
    tickerTtlMs: 1_000,
    clock: fixture.clock,
    timers: new SystemClock(),
    random: mulberry32(3),
    logger,
    metrics,
    ...overrides,
  });
  return { bybit, lines, metrics };
}

export async function until(check: () => boolean, timeoutMs = 5_000, stepMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
