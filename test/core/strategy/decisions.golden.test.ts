import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { getStrategy } from '../../../src/core/strategy/registry.ts';
import { relDiff } from '../support/series.ts';
import { GOLDEN_COUNT, GOLDEN_RUNS, GOLDEN_SEED, goldenCandles, recordRun, SCORE_BLOCK, type GoldenRecord } from './golden/goldenSeries.ts';

/**
 * Decision regression: every strategy (default params and one custom set) over 20,000
 * seeded synthetic 5m candles, compared with the outputs recorded from the implementation
 * before the allocation-free rewrite (golden/decisions.json.gz). Actions and scores must be
 * identical on every candle (scores as one exact hash per block of 250 candles), every trade
 * must have the same stop and target, and the indicator values, close, factors and reason of
 * every 250th candle must
 * agree to 1e-9 relative.
 *
 * Regenerate (only when a decision change is intended, and say so in the commit):
 *   UPDATE_GOLDEN=1 npx vitest run test/core/strategy/decisions.golden.test.ts
 */
const FILE = join(import.meta.dirname, 'golden', 'decisions.json.gz');
const TOL = 1e-9;
/** Stops and targets: float noise only (a running sum may round differently in the last bits). */
const PRICE_TOL = 1e-12;

interface GoldenFile {
  readonly seed: number;
  readonly count: number;
  readonly runs: readonly GoldenRecord[];
}

const candles = goldenCandles(GOLDEN_SEED, GOLDEN_COUNT);

function record(name: string): GoldenRecord {
  const run = GOLDEN_RUNS.find((r) => r.name === name)!;
  const def = getStrategy(run.type);
  if (!def) throw new Error(`unknown strategy ${run.type}`);
  return recordRun(def, run, candles);
}

function firstDifference(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

if (process.env.UPDATE_GOLDEN === '1') {
  const file: GoldenFile = { seed: GOLDEN_SEED, count: GOLDEN_COUNT, runs: GOLDEN_RUNS.map((r) => record(r.name)) };
  writeFileSync(FILE, gzipSync(JSON.stringify(file), { level: 9 }));
}

describe('decisions match the recorded golden outputs on 20,000 synthetic candles', () => {
  it('has a golden file for this series and every run', () => {
    expect(existsSync(FILE), `${FILE} missing: run with UPDATE_GOLDEN=1`).toBe(true);
    const golden = JSON.parse(gunzipSync(readFileSync(FILE)).toString('utf8')) as GoldenFile;
    expect([golden.seed, golden.count]).toEqual([GOLDEN_SEED, GOLDEN_COUNT]);
    expect(golden.runs.map((r) => r.name)).toEqual(GOLDEN_RUNS.map((r) => r.name));
  });

  const golden = existsSync(FILE) ? (JSON.parse(gunzipSync(readFileSync(FILE)).toString('utf8')) as GoldenFile) : { runs: [] };

  it.each(golden.runs.map((g) => [g.name, g] as const))('%s', (name, expected) => {
    const actual = record(name);
    expect(actual.params).toEqual(expected.params);
    // The series really exercises the strategy: both sides trade, and most candles are decided.
    expect(expected.actions).toMatch(/L/);
    expect(expected.actions).toMatch(/S/);
    const at = firstDifference(actual.actions, expected.actions);
    expect(at, `first different action at candle ${at}: ${actual.actions.slice(at, at + 10)} vs ${expected.actions.slice(at, at + 10)}`).toBe(-1);
    const block = actual.scoreHashes.findIndex((h, i) => h !== expected.scoreHashes[i]);
    expect(block, `scores differ in block ${block} (candles with indicators ${block * SCORE_BLOCK}..${(block + 1) * SCORE_BLOCK - 1})`).toBe(-1);
    expect(actual.scoreHashes.length).toBe(expected.scoreHashes.length);
    const t = actual.trades;
    const e = expected.trades;
    expect(t.index).toEqual(e.index);
    t.index.forEach((at, i) => {
      expect(relDiff(t.stopLoss[i]!, e.stopLoss[i]!), `stop of the trade at candle ${at}: ${t.stopLoss[i]} vs ${e.stopLoss[i]}`).toBeLessThanOrEqual(PRICE_TOL);
      expect(relDiff(t.takeProfit[i]!, e.takeProfit[i]!), `target of the trade at candle ${at}: ${t.takeProfit[i]} vs ${e.takeProfit[i]}`).toBeLessThanOrEqual(PRICE_TOL);
    });
    expect(actual.samples.map((s) => s.index)).toEqual(expected.samples.map((s) => s.index));
    actual.samples.forEach((s, i) => {
      const e = expected.samples[i]!;
      expect([s.candleStart, s.close, s.reason]).toEqual([e.candleStart, e.close, e.reason]);
      expect(Object.keys(s.values).sort()).toEqual(Object.keys(e.values).sort());
      for (const [k, v] of Object.entries(e.values)) expect(relDiff(s.values[k]!, v), `${k} at candle ${s.index}: ${s.values[k]} vs ${v}`).toBeLessThanOrEqual(TOL);
      for (const [k, v] of Object.entries(e.factors)) expect(Math.abs(s.factors[k]! - v), `factor ${k} at candle ${s.index}`).toBeLessThanOrEqual(TOL);
    });
  });
});
