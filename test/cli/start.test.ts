import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STRATEGY_STATES } from '../../machines/strategy.types.ts';
import { cleanEnv } from '../support/childEnv.ts';
import { removeStartBundle, startCommand } from '../support/startCommand.ts';

/**
 * `npm start -- --duration N --port 0` as a user runs it: a real process with the
 * accelerated clock and the built-in simulator. While it runs, the endpoints answer; then
 * it stops by itself with exit code 0. Started the way the npm script starts it: the
 * bundle (`npm run build`, dist/main.mjs) under plain node. The visualiser's and the
 * dashboard's pages are files next to the code: the bundle must find them too.
 */
const root = resolve(import.meta.dirname, '../..');
afterAll(removeStartBundle);

describe('npm start (dry-run, built-in simulator)', () => {
  it('serves the endpoints, trades, and exits 0 after --duration', async () => {
    const child = spawn(process.execPath, [...startCommand(), '--duration', '12s', '--port', '0'], {
      cwd: root,
      env: { ...cleanEnv(), BYBOT_LOG_PRETTY: 'never', BYBOT_JOURNAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'bybot-start-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

    const url = await new Promise<string>((done, fail) => {
      const timer = setInterval(() => {
        const m = /"ready":"(http:\/\/127\.0\.0\.1:\d+)\/ready"/.exec(out);
        if (m) {
          clearInterval(timer);
          done(m[1]!);
        }
      }, 50);
      setTimeout(() => {
        clearInterval(timer);
        fail(new Error(`no start-up line in: ${out.slice(0, 2000)}`));
      }, 20_000);
    });
    expect(out).toContain('DRY-RUN');
    expect(out).toContain('built-in simulator');

    await new Promise((r) => setTimeout(r, 4_000));
    const ready = await fetch(`${url}/ready`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const actors = ((await (await fetch(`${url}/actors`)).json()) as { actors: { id: string; state: string }[] }).actors;
    expect(actors).toHaveLength(9);
    for (const a of actors) expect(STRATEGY_STATES).toContain(a.state);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('# TYPE bybot_actor_state gauge');
    for (const page of ['/viz', '/dashboard']) {
      const answer = await fetch(`${url}${page}`);
      expect(answer.status, page).toBe(200);
      expect(await answer.text(), page).toContain('<!doctype html>');
    }

    expect(await exited).toBe(0);
    const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event?: string; [k: string]: unknown });
    expect(lines.filter((l) => l.event === 'order').length).toBeGreaterThan(0);
    expect(lines.at(-1)?.event).toBe('stopped');
    // Every run ends with its summary: trades, fees and PnL per preset and for the account.
    const summary = lines.find((l) => l.event === 'run_summary') as { account: Record<string, number>; byPreset: Record<string, Record<string, number>>; msg: string } | undefined;
    expect(summary).toBeDefined();
    expect(Object.keys(summary!.account).sort()).toEqual(['fees', 'funding', 'grossPnl', 'netPnl', 'netWithFunding', 'trades', 'wins']);
    const presets = Object.values(summary!.byPreset);
    expect(presets.reduce((n, p) => n + p.trades!, 0)).toBe(summary!.account.trades);
    expect(summary!.msg).toMatch(/^run summary since \d{4}-\d{2}-\d{2}T.*Z: \d+ closed trade\(s\)/);
  }, 60_000);

  it('SIGTERM stops gracefully: drains orders, closes the server, exit 0', async () => {
    const child = spawn(process.execPath, [...startCommand(), '--port', '0'], {
      cwd: root,
      env: { ...cleanEnv(), BYBOT_LOG_PRETTY: 'never', BYBOT_JOURNAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'bybot-start-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const url = await new Promise<string>((done) => {
      const timer = setInterval(() => {
        const m = /"ready":"(http:\/\/127\.0\.0\.1:\d+)\/ready"/.exec(out);
        if (m) {
          clearInterval(timer);
          done(m[1]!);
        }
      }, 50);
    });
    // Signal once every actor has finished its first iteration (the warm-up fetch and its
    // indicators): tsx force-kills a child that does not acknowledge a relayed signal within
    // 30 ms, which a loaded machine can exceed during that first, longest step.
    for (let i = 0; i < 200; i++) {
      const actors = ((await (await fetch(`${url}/actors`)).json()) as { actors: { counters: { iterations: number }; state: string }[] }).actors;
      if (actors.every((a) => a.counters.iterations >= 1 && (a.state === 'cooldown' || a.state === 'idle'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"why":"SIGTERM"');
    expect(out).toContain('"event":"shutdown_drain"');
    expect(out).toContain('"event":"stopped"');
  }, 60_000);
});
