import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditAccount, fetchSimAccount } from '../../src/soak/audit.ts';
import { cleanEnv, runTs, simServerInfo, sleep, waitForOutput, type ChildRun } from '../../src/soak/processes.ts';

/**
 * Blue/green acceptance: the simulator server, blue and green each run as their own
 * process. Blue trades; green starts with --standby (connected, checked, waiting for the
 * journal lock); `npm run deploy -- promote` hands over; then blue comes back on standby and
 * the same promote rolls back. Blue and green sign with different keys of the same
 * simulated account, so the simulator's own submission log says who sent every order: the
 * two never interleave. After both handovers: 0 duplicate orderLinkIds, 0 positions without
 * a stop, the journal agrees with the exchange, and the time without trading is printed.
 */
const root = resolve(import.meta.dirname, '../..');
const children: ChildRun[] = [];
afterAll(() => {
  for (const run of children) if (run.child.exitCode === null) run.child.kill('SIGKILL');
});

const KEYS = {
  blue: { apiKey: 'bybotbluekey0001', apiSecret: 'bybot-blue-secret-0123456789', label: 'blue' },
  green: { apiKey: 'bybotgreenkey001', apiSecret: 'bybot-green-secret-012345678', label: 'green' },
} as const;
type Color = keyof typeof KEYS;

interface Submission {
  readonly wallTime: number;
  readonly label: string;
  readonly orderLinkId: string;
  readonly retCode: number;
}

const lines = (run: ChildRun): Record<string, unknown>[] =>
  run.out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const event = (run: ChildRun, name: string): Record<string, unknown> | undefined => lines(run).find((l) => l.event === name);
const count = (run: ChildRun, name: string): number => run.out.split(`"event":"${name}"`).length - 1;

