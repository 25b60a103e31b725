import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { ClockSync } from '../../src/exchange/bybit/clockSync.ts';
import { createCredentialControl } from '../../src/exchange/bybit/credentialSwap.ts';
import { EndpointPool } from '../../src/exchange/bybit/endpoints.ts';
import { RateLimiter } from '../../src/exchange/bybit/rateLimiter.ts';
import { BybitRestTransport, type SdkRestClient } from '../../src/exchange/bybit/restTransport.ts';
import type { Credentials } from '../../src/exchange/bybit/sdkClients.ts';
import { memoryLogger, testAlerts } from './support/fakes.ts';

/**
 * The new key's check (signed GET /v5/user/query-api) through a real REST transport with a
 * scripted SDK client: a transient failure is retried, an auth refusal is not.
 */
const OLD: Credentials = { apiKey: 'oldkey', apiSecret: 'oldsecret' };
const NEW: Credentials = { apiKey: 'newkey', apiSecret: 'newsecret' };
const KEY_INFO = { retCode: 0, retMsg: 'OK', result: { id: '1', userID: 4242, readOnly: 0, expiredAt: '', permissions: { ContractTrade: ['Order', 'Position'] } }, time: 1 };

function setup(answers: (unknown | Error)[]) {
  const clock = new ManualClock(1_000_000);
  const calls: string[] = [];
  const client: SdkRestClient = {
    get: async () => ({ retCode: 0, retMsg: 'OK', result: {}, time: 1 }),
    getPrivate: async (endpoint) => {
      calls.push(endpoint);
      const next = answers.shift();
      if (next instanceof Error || (typeof next === 'object' && next !== null && 'code' in next && !('retCode' in next))) throw next;
      return next;
    },
    postPrivate: async () => ({ retCode: 0, retMsg: 'OK', result: {}, time: 1 }),
  };
  const transport = new BybitRestTransport({
    clients: new Map([['http://a', client]]),
    pool: new EndpointPool({ urls: ['http://a'], clock, probeIntervalMs: 1_000, probe: async () => undefined }),
    limiter: new RateLimiter({ clock }),
    clockSync: new ClockSync(() => 5_000_000),
    clock,
    timers: clock,
    random: mulberry32(1),
    retryPolicy: { maxRetries: 3, baseMs: 10, maxMs: 10 },
    requestTimeoutMs: 1_000,
    alerts: testAlerts(clock).alerts,
    logger: memoryLogger().logger,
  });
  const control = createCredentialControl({ initial: OLD, transportFor: () => transport, installRest: () => undefined, openPrivate: null, installPrivate: () => undefined, learnSecrets: () => undefined });
  return { clock, calls, control };
}

async function drive<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false;
  const tracked = p.finally(() => (done = true));
  tracked.catch(() => undefined);
  for (let i = 0; i < 50 && !done; i++) await clock.advanceBy(100);
  return tracked;
}

describe('credential check (query-api)', () => {
  it('retries a server error and a rate limit, then reads the key', async () => {
    const { clock, calls, control } = setup([{ code: 503, message: 'Service Unavailable' }, { retCode: 10006, retMsg: 'Too many visits!', result: {}, time: 1 }, KEY_INFO]);
    const info = await drive(clock, control.info(NEW));
    expect(info).toEqual({ userId: '4242', expiresAt: null, readOnly: false, permissions: { ContractTrade: ['Order', 'Position'] } });
    expect(calls).toEqual(['/v5/user/query-api', '/v5/user/query-api', '/v5/user/query-api']);
  });

  it('an invalid key (10003) fails at once, without a retry', async () => {
    const { clock, calls, control } = setup([{ retCode: 10003, retMsg: 'API key is invalid.', result: {}, time: 1 }, KEY_INFO]);
    await expect(drive(clock, control.info(NEW))).rejects.toMatchObject({ code: ERROR_CODES.AUTH_REJECTED });
    expect(calls).toEqual(['/v5/user/query-api']);
  });
});
