import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { researchContext } from '../../src/research/context.ts';
import { optimize, type OptimizeSettings } from '../../src/research/optimize.ts';
import { inlineRunner, poolRunner } from '../../src/research/pool.ts';
import { writePresetFile } from '../../src/research/presetFile.ts';
import { search, type TrialRecord } from '../../src/research/search.ts';
import { applyCandidate, resolveSpace } from '../../src/research/space.ts';
import { definitionOf } from '../../src/research/trial.ts';
import { getStrategy } from '../../src/core/strategy/registry.ts';
import { testConfig } from '../support/backtestData.ts';

const DAY = 86_400_000;
const from = Date.UTC(2026, 0, 5);
const to = from + 30 * DAY;
const root = join(import.meta.dirname, '..', '..');

/** The range preset on 30 days of the simulator's 1-hour BTC candles (generated, never market data). */
function context() {
  const config = testConfig();
  return researchContext(config, { data: [{ symbol: 'BTCUSDT', interval: '60' }], from, to, market: 'synthetic', marketSeed: 42, strategy: 'range' }, () => getStrategy('range')!.searchSpace!, () => {
    throw new Error('no store for a synthetic run');
  });
}

const settings = (over: Partial<OptimizeSettings> = {}): OptimizeSettings => ({
  method: 'random',
  trials: 16,
  seed: 7,
  objective: { name: 'sharpe', minTrades: 1 },
  walkForward: null,
  holdoutPct: 0,
  top: 10,
  sensitivity: false,
  ...over,
});

describe('optimize: deterministic ranking', () => {
  it('gives the same ranking and figures with 1 worker and with 2 worker threads (random and TPE)', async () => {
    const { ctx, space: raw } = context();
    const def = definitionOf(ctx);
    const base = ctx.preset.params as Record<string, unknown>;
    const space = resolveSpace(raw, def, base);
    const pool = poolRunner(ctx, 2);
    try {
      for (const method of ['random', 'tpe'] as const) {
        const s = { method, trials: 20, seed: 11, objective: { name: 'sharpe' as const, minTrades: 1 }, daily: true, tpeBatch: 4 };
        const oneTrials: TrialRecord[] = [];
        const twoTrials: TrialRecord[] = [];
        const one = await search(space, base, def, inlineRunner(ctx), { from, to }, s, { onTrial: (t) => oneTrials.push(t) });
        const two = await search(space, base, def, pool, { from, to }, s, { onTrial: (t) => twoTrials.push(t) });
        expect(two.evaluated).toBe(20);
        expect(twoTrials.map((t) => t.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(two.ranked.map((t) => [t.index, t.candidate, t.objective, t.metrics])).toEqual(one.ranked.map((t) => [t.index, t.candidate, t.objective, t.metrics]));
        expect(twoTrials.map((t) => Array.from(t.daily!))).toEqual(oneTrials.map((t) => Array.from(t.daily!)));
        expect(two.guard).toEqual(one.guard);
        // A different seed explores other points.
        const otherTrials: TrialRecord[] = [];
        await search(space, base, def, inlineRunner(ctx), { from, to }, { ...s, seed: 12 }, { onTrial: (t) => otherTrials.push(t) });
        expect(otherTrials.map((t) => t.candidate)).not.toEqual(oneTrials.map((t) => t.candidate));
      }
    } finally {
      await pool.close();
    }
  }, 180_000);

  it('ranks by the objective (best first, trials below the minimum trade count last) and counts refused candidates', async () => {
    const { ctx } = context();
    const def = definitionOf(ctx);
    const base = ctx.preset.params as Record<string, unknown>;
    // adxMax 18..22 against adxRanging 20: the schema refuses adxMax <= 20.
    const space = resolveSpace({ adxMax: { min: 18, max: 30, step: 1 }, entryZone: { values: [0.05, 0.1] } }, def, base);
    const result = await search(space, base, def, inlineRunner(ctx), { from, to }, { method: 'grid', trials: 0, seed: 1, objective: { name: 'net', minTrades: 3 }, daily: false });
    expect(result.invalid).toBe(3 * 2);
    expect(result.invalidReasons[0]).toMatch(/adxRanging 20 must be below adxMax/);
    expect(result.evaluated).toBe(10 * 2);
    const objectives = result.ranked.map((t) => t.objective);
    const defined = objectives.filter((o): o is number => o !== null);
    expect(defined).toEqual([...defined].sort((a, b) => b - a));
    expect(objectives.slice(defined.length).every((o) => o === null)).toBe(true);
    for (const t of result.ranked) if (t.objective === null) expect(t.metrics!.trades).toBeLessThan(3);
    expect(result.best?.objective).toBe(defined[0]);
  }, 120_000);
});

describe('optimize: report and preset file', () => {
  it('holds out the end of the period, scans the sensitivity, and writes a preset file config:check accepts', async () => {
    const { ctx, space: raw } = context();
    const def = definitionOf(ctx);
    const base = ctx.preset.params as Record<string, unknown>;
    const space = resolveSpace(raw, def, base);
    const report = await optimize(ctx, space, base, inlineRunner(ctx), { from, to }, settings({ holdoutPct: 25, sensitivity: true, trials: 12 }));
    const single = report.single!;
    expect(single.inSample.to).toBe(new Date(from + 23 * DAY).toISOString()); // 75 % of 30 days, rounded to a day
    expect(single.outOfSample?.to).toBe(new Date(to).toISOString());
    expect(single.ranked.length).toBeGreaterThan(0);
    expect(single.ranked.every((r) => r.outOfSample !== null)).toBe(true);
    expect(single.guard.pbo).not.toBeNull();
    expect(report.sensitivity.map((r) => r.key)).toEqual(space.dimensions.map((d) => d.key));
    for (const row of report.sensitivity) expect(row.points.some((p) => p.value === row.best && p.objective === report.single!.best!.inSample.objective)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'bybot-opt-'));
    const file = join(dir, 'best.yaml');
    const params = def.paramsSchema.parse(applyCandidate(base, space, space.dimensions.map((d) => report.bestParams![d.key]!))) as Record<string, unknown>;
    writePresetFile(file, { preset: ctx.preset, params, sourceConfig: join(root, 'config', 'backtest-1h.yaml'), header: ['test'] });
    const loaded = loadConfig({ env: {}, configPath: file });
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.config.strategies).toHaveLength(1);
      expect(loaded.config.strategies[0]).toMatchObject({ id: 'range-opt', type: 'range', symbols: ['BTCUSDT'] });
      expect(loaded.config.strategies[0]!.params).toEqual(params);
    }
    const check = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'config', 'cli', 'check.ts'), '--config', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/configuration OK .* 1 actor\(s\): BTCUSDT:range-opt/);
  }, 180_000);
});
