import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/rng.ts';
import { parseOrderLinkId } from '../../src/core/orders/orderLinkId.ts';

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
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BYBOT_') && !k.startsWith('BYBIT_') && k !== 'DRY_RUN'));
  return { ...env, ...extra };
}

interface Running {
  readonly child: ChildProcess;
  out: string;
  readonly exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Running {
  // `node --import tsx` runs the TypeScript in this very process: the tsx CLI would fork a
  // child, and SIGKILL on the wrapper would leave the real bot running.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  // 'close' (not 'exit'): by then stdout and stderr have been read to the end.
  const r: Running = { child, out: '', exited: new Promise((done) => child.on('close', (code) => done(code))) };
  child.stdout!.on('data', (d: Buffer) => (r.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (r.out += d.toString()));
  return r;
}

function waitFor(r: Running, test: (out: string) => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (test(r.out)) {
        clearInterval(timer);
        done(true);
      } else if (Date.now() - started > timeoutMs || r.child.exitCode !== null) {
        clearInterval(timer);
        done(test(r.out));
      }
    }, 10);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SimOrder {
  orderId: string;
  orderLinkId: string;
  symbol: string;
  status: string;
  qty: number;
  cumExecQty: number;
  stopOrderType: string;
}

describe('crash test: SIGKILL in the order flow, restart, reconcile', () => {
  it(`survives ${KILLS} kills with no duplicate order, no journal mismatch and no unprotected position`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-crash-'));
    const server = run(
      [join(root, 'src/exchangeSim/cli.ts'), '--port', '0', '--speed', '900', '--seed', '7', '--start', '2026-01-05T00:00:00Z', '--balance', '100000'],
      cleanEnv(),
    );
    const infoLine = (o: string) => o.split('\n').find((l) => l.startsWith('{"url"') && l.includes('"wsUrl"'));
    expect(await waitFor(server, (o) => infoLine(o) !== undefined, 20_000)).toBe(true);
    const info = JSON.parse(infoLine(server.out)!) as { url: string; wsUrl: string; apiKey: string; apiSecret: string };

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

    const state = (await (await fetch(`${info.url}/__sim/orders`)).json()) as { orders: SimOrder[]; positions: { symbol: string; size: number; stopLoss: number }[] };
    server.child.kill('SIGTERM');

    const ours = state.orders.filter((o) => o.orderLinkId.startsWith('bb1-'));
    const byLink = new Map<string, SimOrder[]>();
    for (const o of ours) byLink.set(o.orderLinkId, [...(byLink.get(o.orderLinkId) ?? []), o]);
    const duplicates = [...byLink.values()].filter((list) => list.length > 1).length;

    const db = new Database(join(dir, 'bybot.db'), { readonly: true });
    const journal = db.prepare('SELECT order_link_id, status, filled_qty FROM orders').all() as { order_link_id: string; status: string; filled_qty: number }[];
    db.close();
    const journalByLink = new Map(journal.map((r) => [r.order_link_id, r]));
    const mismatches: string[] = [];
    for (const o of ours) {
      if (parseOrderLinkId(o.orderLinkId)?.purpose !== 'entry') continue;
      const j = journalByLink.get(o.orderLinkId);
      if (!j) mismatches.push(`${o.orderLinkId}: on the exchange, not in the journal`);
      else if (j.status !== o.status || Math.abs(j.filled_qty - o.cumExecQty) > 1e-9) mismatches.push(`${o.orderLinkId}: journal ${j.status}/${j.filled_qty}, exchange ${o.status}/${o.cumExecQty}`);
    }
    for (const j of journal) {
      const onExchange = byLink.has(j.order_link_id);
      if (!onExchange && !['NotFound', 'Failed', 'Rejected'].includes(j.status)) mismatches.push(`${j.order_link_id}: journal ${j.status}, not on the exchange`);
    }
    const unprotected = state.positions.filter((p) => p.size > 0 && !(p.stopLoss > 0));
    const counts = { kills, killedAfterSubmit, submissions, orders: ours.length, duplicates, mismatches: mismatches.length, unprotectedPositions: unprotected.length, openPositions: state.positions.length };
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ crashTest: counts }));
    expect(mismatches).toEqual([]);
    expect(duplicates).toBe(0);
    expect(unprotected).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(ours.length).toBeGreaterThan(0);
    expect(killedAfterSubmit).toBeGreaterThanOrEqual(5);
  }, 180_000);
});
