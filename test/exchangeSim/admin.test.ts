import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/exchangeSim/cliArgs.ts';
import { startFixture } from './fixture.ts';

/**
 * The simulator server's admin endpoints (/__sim/*) follow the bot's control-plane rules
 * (finding 1): Host and Origin checks and JSON bodies always; with an admin token (required
 * off loopback) every admin endpoint but the clock needs it. Oversized bodies get 413.
 */
function send(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };

describe('exchange-sim admin endpoints', () => {
  it('on loopback without a token: Host, Origin and the JSON content type are still checked', async () => {
    const f = await startFixture();
    try {
      const faults = `${f.server.url}/__sim/faults`;
      expect((await send(faults, 'POST', { ...json, host: 'evil.example' }, '{"hang":true}')).status).toBe(403);
      expect((await send(faults, 'POST', { ...json, origin: 'http://evil.example' }, '{"hang":true}')).status).toBe(403);
      expect((await send(faults, 'POST', { 'content-type': 'text/plain' }, '{"hang":true}')).status).toBe(415);
      expect(f.server.faults.get().hang).toBe(false);
      expect((await send(faults, 'POST', json, '{"latencyMs":1}')).status).toBe(200);
      expect(f.server.faults.get().latencyMs).toBe(1);
    } finally {
      await f.server.close();
    }
  });

  it('with an admin token: 401 without it, 200 with it; the clock stays public', async () => {
    const token = 'sim-admin-token-0123456789abcdef';
    const f = await startFixture({ adminToken: token });
    try {
      const faults = `${f.server.url}/__sim/faults`;
      expect((await send(faults, 'POST', json, '{"hang":true}')).status).toBe(401);
      expect((await send(faults, 'GET', {})).status).toBe(401);
      expect((await send(`${f.server.url}/__sim/orders`, 'GET', {})).status).toBe(401);
      expect((await send(faults, 'POST', { ...json, authorization: 'Bearer wrong' }, '{"hang":true}')).status).toBe(401);
      expect(f.server.faults.get().hang).toBe(false);
      expect((await send(faults, 'POST', { ...json, authorization: `Bearer ${token}` }, '{"latencyMs":2}')).status).toBe(200);
      expect((await send(`${f.server.url}/__sim/clock`, 'GET', {})).status).toBe(200);
    } finally {
      await f.server.close();
    }
  });

  it('answers 413 to a body over the limit instead of failing with 500', async () => {
    const f = await startFixture();
    try {
      const big = Buffer.alloc(1_100_000, 0x61);
      const r = await send(`${f.server.url}/v5/order/create`, 'POST', { ...json, 'content-length': String(big.length) }, big).catch(() => ({ status: -1, text: '' }));
      expect(r.status).toBe(413);
    } finally {
      await f.server.close();
    }
  });

  it('the CLI refuses a non-loopback --host without an admin token', () => {
    const refused = parseCliArgs(['--host', '0.0.0.0']);
    expect(refused).toMatchObject({ ok: false });
    expect(JSON.stringify(refused)).toContain('--admin-token');
    expect(parseCliArgs(['--host', '0.0.0.0', '--admin-token', 'sim-admin-token-0123456789abcdef'])).toMatchObject({ ok: true });
    expect(parseCliArgs(['--host', '0.0.0.0'], { EXCHANGE_SIM_ADMIN_TOKEN: 'sim-admin-token-0123456789abcdef' })).toMatchObject({ ok: true });
  });
});
