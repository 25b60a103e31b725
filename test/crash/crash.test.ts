import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { auditAccount, fetchSimAccount } from '../../src/soak/audit.ts';
import { cleanEnv, runTs, simServerInfo, sleep, waitForOutput, type ChildRun } from '../../src/soak/processes.ts';

/**
 * Crash-only recovery, tested the hard way: the Bybit simulator server runs as its own
 * process (so it outlives every kill); the bot runs against it through the real bybit-api
 * client and is killed with SIGKILL at seeded random points of the order flow (just after
 * it logs an order submission, or at a random moment), then restarted. After the last
 * restart has reconciled: no orderLinkId exists twice on the exchange, the journal agrees
 * with the exchange about every entry order, and every open position has a stop-loss.
 */
const root = resolve(import.meta.dirname, '../..');
const KILLS = 20;
const random = mulberry32(20261125);
const children: ChildRun[] = [];

afterAll(() => {
  for (const run of children) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

function run(args: string[], env: NodeJS.ProcessEnv): ChildRun {
  const [script, ...rest] = args;
  const child = runTs(script!, rest, { cwd: root, env });
  children.push(child);
  return child;
}

const waitFor = waitForOutput;

describe('crash test: SIGKILL in the order flow, restart, reconcile', () => {
  it(`survives ${KILLS} kills with no duplicate order, no journal mismatch and no unprotected position`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-crash-'));
    const server = run(
      [join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '900', '--seed', '7', '--start', '2026-01-05T00:00:00Z', '--balance', '100000'],
      cleanEnv(),
    );
    expect(await waitFor(server, (o) => simServerInfo(o) !== undefined, 20_000)).toBe(true);
    const info = simServerInfo(server.out)!;

    const configPath = join(dir, 'crash.yaml');
    writeFileSync(
      configPath,
      [
        'mode: dry-run',
        'exchange:',
        '  venue: local',
        `  restUrls: ["${info.url}"]`,
        `  wsUrl: "${info.wsUrl}"`,
        `  apiKey: ${info.apiKey}`,
        `  apiSecret: ${info.apiSecret}`,
        'journal:',
        `  dataDir: "${dir}"`,
        '  syncIntervalMs: 60000',
        'http: { port: 0 }',
        'log: { level: info, pretty: never }',
        'actor: { cooldownMs: 10000 }',
        'risk: { dailyLossLimitPct: 90, maxOpenPositions: 9, minScore: 0.1 }',
        'shutdown: { deadlineMs: 3000 }',
      ].join('\n'),
    );

    const t0 = Date.now();
    let kills = 0;
    let killedAfterSubmit = 0;
    let submissions = 0;
    while (kills < KILLS) {
      const bot = run([join(root, 'src/main.ts'), '--config', configPath], cleanEnv());
      const started = await waitFor(bot, (o) => o.includes('"event":"reconciled"'), 30_000);
      if (!started) await bot.exited;
      expect(started, `bot did not reconcile (exit ${bot.child.exitCode}):\n${bot.out.slice(-3000)}`).toBe(true);
      // Kill right after an order submission (inside the create / confirm / protect window),
      // or at a random moment if none comes soon.
      const seen = bot.out.split('"event":"order_submitted"').length - 1;
      const submitted = await waitFor(bot, (o) => o.split('"event":"order_submitted"').length - 1 > seen, 2_000 + random() * 4_000);
      if (submitted) {
        killedAfterSubmit++;
        await sleep(random() * 60);
      }
      bot.child.kill('SIGKILL');
      await bot.exited;
      submissions += bot.out.split('"event":"order_submitted"').length - 1;
      kills++;
      if (process.env.BYBOT_CRASH_TRACE) appendFileSync(process.env.BYBOT_CRASH_TRACE, `kill ${kills} at ${Date.now() - t0} ms, after submit: ${submitted}\n`);
    }

    // Last start: reconcile, trade a little, stop cleanly.
    const last = run([join(root, 'src/main.ts'), '--config', configPath], cleanEnv());
    expect(await waitFor(last, (o) => o.includes('"event":"reconciled"'), 30_000)).toBe(true);
    await sleep(1_500);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const audit = auditAccount(await fetchSimAccount(info.url), join(dir, 'bybot.db'));
    server.child.kill('SIGTERM');
    const counts = {
      kills,
      killedAfterSubmit,
      submissions,
      orders: audit.orders,
      duplicates: audit.duplicates.length,
      lostOrders: audit.lostOrders.length,
      mismatches: audit.mismatches.length,
      unprotectedPositions: audit.unprotectedPositions.length,
      openPositions: audit.openPositions,
    };
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ crashTest: counts }));
    expect(audit.lostOrders).toEqual([]);
    expect(audit.mismatches).toEqual([]);
    expect(audit.duplicates).toEqual([]);
    expect(audit.unprotectedPositions).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(audit.orders).toBeGreaterThan(0);
    expect(killedAfterSubmit).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
