import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { sdkLogger } from '../../src/exchange/bybit/sdkClients.ts';
import { duplicateKeys } from '../support/jsonKeys.ts';
import { startTestApp, type AppHarness } from '../support/appHarness.ts';

/** Finding 8: one key once per line, info for good news, durations on decision lines, readable SDK lines, one log format. */
const root = resolve(import.meta.dirname, '../..');
let h: AppHarness;
beforeAll(async () => {
  h = await startTestApp({ risk: { minScore: 0.1 }, simulator: { faults: { errorRate: 0.2 } } });
  await h.run(3 * 60 * 60_000, 5_000);
  expect((await h.post('/control/halt', { reason: 'log test' })).status).toBe(202);
  await h.run(30_000);
  expect((await h.post('/control/resume', {})).status).toBe(202);
  await h.run(30_000);
});
afterAll(async () => {
  await h?.app.stop();
});

describe('log lines', () => {
  it('no line carries a key twice (iteration_failed used to repeat correlationId)', () => {
    expect(h.logs.some((l) => l.event === 'iteration_failed')).toBe(true);
    const offenders = h.rawLog.map((line) => ({ line, dup: duplicateKeys(line) })).filter((x) => x.dup.length > 0);
    expect(offenders.slice(0, 3)).toEqual([]);
    for (const l of h.logs.filter((x) => x.actor !== undefined && x.event !== undefined)) expect(typeof l.correlationId, String(l.event)).toBe('string');
  });

  it('signal, risk and order lines carry durationMs', () => {
    for (const event of ['signal', 'risk_decision', 'order']) {
      const lines = h.logs.filter((l) => l.event === event);
      expect(lines.length, event).toBeGreaterThan(0);
      for (const l of lines) {
        expect(typeof l.durationMs, event).toBe('number');
        expect(l.durationMs as number).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('an operator resume is logged at info, not error', () => {
    const resumed = h.logs.filter((l) => l.event === 'escalation' && l.kind === 'resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.level).toBe('info');
  });

  it('SDK warnings render their objects and errors as text, never [object Object], and sanitized', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', pretty: 'never', destination: { write: (l: string) => void lines.push(l) } });
    const sdk = sdkLogger(logger);
    sdk.error('Websocket error', { wsKey: 'v5Private', error: new Error('connect ECONNREFUSED 127.0.0.1:1'), request: { headers: { 'X-BAPI-API-KEY': 'k' } } });
    sdk.error(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(lines.join('')).not.toContain('[object Object]');
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string });
    expect(parsed[0]!.msg).toContain('connect ECONNREFUSED 127.0.0.1:1');
    expect(parsed[1]!.msg).toContain('socket hang up');
    expect(h.rawLog.join('\n')).not.toContain('[object Object]');
  });
});

describe('the simulator server logs like the bot', () => {
  it('ISO-8601 times and level names on stderr', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/exchangeSim/cli.ts'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const started = Date.now();
    while (!err.includes('listening') && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    await new Promise((r) => child.on('close', r));
    const lines = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: unknown; time: unknown; service: unknown });
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.level).toMatch(/^(trace|debug|info|warn|error|fatal)$/);
      expect(l.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(l.service).toBe('exchange-sim');
    }
  }, 30_000);
});
