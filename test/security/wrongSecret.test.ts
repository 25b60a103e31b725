import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/childEnv.ts';

/**
 * Finding 2: with a wrong API secret the exchange answers 10004 "error sign!
 * origin_string[<timestamp><API key><recv window><payload>]". The bot runs LIVE against
 * the simulator server (its own process, custom credentials) with the right key and a
 * wrong secret; afterwards neither the key nor either secret may appear anywhere the bot
 * writes or serves: stdout, stderr, every file in its data directory (journal, WAL, logs,
 * token), every journal table, and every HTTP endpoint including /metrics.
 */
const root = resolve(import.meta.dirname, '../..');
const API_KEY = 'KeYq7Rm2Zx9Wv4Ts1N';
const REAL_SECRET = 'RealSecretPp3Lk8Jh2Gf6Ds0Aq4Zw7Xe1Cv9Bn5';
const WRONG_SECRET = 'WrongSecretMm5Nn2Bb8Vv4Cc1Xx7Zz3Ll9Kk0Jj6';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const envWith = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...cleanEnv(),
  ...extra,
});

function run(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const r = { child, stdout: '', stderr: '', exited: new Promise<number | null>((done) => child.on('close', (code) => done(code))) };
  child.stdout!.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (r.stderr += d.toString()));
  return r;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a wrong API secret leaves no key and no secret in any output', () => {
  it('stdout, stderr, data files, every journal table and every HTTP endpoint: 0 occurrences', async () => {
    const sim = run([join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '300', '--api-key', API_KEY, '--api-secret', REAL_SECRET], envWith({}));
    await until(() => sim.stdout.includes('"wsUrl"'), 20_000);
    const info = JSON.parse(sim.stdout.split('\n').find((l) => l.startsWith('{"url"'))!) as { url: string; wsUrl: string };
    const dir = mkdtempSync(join(tmpdir(), 'bybot-wrongsecret-'));
    const config = join(dir, 'live.yaml');
    writeFileSync(config, ['mode: live', 'exchange:', '  venue: local', `  restUrls: ["${info.url}"]`, `  wsUrl: "${info.wsUrl}"`, `journal: { dataDir: "${dir}/data" }`, 'http: { port: 0 }', 'log: { pretty: never }'].join('\n'));

    const bot = run([join(root, 'src/main.ts'), '--config', config, '--duration', '10s'], envWith({ BYBIT_API_KEY: API_KEY, BYBIT_API_SECRET: WRONG_SECRET }));
    await until(() => /"ready":"http:\/\/127\.0\.0\.1:\d+\/ready"/.test(bot.stdout), 30_000);
    const url = /"ready":"(http:\/\/127\.0\.0\.1:\d+)\/ready"/.exec(bot.stdout)![1]!;
    // Let the private calls fail (10004) and the halt settle, then read every endpoint.
    await until(() => bot.stdout.includes('AUTH_REJECTED'), 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const bodies: Record<string, string> = {};
    for (const path of ['/health', '/ready', '/status', '/actors', '/actors/BTCUSDT:range-v1', '/metrics', '/machines', '/viz', '/simulator/faults']) {
      bodies[path] = await (await fetch(`${url}${path}`)).text();
    }
    expect(await bot.exited).not.toBeNull();
    sim.child.kill('SIGTERM');

    const db = new Database(join(dir, 'data', 'bybot.db'), { readonly: true });
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    const tableText = Object.fromEntries(tables.map((t) => [t, JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())]));
    db.close();
    const files = filesUnder(join(dir, 'data'));

    const sources: Record<string, string> = {
      stdout: bot.stdout,
      stderr: bot.stderr,
      ...Object.fromEntries(Object.entries(bodies).map(([k, v]) => [`GET ${k}`, v])),
      ...Object.fromEntries(Object.entries(tableText).map(([k, v]) => [`table ${k}`, v])),
      ...Object.fromEntries(files.map((f) => [`file ${f.slice(dir.length)}`, readFileSync(f).toString('latin1')])),
    };
    const found: Record<string, number> = {};
    for (const [where, text] of Object.entries(sources)) {
      for (const [name, secret] of [['key', API_KEY], ['wrong secret', WRONG_SECRET], ['real secret', REAL_SECRET]] as const) {
        const n = count(text, secret);
        if (n > 0) found[`${name} in ${where}`] = n;
      }
    }
    const total = Object.values(found).reduce((a, b) => a + b, 0);
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ wrongSecret: { occurrences: total, scanned: Object.keys(sources).length, tables: tables.length, found } }));
    // The run did meet the signature error (otherwise the test proves nothing).
    expect(bot.stdout).toContain('10004');
    expect(tables).toContain('alerts');
    expect(found).toEqual({});
  }, 120_000);
});
