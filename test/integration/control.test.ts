import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** Operator endpoints: bearer token, body validation, halt / resume, disable / enable. */
let h: AppHarness;
const TOKEN = 'test-control-token-0123456789';

beforeAll(async () => {
  h = await startTestApp({ http: { controlToken: TOKEN } });
  await h.run(10 * 60_000, 5_000);
});
afterAll(async () => {
  await h?.app.stop();
});

async function post(path: string, body: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${h.app.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('control endpoints', () => {
  it('refuse a missing or wrong token with 401', async () => {
    expect((await post('/control/halt', { reason: 'x' }, null)).status).toBe(401);
    expect((await post('/control/halt', { reason: 'x' }, 'wrong')).status).toBe(401);
    expect(h.app.runtime.gate.current()).toBe('ACTIVE');
  });

  it('reject an invalid body with 400 naming the field', async () => {
    const r = await post('/control/halt', { reason: 42, extra: true });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('reason');
    expect(JSON.stringify(r.body)).toContain('extra');
  });

  it('disable then enable one actor', async () => {
    const id = 'ETHUSDT:vwap-v1';
    expect((await post(`/actors/${id}/disable`, { reason: 'maintenance' })).status).toBe(202);
    await h.run(10_000);
    let view = (await h.get(`/actors/${id}`)).body as { disabled: { code: string; reason: string } | null };
    expect(view.disabled).toMatchObject({ code: 'OPERATOR' });
    expect((await h.get('/ready')).status).toBe(200); // an operator's choice is not a failure
    expect((await post(`/actors/${id}/enable`, {})).status).toBe(202);
    await h.run(10_000);
    view = (await h.get(`/actors/${id}`)).body as { disabled: null };
    expect(view.disabled).toBeNull();
    expect((await post('/actors/NOPE:x/disable', {})).status).toBe(404);
  });

  it('halt stops trading (503, HALTED) and resume brings it back', async () => {
    expect((await post('/control/resume', {})).status).toBe(409);
    const halted = await post('/control/halt', { reason: 'manual check' });
    expect(halted.status).toBe(202);
    expect(halted.body.correlationId).toBeTruthy();
    await h.run(5_000);
    const ready = await h.get('/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('operator: manual check');
    expect((await post('/control/resume', {})).status).toBe(202);
    await h.run(5_000);
    expect((await h.get('/ready')).status).toBe(200);
    const actors = ((await h.get('/actors')).body as { actors: { state: string }[] }).actors;
    expect(actors).toHaveLength(9);
  });
});
