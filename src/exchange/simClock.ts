import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { AcceleratedClock } from '../clock/acceleratedClock.ts';

/**
 * For an external simulator server (venue 'local'): the bot must run on the simulator's
 * time, or every candle would look stale or from the future. `GET {url}/__sim/clock`
 * answers `{now, speed}`; we start an AcceleratedClock there, moved forward by half the
 * round trip (in simulated ms). A few attempts: the server may be restarting.
 */
const SimClockSchema = z.object({ now: z.number(), speed: z.number().positive() });

export async function syncedSimClock(restUrls: string | readonly string[], timeoutMs: number, attempts = 5, wallNow: () => number = () => performance.now()): Promise<AcceleratedClock> {
  // Every endpoint in turn: the primary may be the one that fails (DNS, refused).
  const urls = (typeof restUrls === 'string' ? [restUrls] : restUrls).map((u) => `${u.replace(/\/+$/, '')}/__sim/clock`);
  let url = urls[0]!;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts * urls.length; attempt++) {
    url = urls[attempt % urls.length]!;
    if (attempt >= urls.length && attempt % urls.length === 0) await delay(250 * 2 ** (attempt / urls.length - 1));
    try {
      const sent = wallNow();
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = SimClockSchema.parse(await response.json());
      const halfTrip = (wallNow() - sent) / 2;
      return new AcceleratedClock(Math.round(body.now + halfTrip * body.speed), body.speed);
    } catch (error) {
      lastError = error;
    }
  }
  const cause = lastError instanceof Error ? (lastError.cause instanceof Error ? lastError.cause.message : lastError.message) : String(lastError);
  throw new Error(`GET ${urls.join(', ')} failed after ${attempts} attempts each: ${cause}`);
}
