import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * GitHub issue 11, acceptance: edit a preset's parameter in the configuration file and send
 * SIGHUP to a running `npm start` (the same command line: node --import tsx src/main.ts).
 * That preset's actors get the new parameter; the process (same pid, still serving) and
 * the other actors (same start time, counters still growing) are not restarted. A change
 * that needs a restart is refused, naming the key.
 */
const root = resolve(import.meta.dirname, '../..');

type Actor = { id: string; params: Record<string, unknown>; counters: { iterations: number }; correlationId: string };
const startOf = (a: Actor) => a.correlationId.split('#')[1]!.split('.')[0]!;

describe('SIGHUP reloads the configuration of a running npm start', () => {
  it('changes one preset live, keeps the process and the other actors, refuses a restart-only key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-sighup-'));
    const file = join(dir, 'bybot.yaml');
    const yaml = (adxMax: number, exchange = '{ transport: inproc }') => `
strategies:
  - { id: range-v1, type: range, symbols: [BTCUSDT, ETHUSDT], params: { adxMax: ${adxMax} } }
  - { id: mtf-v1, type: multiTimeframe, symbols: [BTCUSDT, ETHUSDT] }
journal: { dataDir: ${JSON.stringify(join(dir, 'data'))} }
exchange: ${exchange}
`;
    writeFileSync(file, yaml(32));
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', file, '--port', '0'], {
      cwd: root,
      env: { ...cleanEnv(), BYBOT_LOG_PRETTY: 'never' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const waitFor = async <T>(check: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> => {
      const end = Date.now() + ms;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > end) throw new Error(`timed out; output: ${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      const url = await waitFor(() => /"ready":"(http:\/\/127\.0\.0\.1:\d+)\/ready"/.exec(out)?.[1]);
      const actors = async () => ((await (await fetch(`${url}/actors`)).json()) as { actors: Actor[] }).actors;
      // /actors lists every actor; /actors/:id adds its params.
      const byId = async () => new Map(await Promise.all((await actors()).map(async (a) => [a.id, (await (await fetch(`${url}/actors/${a.id}`)).json()) as Actor] as const)));
      // Let every actor run a few cycles first.
      await waitFor(async () => ((await actors()).every((a) => a.counters.iterations >= 2) ? true : undefined));
      const before = await byId();
      expect(before.get('BTCUSDT:range-v1')!.params.adxMax).toBe(32);
      const pid = child.pid;

      writeFileSync(file, yaml(27));
      child.kill('SIGHUP');
      await waitFor(() => (out.includes('"event":"config_reload"') ? true : undefined));
      expect(out).toMatch(/"event":"config_reload","trigger":"SIGHUP","result":"applied"/);
      const after = await waitFor(async () => {
        const now = await byId();
        return ['BTCUSDT:range-v1', 'ETHUSDT:range-v1'].every((id) => now.get(id)!.params.adxMax === 27) ? now : undefined;
      });
      for (const id of ['BTCUSDT:range-v1', 'ETHUSDT:range-v1']) expect(startOf(after.get(id)!)).not.toBe(startOf(before.get(id)!));
      // The process and the other preset's actors were not restarted.
      expect(child.pid).toBe(pid);
      expect(child.exitCode).toBeNull();
      await new Promise((r) => setTimeout(r, 1_500));
      const later = await byId();
      for (const id of ['BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1']) {
        expect(startOf(later.get(id)!)).toBe(startOf(before.get(id)!));
        expect(later.get(id)!.counters.iterations).toBeGreaterThan(before.get(id)!.counters.iterations);
      }
      console.log(JSON.stringify({ sighup: { pid, mtfIterations: ['BTCUSDT:mtf-v1', 'ETHUSDT:mtf-v1'].map((id) => [before.get(id)!.counters.iterations, later.get(id)!.counters.iterations]) } }));

      // A restart-only change: refused by name, nothing applied.
      writeFileSync(file, yaml(25, '{ transport: inproc, requestTimeoutMs: 4000 }'));
      const mark = out.length;
      child.kill('SIGHUP');
      await waitFor(() => (out.slice(mark).includes('"event":"config_reload"') ? true : undefined));
      const refused = JSON.parse(out.slice(mark).split('\n').find((l) => l.includes('"event":"config_reload"'))!) as { result: string; restartRequired: string[]; msg: string };
      expect(refused.result).toBe('refused');
      expect(refused.restartRequired).toEqual(['exchange.requestTimeoutMs']);
      expect(refused.msg).toContain('exchange.requestTimeoutMs can only change with a restart');
      expect((await byId()).get('BTCUSDT:range-v1')!.params.adxMax).toBe(27);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