describe('blue/green handover against the simulator server', () => {
  it('hands over and back with no duplicate order, no unprotected position and no moment with both trading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-bluegreen-'));
    const sim = runTs(join(root, 'src/exchangeSim/cli.ts'), ['--port', '0', '--speed', '600', '--seed', '11', '--start', '2026-01-05T00:00:00Z', '--balance', '100000'], { cwd: root, env: cleanEnv() });
    children.push(sim);
    expect(await waitForOutput(sim, (o) => simServerInfo(o) !== undefined, 20_000)).toBe(true);
    const info = simServerInfo(sim.out)!;
    const keys = await fetch(`${info.url}/__sim/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ add: [KEYS.blue, KEYS.green] }) });
    expect(keys.status).toBe(200);

    const config = join(dir, 'bot.yaml');
    writeFileSync(
      config,
      [
        'mode: dry-run',
        'exchange:',
        '  venue: local',
        `  restUrls: ["${info.url}"]`,
        `  wsUrl: "${info.wsUrl}"`,
        `journal: { dataDir: "${dir}", syncIntervalMs: 60000 }`,
        'http: { port: 0 }',
        'log: { level: info, pretty: never }',
        'actor: { cooldownMs: 10000 }',
        'risk: { dailyLossLimitPct: 90, maxOpenPositions: 9, minScore: 0.1 }',
        'shutdown: { deadlineMs: 4000 }',
      ].join('\n'),
    );
    const start = (color: Color, standby: boolean): ChildRun => {
      const run = runTs(join(root, 'src/main.ts'), ['--config', config, ...(standby ? ['--standby'] : [])], {
        cwd: root,
        env: cleanEnv({ BYBIT_API_KEY: KEYS[color].apiKey, BYBIT_API_SECRET: KEYS[color].apiSecret }),
      });
      children.push(run);
      return run;
    };
    const promote = (): { handoverMs: number; releasedMs: number; to: { pid: number } } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/deploy/cli.ts'), 'promote', '--config', config, '--timeout', '60s'], { cwd: root, env: cleanEnv(), encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { promote: { handoverMs: number; releasedMs: number; to: { pid: number } } }).promote;
    };
    const tradesAWhile = async (run: ChildRun, orders: number): Promise<void> => {
      const seen = count(run, 'order_submitted');
      expect(await waitForOutput(run, (o) => o.split('"event":"order_submitted"').length - 1 >= seen + orders, 60_000), `no orders from the active instance:\n${run.out.slice(-2000)}`).toBe(true);
    };

    // Blue trades.
    const blue = start('blue', false);
    expect(await waitForOutput(blue, (o) => o.includes('"event":"trading"'), 60_000), blue.out.slice(-3000)).toBe(true);
    await tradesAWhile(blue, 2);

    // Green waits on standby, connected and checked, while blue keeps trading.
    const green = start('green', true);
    expect(await waitForOutput(green, (o) => o.includes('"event":"standby"'), 60_000), green.out.slice(-3000)).toBe(true);
    await sleep(1_500);
    expect(count(green, 'order_submitted')).toBe(0);

    // Handover 1: blue -> green.
    const first = promote();
    expect(await blue.exited).toBe(0);
    expect(first.to.pid).toBe(green.child.pid);
    expect(await waitForOutput(green, (o) => o.includes('"event":"trading"'), 30_000)).toBe(true);
    await tradesAWhile(green, 2);

    // Rollback: the old version (blue) back on standby, then the same promote.
    const blueAgain = start('blue', true);
    expect(await waitForOutput(blueAgain, (o) => o.includes('"event":"standby"'), 60_000), blueAgain.out.slice(-3000)).toBe(true);
    const second = promote();
    expect(await green.exited).toBe(0);
    expect(await waitForOutput(blueAgain, (o) => o.includes('"event":"trading"'), 30_000)).toBe(true);
    await tradesAWhile(blueAgain, 1);
    blueAgain.child.kill('SIGTERM');
    expect(await blueAgain.exited).toBe(0);

    // The simulator's own log of order creates, in arrival order, labelled by signing key.
    const { submissions } = (await (await fetch(`${info.url}/__sim/submissions`)).json()) as { submissions: Submission[] };
    const audit = auditAccount(await fetchSimAccount(info.url), join(dir, 'bybot.db'));
    sim.child.kill('SIGTERM');

    const runs: { label: string; n: number; first: number; last: number }[] = [];
    for (const s of submissions) {
      const current = runs.at(-1);
      if (current && current.label === s.label) {
        current.n++;
        current.last = s.wallTime;
      } else runs.push({ label: s.label, n: 1, first: s.wallTime, last: s.wallTime });
    }
    // Wall time each instance stopped trading (handover_started) and started (trading).
    const stopAt = (run: ChildRun) => Number(event(run, 'handover_started')?.wallTime ?? event(run, 'shutdown')?.time);
    const startAt = (run: ChildRun) => Number(event(run, 'trading')?.wallTime);
    const gaps = { blueToGreenMs: startAt(green) - stopAt(blue), greenToBlueMs: startAt(blueAgain) - stopAt(green) };
    const summary = {
      handover: {
        promoteMs: [first.handoverMs, second.handoverMs],
        noTradingGapMs: [gaps.blueToGreenMs, gaps.greenToBlueMs],
        submissions: submissions.length,
        runs: runs.map((r) => `${r.label}x${r.n}`),
        duplicates: audit.duplicates.length,
        unprotectedPositions: audit.unprotectedPositions.length,
        lostOrders: audit.lostOrders.length,
        mismatches: audit.mismatches.length,
        failedSubmissions: submissions.filter((s) => s.retCode !== 0).length,
      },
    };
    // eslint-disable-next-line no-console
    console.log(JSON.stringify(summary));

    // Never both: the submission log is blue, then green, then blue, each run inside its instance's trading window.
    expect(runs.map((r) => r.label)).toEqual(['blue', 'green', 'blue']);
    expect(runs[0]!.last).toBeLessThan(startAt(green));
    expect(runs[1]!.first).toBeGreaterThanOrEqual(startAt(green));
    expect(runs[1]!.last).toBeLessThan(startAt(blueAgain));
    expect(runs[2]!.first).toBeGreaterThanOrEqual(startAt(blueAgain));
    expect(audit.duplicates).toEqual([]);
    expect(audit.unprotectedPositions).toEqual([]);
    expect(audit.lostOrders).toEqual([]);
    expect(audit.mismatches).toEqual([]);
    expect(summary.handover.failedSubmissions).toBe(0);
    // Target: under 5 s without trading.
    expect(gaps.blueToGreenMs).toBeLessThan(5_000);
    expect(gaps.greenToBlueMs).toBeLessThan(5_000);
  }, 300_000);
});
