import { existsSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sameSecret } from '../../src/http/access/policy.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/**
 * The control plane (finding 1): every state-changing endpoint needs the bearer token, a
 * JSON body, an allowed Host and no foreign Origin; reads can be closed with a read token;
 * a request that never finishes sending its body is answered or closed in time.
 */
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({ exchange: { transport: 'wire' } });
  await h.run(5 * 60_000, 5_000, 2);
});
afterAll(async () => {
  await h?.app.stop();
});

interface Call {
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** node:http rather than fetch: fetch may not set Host (a forbidden header name), an attacker's browser page can. */
function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface ErrorBody {
  readonly error?: { readonly code: string; readonly message: string };
}

async function post(call: Call): Promise<{ status: number; body: ErrorBody | null }> {
  const r = await send('POST', `${h.app.url}${call.path}`, call.headers ?? {}, call.body);
  try {
    return { status: r.status, body: JSON.parse(r.text) as ErrorBody };
  } catch {
    return { status: r.status, body: null };
  }
}

const json = { 'content-type': 'application/json' };
const auth = () => ({ authorization: `Bearer ${h.controlToken}` });

/** The eight state-changing endpoints of the issue (the simulator's own /__sim/faults has its test below). */
const MUTATING: readonly Call[] = [
  { path: '/control/halt', body: '{"reason":"x"}' },
  { path: '/control/resume', body: '{}' },
  { path: '/actors/BTCUSDT:range-v1/disable', body: '{}' },
  { path: '/actors/BTCUSDT:range-v1/enable', body: '{}' },
  { path: '/orders/bb1-x/cancel', body: '{"symbol":"BTCUSDT"}' },
  { path: '/orders/bb1-x/amend', body: '{"symbol":"BTCUSDT","qty":1}' },
  { path: '/simulator/faults', body: '{"errorRate":0}' },
];

describe('control plane: authentication and request checks', () => {
  it('every state-changing endpoint answers 401 without the token, and nothing changes', async () => {
    for (const call of MUTATING) {
      const r = await post({ ...call, headers: json });
      expect(r.status, call.path).toBe(401);
      expect(r.body?.error?.code).toBe('UNAUTHORIZED');
      expect((await post({ ...call, headers: { ...json, authorization: 'Bearer wrong-token-of-some-length-000' } })).status, call.path).toBe(401);
    }
    // An endpoint added later without declaring its access is a control endpoint too.
    expect((await post({ path: '/control/something-new', body: '{}', headers: json })).status).toBe(401);
    expect(h.app.runtime.gate.current()).toBe('ACTIVE');
    expect(h.app.runtime.snapshot().context.disabled).toEqual({});
  });

  it('a disable with the token but Host: evil.example is refused (DNS rebinding)', async () => {
    const r = await post({ path: '/actors/BTCUSDT:range-v1/disable', body: '{}', headers: { ...json, ...auth(), host: 'evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body?.error?.code).toBe('FORBIDDEN_HOST');
    expect(h.app.runtime.snapshot().context.disabled).toEqual({});
  });

  it('a resume with no body and Origin: http://evil.example is refused (CSRF), even with the token', async () => {
    expect((await post({ path: '/control/resume', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const r = await post({ path: '/control/resume', headers: { ...auth(), origin: 'http://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body?.error?.code).toBe('FORBIDDEN_ORIGIN');
    // The server's own origin is fine (a page served by the bot itself).
    const own = await post({ path: '/control/resume', body: '{}', headers: { ...json, ...auth(), origin: h.app.url } });
    expect(own.status).toBe(409); // not halted: the request reached the handler
  });

  it('only application/json bodies (charset utf-8 allowed) reach a control handler', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonp']) {
      const r = await post({ path: '/actors/BTCUSDT:range-v1/disable', body: '{}', headers: { ...auth(), 'content-type': type } });
      expect(r.status, type).toBe(415);
    }
    expect((await post({ path: '/control/resume', headers: auth() })).status).toBe(415);
    const ok = await post({ path: '/actors/BTCUSDT:range-v1/disable', body: '{"reason":"charset test"}', headers: { ...auth(), 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(202);
    expect((await post({ path: '/actors/BTCUSDT:range-v1/enable', body: '{}', headers: { ...json, ...auth() } })).status).toBe(202);
  });

  it('the token is generated at first start into <dataDir>/control.token (mode 0600); only its path is logged', () => {
    const path = join(h.app.dataDir, 'control.token');
    expect(h.app.controlTokenPath).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(h.controlToken);
    expect(h.controlToken.length).toBeGreaterThanOrEqual(32);
    const line = h.logs.find((l) => l.event === 'control_token');
    expect(line?.path).toBe(path);
    expect(h.rawLog.join('\n')).not.toContain(h.controlToken);
  });

  it('reads (/actors, /status, /metrics) stay open on loopback without a read token; /health and /ready are probes', async () => {
    for (const path of ['/actors', '/status', '/metrics', '/health', '/ready']) expect((await h.get(path)).status, path).not.toBe(401);
    const rebound = await send('GET', `${h.app.url}/actors`, { host: 'attacker.example:8080' });
    expect(rebound.status).toBe(403);
  });

  it('the /viz live feed refuses a foreign page (cross-site WebSocket hijacking) and serves the bot\'s own', async () => {
    const open = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${h.app.url.replace('http', 'ws')}/viz/ws`, { origin });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    expect(await open('http://evil.example')).toBe(403);
    expect(await open(h.app.url)).toBe(101);
  });

  it('tokens are compared in constant time on digests: a length mismatch is a plain "no"', () => {
    expect(sameSecret('short', 'a-much-longer-expected-token-0123')).toBe(false);
    expect(sameSecret('a-much-longer-expected-token-0123', 'a-much-longer-expected-token-0123')).toBe(true);
    expect(sameSecret('', '')).toBe(false);
  });

  it('a request that declares a 100-byte body and sends 10 is answered or closed within http.requestTimeoutMs', async () => {
    expect(h.app.config.http.requestTimeoutMs).toBe(5_000);
    const { port } = new URL(h.app.url);
    const started = Date.now();
    const outcome = await new Promise<{ answer: string; ms: number }>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /control/halt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${h.controlToken}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"reason":`,
        );
      });
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('close', () => resolve({ answer, ms: Date.now() - started }));
      socket.on('error', () => undefined);
      setTimeout(() => {
        socket.destroy();
        resolve({ answer: 'still open after 15 s', ms: Date.now() - started });
      }, 15_000).unref();
    });
    expect(outcome.ms).toBeLessThanOrEqual(5_000 + 1_500);
    expect(outcome.answer === '' || outcome.answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(h.app.runtime.gate.current()).toBe('ACTIVE');
  }, 30_000);
});

describe('control plane: a read token closes the account data', () => {
  const READ = 'read-token-for-tests-0123456789';
  const CONTROL = 'control-token-for-tests-0123456789';
  let r: AppHarness;
  beforeAll(async () => {
    r = await startTestApp({ http: { readToken: READ, controlToken: CONTROL } });
  });
  afterAll(async () => {
    await r?.app.stop();
  });

  it('account data needs the read (or control) token; probes and the /viz page do not', async () => {
    for (const path of ['/actors', '/actors/BTCUSDT:range-v1', '/status', '/metrics', '/simulator/faults']) {
      expect((await fetch(`${r.app.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${r.app.url}${path}`, { headers: { authorization: `Bearer ${READ}` } })).status, path).toBe(200);
      expect((await fetch(`${r.app.url}${path}`, { headers: { authorization: `Bearer ${CONTROL}` } })).status, path).toBe(200);
    }
    for (const path of ['/health', '/ready', '/viz', '/machines']) expect((await fetch(`${r.app.url}${path}`)).status, path).not.toBe(401);
    // The read token controls nothing.
    const halt = await fetch(`${r.app.url}/control/halt`, { method: 'POST', headers: { ...json, authorization: `Bearer ${READ}` }, body: '{"reason":"x"}' });
    expect(halt.status).toBe(401);
    expect(r.app.controlTokenPath).toBeNull();
  });
});
