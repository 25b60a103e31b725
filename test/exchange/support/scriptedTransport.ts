import type { ManualClock } from '../../../src/clock/manualClock.ts';
import { mulberry32 } from '../../../src/core/rng.ts';
import { ClockSync } from '../../../src/exchange/bybit/clockSync.ts';
import { EndpointPool } from '../../../src/exchange/bybit/endpoints.ts';
import { RateLimiter } from '../../../src/exchange/bybit/rateLimiter.ts';
import { BybitRestTransport, type SdkRestClient } from '../../../src/exchange/bybit/restTransport.ts';
import type { RetryPolicy } from '../../../src/exchange/bybit/retry.ts';
import { memoryLogger, testAlerts } from './fakes.ts';

/** The real REST transport over one scripted SDK client, on a manual clock. */
export function scriptedTransport(o: { client: SdkRestClient; clock: ManualClock; retryPolicy: RetryPolicy; url?: string; probeIntervalMs?: number; wallNow?: () => number }) {
  const { clock } = o;
  const url = o.url ?? 'http://a';
  const clockSync = new ClockSync(o.wallNow ?? (() => clock.now()));
  const limiter = new RateLimiter({ clock });
  const { logger } = memoryLogger();
  const transport = new BybitRestTransport({
    clients: new Map([[url, o.client]]),
    pool: new EndpointPool({ urls: [url], clock, probeIntervalMs: o.probeIntervalMs ?? 1_000, probe: async () => undefined }),
    limiter,
    clockSync,
    clock,
    timers: clock,
    random: mulberry32(1),
    retryPolicy: o.retryPolicy,
    requestTimeoutMs: 1_000,
    alerts: testAlerts(clock).alerts,
    logger,
  });
  return { transport, limiter, clockSync, logger };
}

/** Advances the manual clock (100 ms steps, at most 5 s) until the promise settles: retries sleep on it. */
export async function drive<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const tracked = p.finally(() => (done = true));
  tracked.catch(() => undefined);
  for (let i = 0; i < 50 && !done; i++) await clock.advanceBy(100);
  return tracked;
}
