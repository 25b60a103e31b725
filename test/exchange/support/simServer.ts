import type { LookupFunction } from 'node:net';
import { SystemClock } from '../../../src/clock/systemClock.ts';
import { mulberry32 } from '../../../src/core/rng.ts';
import { createBybitExchange, type BybitExchange, type BybitExchangeOptions } from '../../../src/exchange/bybit/createBybitExchange.ts';
import { wsStreamUrls } from '../../../src/exchange/bybit/venues.ts';
import type { ScenarioInput } from '../../../src/exchangeSim/index.ts';
import { KEY, SECRET, startFixture, type ServerFixture as SimServerFixture } from '../../exchangeSim/fixture.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { memoryLogger, type LogLine } from './fakes.ts';

// One simulator-server fixture for the adapter tests and the server's own tests.
export { DAY, KEY, ORIGIN, SECRET } from '../../exchangeSim/fixture.ts';
export type { ServerFixture as SimServerFixture } from '../../exchangeSim/fixture.ts';
export const startSimServer = (options: { scenario?: ScenarioInput; initialBalance?: number } = {}): Promise<SimServerFixture> => startFixture(options);

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
