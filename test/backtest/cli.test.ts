import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm run backtest` as a user runs it, in a child process: help, argument errors, a multi-day synthetic run. */
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'bybot-backtest-'));
const HOUR = 3_600_000;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BYBOT_') && !k.startsWith('BYBIT_')));
  return new Promise((done) => {
    const child = spawn(tsx, [join(root, 'src/backtest/cli.ts'), ...args], { env, cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run backtest', () => {
  it('--help exits 0 with the usage; bad arguments exit 2 with one line per problem', async () => {
    const [help, bad] = await Promise.all([run(['--help']), run(['--data', 'BTCUSDT:7', '--engine', 'slow'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}npm run backtest -- --data BTCUSDT:60,ETHUSDT:60 --from/);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      '--data: "BTCUSDT:7": interval must be one of 1, 3, 5, 15, 30, 60, 120, 240, 360, 720 (minutes)',
      '--engine: "slow" must be one of fast, actors',
      '--from: required with the history market',
      '--to: required with the history market',
    ]);
  }, 60_000);

  it('a 72-hour synthetic run covers the 72 hours: trades and pauses on every day, equity to the end', async () => {
    const out = join(dir, 'run72.json');
    const { code, stdout, stderr } = await run(['--market', 'synthetic', '--seed', '42', '--hours', '72', '--json', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const headline = JSON.parse(stdout) as { from: string; to: string; trades: number; pauses: { from: string; until: string | null }[] };
    expect(headline).toMatchObject({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z', written: out });
    const run72 = JSON.parse(readFileSync(out, 'utf8')) as { from: number; trades: { entryTime: number }[]; equity: { time: number[] }; pauses: { from: number; until: number | null }[] };
    const days = [0, 1, 2].map((d) => run72.trades.filter((t) => t.entryTime >= run72.from + d * 24 * HOUR && t.entryTime < run72.from + (d + 1) * 24 * HOUR).length);
    expect(days.every((n) => n > 0), JSON.stringify(days)).toBe(true);
    expect(run72.equity.time.at(-1)).toBe(run72.from + 72 * HOUR);
    // The daily loss limit pauses until 00:00 UTC and trading resumes the next day (no silent stop on day 1).
    expect(run72.pauses.length).toBeGreaterThanOrEqual(2);
    for (const p of run72.pauses) expect(p.until === null || p.until % (24 * HOUR) === 0).toBe(true);
  }, 120_000);
});
