import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSet } from '../../src/research/candidateSet.ts';
import { optimize } from '../../src/research/optimize.ts';
import { overfittingGuard, probabilityOfOverfitting, PboBlocks } from '../../src/research/overfitting.ts';
import { inlineRunner } from '../../src/research/pool.ts';
import { rankTrials, search, type TrialRecord } from '../../src/research/search.ts';
import { resolveSpace } from '../../src/research/space.ts';
import { openTrialLog, type TrialLine } from '../../src/research/trialLog.ts';
import { gaussian, mulberry32 } from '../../src/core/rng.ts';
import { driftMarket, plantedContext, plantedStrategy } from '../support/plantedStrategy.ts';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const from = START + 2 * DAY;
const to = from + 45 * DAY;

/** The planted strategy (side x noise: a 10-point grid) on a noisy drifting market, inline. */
function planted() {
  const ctx = plantedContext(driftMarket(START, (to - START) / 3_600_000, (t) => 0.004 * Math.sin(t / (5 * DAY)), 3));
  const base = ctx.preset.params as Record<string, unknown>;
  return { ctx, base, space: resolveSpace(plantedStrategy.searchSpace!, plantedStrategy, base) };
}

describe('the optimiser keeps bounded state', () => {
  it('keeps only the K best trials, in the same order as ranking every trial, and the guard equals the guard over every series', async () => {
    const { ctx, base, space } = planted();
    const all: TrialRecord[] = [];
    const result = await search(space, base, plantedStrategy, inlineRunner(ctx), { from, to }, { method: 'grid', trials: 0, seed: 1, objective: { name: 'net', minTrades: 1 }, daily: true, keep: 3 }, { onTrial: (t) => all.push(t) });
    expect(result.evaluated).toBe(10);
    expect(all).toHaveLength(10);
    expect(result.ranked.map((t) => t.index)).toEqual(rankTrials(all).slice(0, 3).map((t) => t.index));
    expect(result.ranked.every((t) => t.daily === null)).toBe(true); // the kept rows drop their series
    expect(result.best!.index).toBe(rankTrials(all)[0]!.index);
    expect(result.best!.daily).not.toBeNull(); // the best keeps its own, for the deflated Sharpe
    const withDaily = all.filter((t) => t.daily !== null);
    const reference = overfittingGuard(withDaily.map((t) => t.daily!), withDaily.findIndex((t) => t.index === result.best!.index));
    expect(result.guardTrials).toBe(withDaily.length);
    expect(result.guard!.pbo).toEqual(reference.pbo);
    expect(result.guard!.dsr!.dsr).toBeCloseTo(reference.dsr!.dsr, 10);
    expect(result.guard!.dsr!.expectedMaxSharpe).toBeCloseTo(reference.dsr!.expectedMaxSharpe, 12);
    expect(result.guard!.warnings.length).toBe(reference.warnings.length);
  }, 60_000);

  it('PBO from per-block sums fed one trial at a time equals PBO over the whole matrix, and the blocks grow past their capacity', () => {
    const random = mulberry32(4);
    const series = Array.from({ length: 37 }, (_, j) => Float64Array.from({ length: 203 }, () => (j === 5 ? 0.003 : 0) + 0.01 * gaussian(random)));
    const blocks = new PboBlocks(4);
    for (const r of series) blocks.add(r);
    expect(blocks.trials).toBe(37);
    expect(blocks.result()).toEqual(probabilityOfOverfitting(series));
    expect(() => blocks.add(new Float64Array(10))).toThrow(/same number of days \(203\), got 10/);
  });

  it('the tried-candidate set: finds what was added, nothing else, and grows past its expected size', () => {
    const set = new CandidateSet(8);
    const keys = Array.from({ length: 5000 }, (_, i) => JSON.stringify([i % 97, (i * 7) % 13, i / 3]));
    for (const k of keys.slice(0, 2500)) set.add(k);
    set.add(keys[0]!); // again: no change
    expect(set.size).toBe(2500);
    expect(keys.slice(0, 2500).every((k) => set.has(k))).toBe(true);
    expect(keys.slice(2500).some((k) => set.has(k))).toBe(false);
  });

  it('streams every trial, tagged with its window, to the trials file (NDJSON), the same lines as the report counts', async () => {
    const { ctx, base, space } = planted();
    const dir = mkdtempSync(join(tmpdir(), 'bybot-trials-'));
    const log = openTrialLog(join(dir, 'sub', 'trials.ndjson'));
    const report = await optimize(ctx, space, base, inlineRunner(ctx), { from, to }, {
      method: 'grid',
      trials: 0,
      seed: 1,
      objective: { name: 'net', minTrades: 1 },
      walkForward: { trainMs: 15 * DAY, testMs: 10 * DAY, stepMs: 10 * DAY },
      holdoutPct: 0,
      top: 5,
      sensitivity: false,
    }, { onTrial: (line) => log.write(line) });
    log.close();
    const lines = readFileSync(log.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialLine);
    expect(lines).toHaveLength(report.trialsRun);
    expect(lines).toHaveLength(3 * 10); // three windows of the 10-point grid
    expect(lines.map((l) => l.window)).toEqual([...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)]);
    expect(lines.slice(0, 10).map((l) => l.trial)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    // The window's chosen trial is in the file with the same figures as the report's row.
    for (const w of report.walkForward!.windows) {
      const chosen = lines.filter((l) => l.window === w.index && l.objective === w.inSample!.objective);
      expect(chosen.map((l) => l.params)).toContainEqual(w.params);
      expect(chosen[0]!.metrics!.trades).toBe(w.inSample!.trades);
    }
    // The chosen parameters' trades by regime, on the last training span (the choice's span).
    const last = report.walkForward!.windows.at(-1)!;
    expect(report.regimes).toMatchObject({ from: last.train.from, to: last.train.to });
    expect(Object.keys(report.regimes!.all)).toEqual(['trendingUp', 'trendingDown', 'ranging', 'volatile', 'unknown']);
    expect(Object.values(report.regimes!.all).reduce((n, r) => n + r.trades, 0)).toBe(last.inSample!.trades);
    expect(Object.values(report.regimes!.all).reduce((n, r) => n + r.netPnl, 0)).toBeCloseTo(last.inSample!.netPnl, 6);
    expect(Object.keys(report.regimes!.bySymbol)).toEqual(ctx.preset.symbols);
    expect(() => openTrialLog(join(log.path, 'not-a-dir', 'x.ndjson'))).toThrow(/--trials-out: cannot write .*x\.ndjson \(ENOTDIR\)/);
  }, 60_000);
});
