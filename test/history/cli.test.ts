import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLines, HOUR, syntheticCandles, T0, tempDir, writeCsv } from './support.ts';
import { cleanEnv } from '../support/childEnv.ts';

/** `npm run data -- ...` as a user runs it: help, exit codes, one line per argument problem. */
const root = resolve(import.meta.dirname, '../..');
const env = cleanEnv();

function data(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/history/cli.ts'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run data', () => {
  it('prints help with exit 0, for the tool and for each command', () => {
    const tool = data('--help');
    expect(tool.code).toBe(0);
    expect(tool.out).toContain('Usage: npm run data -- <command> [options]');
    for (const command of ['import', 'download', 'list', 'check']) {
      const help = data(command, '--help');
      expect(help.code, command).toBe(0);
      expect(help.out).toContain(`Usage: npm run data -- ${command}`);
      expect(help.out).toContain('--history-dir DIR');
    }
  }, 120_000);

  it('exits 2 with one line per problem on bad arguments', () => {
    const bad = data('import', '--symbol', 'btc', '--interval', '7');
    expect(bad.code).toBe(2);
    const problems = bad.err.split('\n\n')[0]!.split('\n').slice(1);
    expect(problems).toEqual(['  --file: is required', '  --symbol: expected an upper-case symbol such as BTCUSDT', '  --interval: expected one of 1, 3, 5, 15, 30, 60, 120, 240, 360, 720']);
    expect(data('fetch').code).toBe(2);
    const dl = data('download', '--symbol', 'BTCUSDT', '--interval', '60', '--from', '2023-07-01', '--to', '2022-07-01T00:00:00Z', '--venue', 'local');
    expect(dl.code).toBe(2);
    expect(dl.err).toContain('--to: must be after --from');
    expect(dl.err).toContain('--rest-url: is required with --venue local');
    expect(data('list', '--verbose').code).toBe(2);
  }, 120_000);

  it('imports a CSV, lists it, checks it clean (0), finds tampering (1), and refuses bad rows (1)', () => {
    const dir = tempDir();
    const history = join(dir, 'history');
    const file = writeCsv(dir, 'BTC.csv', csvLines(syntheticCandles(240), 'timestamp,Open,High,Low,Close,Volume', (t) => new Date(t).toISOString().replace('T', ' ').slice(0, 19)));
    const imported = data('import', '--file', file, '--symbol', 'BTCUSDT', '--interval', '60', '--history-dir', history);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('imported BTCUSDT 60 from BTC.csv: 240 new, 0 changed, 0 unchanged; stored 240 rows 2024-01-01T00:00:00Z .. 2024-01-10T23:00:00Z, 0 missing candle(s)');

    const list = data('list', '--history-dir', history);
    expect(list.out.split('\n')[2]).toMatch(/^BTCUSDT\s+60\s+2024-01-01T00:00:00Z\s+2024-01-10T23:00:00Z\s+240\s+0\s+csv:BTC.csv$/);
    expect(data('check', '--history-dir', history).code).toBe(0);

    const arrow = join(history, 'BTCUSDT', 'candles-60.arrow');
    const bytes = readFileSync(arrow);
    bytes[200] = bytes[200]! ^ 1;
    writeFileSync(arrow, bytes);
    const tampered = data('check', '--history-dir', history);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('was changed after it was written');

    const lines = csvLines(syntheticCandles(3), 'timestamp,open,high,low,close,volume');
    lines.push(`${T0 + 3 * HOUR},1,1,1,x,1`);
    const refused = data('import', '--file', writeCsv(dir, 'bad.csv', lines), '--symbol', 'ETHUSDT', '--interval', '60', '--history-dir', history);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('bad.csv line 5: close: "x" is not a positive number');
  }, 120_000);
});
