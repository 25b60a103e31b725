import { chmodSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditAccount, fetchSimAccount } from '../../src/soak/audit.ts';
import { cleanEnv, runTs, simServerInfo, type ChildRun, waitForOutput } from '../../src/soak/processes.ts';

/**
 * Key rotation while trading, as an operator does it: the bot runs LIVE (venue local: the
 * simulator server as its own process) with `secrets.provider: file`; the new key is written
 * into the secrets directory and `systemctl reload` (SIGHUP) swaps it in without a restart;
 * the old key is then revoked at the exchange. A bad key written later is refused by its
 * check and the bot keeps trading with the good one. The simulator's submission log (by key
 * label) shows every order create: none failed, none was signed with the old key after the
 * swap, and no key or secret appears in the bot's output.
 */
const root = resolve(import.meta.dirname, '../..');
const children: ChildRun[] = [];
afterAll(() => {
  for (const run of children) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

const OLD = { apiKey: 'bybotrotoldkey01', apiSecret: 'bybot-rot-old-secret-0123456789', label: 'old' };
const NEW = { apiKey: 'bybotrotnewkey02', apiSecret: 'bybot-rot-new-secret-0123456789', label: 'new' };
const BAD = { apiKey: 'bybotrotbadkey03', apiSecret: 'bybot-rot-bad-secret-0123456789' };

/* eslint-disable no-console */
const count = (run: ChildRun, needle: string): number => run.out.split(needle).length - 1;
const ordersOf = (run: ChildRun): number => count(run, '"event":"order_submitted"');

function writeKey(dir: string, key: { apiKey: string; apiSecret: string }): void {
  // Each file replaced atomically (as an operator's `install -m 600` or a config manager does).
  for (const [name, value] of [['bybit-api-key', key.apiKey], ['bybit-api-secret', key.apiSecret]] as const) {
    const temp = join(dir, `.${name}.tmp`);
    writeFileSync(temp, `${value}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, join(dir, name));
  }
}

describe('API key rotation while trading (file provider, SIGHUP)', () => {
  it('swaps the key without a restart and without a failed order; a bad key is refused and trading goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-rotation-'));
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    writeKey(secrets, OLD);

    const sim = runTs(join(root, 'src/exchangeSim/cli.ts'), ['--port', '0', '--speed', '600', '--seed', '12', '--start', '2026-01-05T00:00:00Z', '--balance', '100000'], { cwd: root, env: cleanEnv() });
    children.push(sim);
    expect(await waitForOutput(sim, (o) => simServerInfo(o) !== undefined, 20_000)).toBe(true);
    const info = simServerInfo(sim.out)!;
    // In the simulator's clock (the bot's clock in venue local): within
    // alerts.thresholds.apiKeyExpiryDays (7), outside apiKeyExpiryCriticalDays (1): P2.
    const simNow = ((await (await fetch(`${info.url}/__sim/clock`)).json()) as { now: number }).now;
    const expiresAt = new Date(simNow + 5 * 86_400_000).toISOString();
    const keys = await fetch(`${info.url}/__sim/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ add: [OLD, { ...NEW, expiredAt: expiresAt }] }) });
    expect(keys.status).toBe(200);

    const config = join(dir, 'live.yaml');
    writeFileSync(
      config,
      [
        'mode: live',
        'exchange:',
        '  venue: local',
        `  restUrls: ["${info.url}"]`,
        `  wsUrl: "${info.wsUrl}"`,
        `secrets: { provider: file, file: { dir: "${secrets}" } }`,
        `journal: { dataDir: "${dir}", syncIntervalMs: 60000 }`,
        'http: { port: 0 }',
        'log: { level: info, pretty: never }',
        'actor: { cooldownMs: 10000 }',
        'risk: { dailyLossLimitPct: 90, maxOpenPositions: 9, minScore: 0.1 }',
        'shutdown: { deadlineMs: 4000 }',
      ].join('\n'),
    );
    const bot = runTs(join(root, 'src/main.ts'), ['--config', config], { cwd: root, env: cleanEnv() });
    children.push(bot);
    const dump = (): string => {
      writeFileSync(join(dir, 'bot.log'), bot.out);
      writeFileSync(join(dir, 'sim.log'), sim.out);
      return `full logs in ${dir}`;
    };
    const moreOrders = async (n: number): Promise<void> => {
      const seen = ordersOf(bot);
      const problems = (): string => (writeFileSync(join(dir, 'bot.log'), bot.out), writeFileSync(join(dir, 'sim.log'), sim.out), bot.out).split('\n').filter((l) => /"level":"(warn|error|fatal)"/.test(l)).slice(-15).join('\n');
      expect(await waitForOutput(bot, () => ordersOf(bot) >= seen + n, 60_000), `no orders (exit ${bot.child.exitCode}; full logs in ${dir}):\n${problems()}\n${bot.out.slice(-1500)}`).toBe(true);
    };
    expect(await waitForOutput(bot, (o) => o.includes('"event":"trading"'), 60_000), bot.out.slice(-3000)).toBe(true);
    expect(bot.out).toContain('"provider":"file"');
    await moreOrders(2);

    // Rotation: the new key into the files, then systemctl reload.
    writeKey(secrets, NEW);
    bot.child.kill('SIGHUP');
    expect(await waitForOutput(bot, (o) => o.includes('"result":"rotated"'), 30_000), bot.out.slice(-3000)).toBe(true);
    // The alert engine: the rotation (P3), then the new key's expiry read at once (P2, sampled rule).
    expect(await waitForOutput(bot, (o) => o.includes('"alertKey":"secrets:key_rotated"'), 5_000)).toBe(true);
    expect(await waitForOutput(bot, (o) => /"priority":"P2","alertKey":"exchange:api_key_expiry"/.test(o), 20_000), dump()).toBe(true);
    const rotatedAt = (await (await fetch(`${info.url}/__sim/submissions`)).json()) as { submissions: { label: string }[] };
    const beforeRevoke = rotatedAt.submissions.length;
    // The old key is revoked at the exchange: nothing may still use it.
    await fetch(`${info.url}/__sim/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ revoke: [OLD.apiKey] }) });
    await moreOrders(2);

    // So far no request of the bot was refused for its key or signature, REST or websocket.
    const simState = async (): Promise<{ authRejected: { rest: number; ws: number } }> => (await (await fetch(`${info.url}/__sim/state`)).json()) as { authRejected: { rest: number; ws: number } };
    expect((await simState()).authRejected).toEqual({ rest: 0, ws: 0 });

    // A bad key (unknown to the exchange) fails its check: the good key stays.
    writeKey(secrets, BAD);
    bot.child.kill('SIGHUP');
    expect(await waitForOutput(bot, (o) => /"priority":"P2","alertKey":"secrets:key_rotation_failed"/.test(o), 30_000), bot.out.slice(-3000)).toBe(true);
    await moreOrders(1);

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    // The only refusal: the bad key's own check (signed query-api); the websocket never saw it.
    const simAfter = await simState();
    const refusals = simAfter.authRejected;
    expect(refusals.ws).toBe(0);
    const failedRotation = bot.out.split('\n').find((l) => l.includes('"result":"failed"')) ?? '(no failed rotation line)';
    expect(refusals.rest, `${failedRotation}\nsimulator: ${JSON.stringify(simAfter)}`).toBeGreaterThanOrEqual(1);
    expect(refusals.rest).toBeLessThanOrEqual(2);
    const { submissions } = (await (await fetch(`${info.url}/__sim/submissions`)).json()) as { submissions: { label: string; retCode: number; retMsg: string; orderLinkId: string }[] };
    const audit = auditAccount(await fetchSimAccount(info.url), join(dir, 'bybot.db'));
    sim.child.kill('SIGTERM');

    const labels = submissions.map((s) => s.label);
    const firstNew = labels.indexOf('new');
    const rejected = submissions.filter((s) => s.retCode !== 0);
    console.log(JSON.stringify({ rotation: { submissions: submissions.length, old: labels.filter((l) => l === 'old').length, new: labels.filter((l) => l === 'new').length, refusedForKey: 0, marketRejections: rejected.map((s) => `${s.label} ${s.retCode} ${s.retMsg}`) } }));
    expect(labels.filter((l) => l === 'old').length).toBeGreaterThanOrEqual(2);
    expect(firstNew).toBeGreaterThan(0);
    expect(firstNew).toBeLessThanOrEqual(beforeRevoke);
    // Make before break: once the new key signs, the old one never does again.
    expect(labels.slice(firstNew).every((l) => l === 'new')).toBe(true);
    // No order failed for its key: every order create passed authentication (the log records
    // only those; the refusal counters above cover the rest). An order the simulated market
    // rejects (at 600x speed the price can cross a stop between the signal and the order's
    // arrival) is a business answer, the same with any key: it may happen, and is printed.
    for (const s of rejected) expect([10003, 10004, 10005, 10002, 33004]).not.toContain(s.retCode);
    const failedLines = bot.out.split('\n').filter((l) => l.includes('"event":"order_failed"'));
    expect(failedLines.length).toBeLessThanOrEqual(rejected.length);
    for (const line of failedLines) expect(line).not.toMatch(/AUTH|10003|10004|10005|invalid key|sign/i);
    // While trading (the stop itself may mark a queued intent NotSent, as any SIGTERM does).
    const whileTrading = bot.out.slice(0, bot.out.indexOf('"event":"shutdown"'));
    expect(whileTrading.split('"event":"order_not_sent"').length - 1).toBe(0);
    expect(audit.duplicates).toEqual([]);
    expect(audit.unprotectedPositions).toEqual([]);
    expect(audit.mismatches).toEqual([]);
    // The private websocket followed the new key (re-authenticated before the old one closed).
    expect(bot.out).toContain('private websocket re-authenticated');
    for (const value of [OLD.apiKey, OLD.apiSecret, NEW.apiKey, NEW.apiSecret, BAD.apiKey, BAD.apiSecret]) expect(bot.out).not.toContain(value);
  }, 240_000);
});
