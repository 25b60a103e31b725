import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { createCredentialControl } from '../../src/exchange/bybit/credentialSwap.ts';
import type { SdkRestClient } from '../../src/exchange/bybit/restTransport.ts';
import type { Credentials } from '../../src/exchange/bybit/sdkClients.ts';
import { drive, scriptedTransport } from './support/scriptedTransport.ts';

/**
 * The new key's check (signed GET /v5/user/query-api) through a real REST transport with a
 * scripted SDK client: a transient failure is retried, an auth refusal is not.
 */
const OLD: Credentials = { apiKey: 'oldkey', apiSecret: 'oldsecret' };
const NEW: Credentials = { apiKey: 'newkey', apiSecret: 'newsecret' };
const KEY_INFO = { retCode: 0, retMsg: 'OK', result: { id: '1', userID: 4242, readOnly: 0, expiredAt: '', permissions: { ContractTrade: ['Order', 'Position'] } }, time: 1 };

function setup(answers: unknown[]) {
  const clock = new ManualClock(1_000_000);
  const calls: string[] = [];
  const client: SdkRestClient = {
    get: async () => ({ retCode: 0, retMsg: 'OK', result: {}, time: 1 }),
    getPrivate: async (endpoint) => {
      calls.push(endpoint);
      const next = answers.shift();
      // An HTTP error as the SDK rejects with it ({ code: status, message }), else an envelope.
      if (typeof next === 'object' && next !== null && 'code' in next && !('retCode' in next)) throw next;
      return next;
    },
    postPrivate: async () => ({ retCode: 0, retMsg: 'OK', result: {}, time: 1 }),
  };
  const { transport } = scriptedTransport({ client, clock, retryPolicy: { maxRetries: 3, baseMs: 10, maxMs: 10 } });
  const control = createCredentialControl({ initial: OLD, transportFor: () => transport, installRest: () => undefined, openPrivate: null, installPrivate: () => undefined, learnSecrets: () => undefined });
  return { clock, calls, control };
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
