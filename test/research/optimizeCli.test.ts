import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OptimizeReport } from '../../src/research/optimizeTypes.ts';
import type { TrialLine } from '../../src/research/trialLog.ts';

const root = join(import.meta.dirname, '..', '..');

function optimizeCli(args: readonly string[]) {
  return spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'research', 'optimizeCli.ts'), ...args], { encoding: 'utf8', cwd: root, env: { PATH: process.env.PATH ?? '' } });
}

describe('npm run optimize: --trials-out and the JSON report', () => {
  it('streams every trial to the NDJSON file, names it in the JSON, and breaks the chosen parameters down by regime', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-optcli-'));
    const trials = join(dir, 'trials.ndjson');
    const json = join(dir, 'opt.json');
    const result = optimizeCli([
      '--config', 'config/backtest-1h.yaml', '--market', 'synthetic', '--strategy', 'range', '--data', 'BTCUSDT:60',
      '--from', '2026-01-05T00:00:00Z', '--to', '2026-01-25T00:00:00Z', '--trials', '6', '--workers', '1', '--min-trades', '0',
      '--no-sensitivity', '--out-preset', join(dir, 'best.yaml'), '--trials-out', trials, '--json', json,
    ]);
    expect(result.stderr).toContain(`written: ${trials} (6 trials, one JSON line each)`);
    expect(result.status).toBe(0);
    const lines = readFileSync(trials, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialLine);
    expect(lines.map((l) => [l.window, l.trial])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [null, i]));
    for (const l of lines) expect(Object.keys(l.params).length).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as OptimizeReport;
    expect(report.trialsFile).toBe(trials);
    expect(report.trialsRun).toBe(6);
    // The ranked rows are trials of the file, with the same figures.
    for (const row of report.single!.ranked) expect(lines[row.trial]!.metrics).toEqual(Object.fromEntries(Object.entries(row.inSample).filter(([k]) => k !== 'objective')));
    expect(report.regimes).not.toBeNull();
    expect(report.regimes!.from).toBe('2026-01-05T00:00:00.000Z');
    expect(Object.keys(report.regimes!.all)).toEqual(['trendingUp', 'trendingDown', 'ranging', 'volatile', 'unknown']);
    expect(Object.keys(report.regimes!.bySymbol)).toEqual(['BTCUSDT']);
    const best = report.single!.best!;
    expect(Object.values(report.regimes!.all).reduce((n, r) => n + r.trades, 0)).toBe(best.inSample.trades);
  }, 120_000);

  it('refuses a --trials-out path it cannot write before running any trial (exit 1, the option named)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-optcli-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const result = optimizeCli([
      '--config', 'config/backtest-1h.yaml', '--market', 'synthetic', '--strategy', 'range', '--data', 'BTCUSDT:60',
      '--from', '2026-01-05T00:00:00Z', '--to', '2026-01-10T00:00:00Z', '--trials', '2', '--workers', '1', '--trials-out', join(file, 'trials.ndjson'),
      '--out-preset', join(dir, 'best.yaml'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--trials-out: cannot write .*a-file\/trials\.ndjson \((EEXIST|ENOTDIR)\)/);
    expect(result.stdout).toBe('');
  }, 120_000);
});
