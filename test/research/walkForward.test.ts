import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../support/seedProperties.ts';
import { optimize } from '../../src/research/optimize.ts';
import { inlineRunner, type TrialRunner } from '../../src/research/pool.ts';
import { resolveSpace } from '../../src/research/space.ts';
import type { TrialTask } from '../../src/research/trial.ts';
import { parseWalkForward, walkWindows } from '../../src/research/walkForward.ts';
import { driftMarket, plantedContext, plantedStrategy } from '../support/plantedStrategy.ts';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

describe('walk-forward windows', () => {
  it('parses train/test/step and refuses a step shorter than the test span', () => {
    expect(parseWalkForward('train=180d,test=30d,step=30d')).toEqual({ trainMs: 180 * DAY, testMs: 30 * DAY, stepMs: 30 * DAY });
    expect(parseWalkForward('train=4w,test=36h')).toEqual({ trainMs: 28 * DAY, testMs: 1.5 * DAY, stepMs: 1.5 * DAY });
    expect(parseWalkForward('train=10d,test=5d,step=2d')).toEqual([expect.stringMatching(/step .* must be at least test/)]);
    expect(parseWalkForward('train=abc,tset=1d')).toHaveLength(4);
  });

  it('every test span starts where its training ends, never overlaps it, and ends by the end of the period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 400 }), (train, test, extra, days) => {
        const spec = { trainMs: train * DAY, testMs: test * DAY, stepMs: (test + extra) * DAY };
        const windows = walkWindows(START, START + days * DAY, spec);
        for (const w of windows) {
          expect(w.testFrom).toBe(w.trainTo);
          expect(w.trainTo - w.trainFrom).toBe(spec.trainMs);
          expect(w.testTo).toBeLessThanOrEqual(START + days * DAY);
        }
        // Test spans never overlap each other (step >= test), so the stitched record counts each day once.
        for (let i = 1; i < windows.length; i++) expect(windows[i]!.testFrom).toBeGreaterThanOrEqual(windows[i - 1]!.testTo);
        expect(windows.length).toBe(Math.max(0, Math.floor((days - train - test) / (test + extra)) + 1));
      }),
    );
  });
});

/** Records every task the searches hand to the runner. */
function spy(inner: TrialRunner): TrialRunner & { tasks: TrialTask[] } {
  const tasks: TrialTask[] = [];
  return { workers: 1, tasks, run: (t) => (tasks.push(...t), inner.run(t)), close: () => inner.close() };
}

describe('walk-forward never lets test data into training', () => {
  // Training spans (20 days) rise 1 % a day: long wins there. Test spans (10 days) fall 3 % a
  // day: short would win there, by more than long wins in training. An optimiser that saw a
  // test span would choose short; one that did not chooses long and loses out of sample.
  const spec = { trainMs: 20 * DAY, testMs: 10 * DAY, stepMs: 30 * DAY };
  const warmup = 2 * DAY;
  const from = START + warmup;
  const to = from + 4 * 30 * DAY;
  const windows = walkWindows(from, to, spec);
  const inTest = (t: number) => windows.some((w) => t >= w.testFrom && t < w.testTo);
  const candles = driftMarket(START, (to - START) / 3_600_000, (t) => (inTest(t) ? -0.03 : 0.01));

  it('chooses the side that wins in training in every window, and shows the loss out of sample', async () => {
    const ctx = plantedContext(candles);
    const space = resolveSpace(plantedStrategy.searchSpace!, plantedStrategy, ctx.preset.params as Record<string, unknown>);
    const runner = spy(inlineRunner(ctx));
    const report = await optimize(ctx, space, ctx.preset.params as Record<string, unknown>, runner, { from, to }, {
      method: 'grid',
      trials: 100,
      seed: 1,
      objective: { name: 'net', minTrades: 1 },
      walkForward: spec,
      holdoutPct: 0,
      top: 5,
      sensitivity: false,
    });
    const wf = report.walkForward!;
    expect(wf.windows).toHaveLength(4);
    for (const w of wf.windows) {
      expect(w.params?.side, `window ${w.index}`).toBe('long');
      expect(w.inSample!.netPnl).toBeGreaterThan(0);
      expect(w.outOfSample!.netPnl).toBeLessThan(0);
    }
    expect(wf.outOfSample.netPnl).toBeLessThan(0);
    // Every training trial ran inside its window's training span; the only runs that touched a
    // test span are the one out-of-sample run per window, with the chosen (long) params.
    for (const w of windows) {
      const touching = runner.tasks.filter((t) => t.to > w.testFrom && t.from < w.testTo);
      expect(touching).toHaveLength(1);
      expect(touching[0]).toMatchObject({ from: w.testFrom, to: w.testTo, params: { side: 'long' } });
      const training = runner.tasks.filter((t) => t.from === w.trainFrom);
      expect(training.length).toBe(10); // the grid: 2 sides x 5 noise values
      for (const t of training) expect(t.to).toBe(w.trainTo);
    }
  }, 60_000);

  it('with the test spans rising too, the same search chooses long and wins out of sample (the plant works both ways)', async () => {
    const up = driftMarket(START, (to - START) / 3_600_000, () => 0.01);
    const ctx = plantedContext(up);
    const space = resolveSpace(plantedStrategy.searchSpace!, plantedStrategy, ctx.preset.params as Record<string, unknown>);
    const report = await optimize(ctx, space, ctx.preset.params as Record<string, unknown>, inlineRunner(ctx), { from, to }, {
      method: 'grid',
      trials: 100,
      seed: 1,
      objective: { name: 'net', minTrades: 1 },
      walkForward: spec,
      holdoutPct: 0,
      top: 5,
      sensitivity: false,
    });
    expect(report.walkForward!.outOfSample.netPnl).toBeGreaterThan(0);
  }, 60_000);
});
