import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';
import { startTsx, waitForOutput, type ChildRun } from '../support/childProcess.ts';

/**
 * Shutdown and signals of `npm start` as a process (finding 3 of the hardening issue):
 * with every exchange request hanging, SIGTERM still ends the process within
 * shutdown.deadlineMs, with a line saying what was cut short and a non-zero exit; SIGHUP
 * does not kill it (it reloads the configuration: test/cli/sighup.test.ts covers the changes).
 */
const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const env = (): NodeJS.ProcessEnv => ({
  ...cleanEnv(),
  BYBOT_LOG_PRETTY: 'never',
});

const start = (args: string[], extraEnv: Record<string, string> = {}): ChildRun => startTsx(args, { cwd: root, env: { ...env(), ...extraEnv } }, children);

describe('npm start: shutdown and signals', () => {
  it('every exchange request hanging: SIGTERM exits within shutdown.deadlineMs with a clear line and a non-zero code', async () => {
    const sim = start([join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '300']);
    await waitForOutput(sim, (o) => o.includes('"wsUrl"'), 20_000);
    const info = JSON.parse(sim.out.split('\n').find((l) => l.startsWith('{"url"'))!) as { url: string; wsUrl: string; apiKey: string; apiSecret: string };
    const dir = mkdtempSync(join(tmpdir(), 'bybot-shutdown-'));
    const config = join(dir, 'bot.yaml');
    writeFileSync(
      config,
      [
        'exchange:',
        '  venue: local',
        `  restUrls: ["${info.url}"]`,
        `  wsUrl: "${info.wsUrl}"`,
        `  apiKey: ${info.apiKey}`,
        `  apiSecret: ${info.apiSecret}`,
        `journal: { dataDir: "${dir}" }`,
        'http: { port: 0 }',
        'log: { pretty: never }',
      ].join('\n'),
    );
    const bot = start([join(root, 'src/main.ts'), '--config', config]);
    await waitForOutput(bot, (o) => o.includes('"event":"reconciled"'), 30_000);

    const hung = await fetch(`${info.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hang: true }) });
    expect(hung.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500)); // requests pile up on the hung server
    const sent = Date.now();
    bot.child.kill('SIGTERM');
    const timer = setTimeout(() => bot.child.kill('SIGKILL'), 25_000);
    const exit = await bot.exited;
    clearTimeout(timer);
    const elapsedMs = exit.at - sent;
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ sigtermToExitMs: elapsedMs, exitCode: exit.code }));
    expect(exit.signal).toBeNull(); // not killed: it exited by itself
    expect(elapsedMs).toBeLessThanOrEqual(10_000 + 1_500);
    expect(exit.code).toBe(1);
    const last = bot.out.trim().split('\n').map((l) => JSON.parse(l) as { event?: string; msg?: string }).filter((l) => l.event === 'shutdown_aborted' || l.event === 'shutdown_incomplete');
    expect(last.length).toBeGreaterThan(0);
    expect(last.at(-1)!.msg).toMatch(/exit code 1/);
    sim.child.kill('SIGTERM');
  }, 90_000);

  it('SIGHUP does not end the bot: an unchanged configuration is reloaded as unchanged, and the bot keeps running and answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-hup-'));
    const bot = start([join(root, 'src/main.ts'), '--port', '0', '--exchange', 'inproc'], { BYBOT_JOURNAL_DATA_DIR: dir });
    await waitForOutput(bot, (o) => o.includes('"event":"startup"'), 30_000);
    const url = /"health":"(http:\/\/127\.0\.0\.1:\d+)\/health"/.exec(bot.out)![1]!;
    bot.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(bot.child.exitCode).toBeNull();
    expect(bot.child.signalCode).toBeNull();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await waitForOutput(bot, (o) => o.includes('"event":"config_reload"'), 10_000);
    expect(bot.out).toMatch(/"event":"config_reload","trigger":"SIGHUP","result":"unchanged"/);
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
  }, 60_000);
});
