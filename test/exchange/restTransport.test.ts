import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { InvalidResponseError, RateLimitError } from '../../src/domain/errors.ts';
import type { RestRequest, SdkRestClient } from '../../src/exchange/bybit/restTransport.ts';
import { drive, scriptedTransport } from './support/scriptedTransport.ts';

/** Envelope handling with a scripted SDK client: what bybit-api resolves with (HTTP 200 + retCode). */
function setup(answers: unknown[]) {
  const clock = new ManualClock(1_000_000);
  const calls: string[] = [];
  const client: SdkRestClient = {
    get: async (endpoint) => {
      calls.push(endpoint);
      return endpoint === '/v5/market/time' ? { retCode: 0, retMsg: 'OK', result: { timeSecond: '1', timeNano: '1' }, time: 5_000_500 } : answers.shift();
    },
    getPrivate: async (endpoint) => (calls.push(endpoint), answers.shift()),
    postPrivate: async (endpoint) => (calls.push(endpoint), answers.shift()),
  };
  const { transport, clockSync, limiter } = scriptedTransport({ client, clock, retryPolicy: { maxRetries: 2, baseMs: 10, maxMs: 10 }, wallNow: () => 5_000_000 });
  const spec: RestRequest<{ ok: boolean }> = {
    operation: 'test',
    method: 'GET',
    endpoint: '/v5/account/wallet-balance',
    auth: true,
    params: {},
    group: 'query',
    schema: z.object({ ok: z.boolean() }),
    idempotent: true,
  };
  return { clock, calls, transport, spec, clockSync, limiter };
}

describe('REST transport', () => {
  it('10002: re-measures the clock offset from /v5/market/time, then the retry succeeds', async () => {
    const { clock, calls, transport, spec, clockSync } = setup([
      { retCode: 10002, retMsg: 'invalid request, please check your server timestamp or recv_window param', result: {}, time: 1 },
      { retCode: 0, retMsg: 'OK', result: { ok: true }, time: 2 },
    ]);
    const r = await drive(clock, transport.requestWithRetry(spec));
    expect(r.result).toEqual({ ok: true });
    expect(calls).toEqual(['/v5/account/wallet-balance', '/v5/market/time', '/v5/account/wallet-balance']);
    expect(clockSync.offsetMs()).toBe(500);
  });

  it('a missing retCode (non-JSON 200 spread into an object) is an InvalidResponseError; so is a result of the wrong shape', async () => {
    const { transport, spec } = setup([{ 0: '<', 1: 'h' }, { retCode: 0, retMsg: 'OK', result: { ok: 'yes' } }]);
    await expect(transport.request(spec)).rejects.toBeInstanceOf(InvalidResponseError);
    await expect(transport.request(spec)).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('10006 blocks the group until the reset timestamp from rateLimitApi', async () => {
    const { clock, transport, spec, limiter } = setup([
      { retCode: 10006, retMsg: 'Too many visits!', result: {}, rateLimitApi: { remainingRequests: 0, maxRequests: 50, resetAtTimestamp: 5_000_000 + 3_000 } },
    ]);
    const error = await transport.request(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_000);
    let sent = false;
    void limiter.acquire('query').then(() => (sent = true));
    await clock.advanceBy(2_900);
    expect(sent).toBe(false);
    await clock.advanceBy(200);
    expect(sent).toBe(true);
  });

  it('accepted "not modified" codes resolve with no result', async () => {
    const { transport, spec } = setup([{ retCode: 110043, retMsg: 'leverage not modified', result: {} }]);
    await expect(transport.request({ ...spec, acceptCodes: new Set([110043]) })).resolves.toMatchObject({ result: undefined });
  });
});
