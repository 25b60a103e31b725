import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeyExpiry } from '../../src/exchange/bybit/apiKeyExpiry.ts';
import { adapterFor, startSimServer, type SimServerFixture } from './support/simServer.ts';

let f: SimServerFixture;
beforeAll(async () => {
  f = await startSimServer();
});
afterAll(async () => {
  await f?.server.close();
});

describe('API key expiry (GET /v5/user/query-api)', () => {
  it('reads expiredAt: an ISO time, or "" for a key that does not expire', () => {
    expect(parseApiKeyExpiry('2026-03-01T00:00:00Z')).toBe(Date.UTC(2026, 2, 1));
    expect(parseApiKeyExpiry('')).toBeNull();
    expect(parseApiKeyExpiry(undefined)).toBeNull();
    expect(parseApiKeyExpiry('soon')).toBeNull();
  });

  it('through the real client against the simulator server (a key that never expires)', async () => {
    const a = adapterFor(f);
    try {
      expect(await a.bybit.rest.apiKeyExpiry()).toBeNull();
    } finally {
      await a.bybit.close();
    }
  });
});
