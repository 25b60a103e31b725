/**
 * Research tools' speed and memory (issue 12): prints one JSON object with stable keys.
 *
 *   research.optimize.random       BENCH_OPT_TRIALS (default 200, kept short; 1000 for the
 *                                  acceptance figure) random-search trials of
 *                                  range-v1 over a year of 1h candles of one symbol on
 *                                  BENCH_WORKERS (default 2) worker threads: wall and CPU ms
 *                                  (min / median of BENCH_OPT_RUNS, default 1). CPU time is the
 *                                  whole process (main thread and workers), so cpuMs / workers
 *                                  is the wall time on that many idle cores: on a shared
 *                                  machine wall time alone says little.
 *   research.optimize.memory       BENCH_MEM_TRIALS (default 0 = skipped; 10000 for the
 *                                  acceptance figure) random-search trials over BENCH_MEM_DAYS
 *                                  (default 365: a year of 1h candles) days, every trial
 *                                  streamed to a trials file (NDJSON in the temp directory,
 *                                  deleted after) as `npm run optimize --trials-out` does. The
 *                                  main thread's heap after a full GC, its typed-array memory
 *                                  (arrayBuffers, outside the heap) and the resident set size
 *                                  (main + workers), sampled every 500 trials: at the first
 *                                  sample from trial 1,000 (`at1k`) and at the last trial
 *                                  (`atEnd`), their difference (`growth`) and the criterion:
 *                                  flat when the heap plus array buffers grew by less than
 *                                  1 MB from trial 1,000 to the end (medians of 3 samples), and
 *                                  the RSS peak under 1 GB
 *   research.montecarlo.shuffle    10,000 trade-shuffle runs of a BENCH_MC_TRADES (default 500)
 *                                  trade record (min / median of BENCH_RUNS, default 5), and
 *                                  10,000 runs with replacement
 *
 * Data: the simulator's seeded synthetic 1h market; BENCH_HISTORY_DIR=DIR uses BTCUSDT:60
 * from 2022-07-01 to 2023-07-01 of that history store instead (real data stays out of the
 * repository).
 *
 *   npx tsx bench/research.bench.ts
 *   BENCH_OPT_TRIALS=1000 BENCH_MEM_TRIALS=10000 BENCH_HISTORY_DIR=/tmp/history npx tsx bench/research.bench.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../config/load.ts';
import { gaussian, mulberry32 } from '../src/core/rng.ts';
import { openHistoryStore } from '../src/history/index.ts';
import { researchContext } from '../src/research/context.ts';
import { monteCarlo } from '../src/research/montecarlo.ts';
import { optimize } from '../src/research/optimize.ts';
import { createRunner } from '../src/research/pool.ts';
import { resolveSpace, spaceFor } from '../src/research/space.ts';
import { definitionOf } from '../src/research/trial.ts';
import { openTrialLog, type TrialLine } from '../src/research/trialLog.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const OPT_TRIALS = Number(process.env.BENCH_OPT_TRIALS ?? 200);
const OPT_RUNS = Number(process.env.BENCH_OPT_RUNS ?? 1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const MEM_TRIALS = Number(process.env.BENCH_MEM_TRIALS ?? 0);
const MEM_DAYS = Number(process.env.BENCH_MEM_DAYS ?? 365);
const MC_TRADES = Number(process.env.BENCH_MC_TRADES ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HISTORY = process.env.BENCH_HISTORY_DIR;
const DAY = 86_400_000;
const FROM = Date.UTC(2022, 6, 1);
const TO = Date.UTC(2023, 6, 1);
const MB = 1024 * 1024;

const loaded = loadConfig({ env: {}, configPath: 'config/backtest-1h.yaml', overrides: { log: { level: 'silent' } } });
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const config = loaded.config;

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!), runs: sorted.length };
};

function context(to: number) {
  const source = { data: [{ symbol: 'BTCUSDT', interval: '60' as const }], from: FROM, to, market: HISTORY ? ('history' as const) : ('synthetic' as const), marketSeed: 42, preset: 'range-v1' };
  const { ctx, space } = researchContext(config, source, (p) => spaceFor(definitionOf({ preset: p }), undefined), () => openHistoryStore(HISTORY!));
  return { ctx, space: resolveSpace(space, definitionOf(ctx), ctx.preset.params as Record<string, unknown>) };
}

const settings = (trials: number) => ({ method: 'random' as const, trials, seed: 1, objective: { name: 'sharpe' as const, minTrades: 10 }, walkForward: null, holdoutPct: 0, top: 20, sensitivity: false });

async function optimizeRun(trials: number, to: number, onProgress?: (done: number) => void, onTrial?: (line: TrialLine) => void) {
  const { ctx, space } = context(to);
  const runner = createRunner(ctx, WORKERS);
  try {
    await runner.run([]); // the pool's threads start before the clock
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await optimize(ctx, space, ctx.preset.params as Record<string, unknown>, runner, { from: FROM, to }, settings(trials), { ...(onProgress ? { onProgress } : {}), ...(onTrial ? { onTrial } : {}) });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const candles = [...ctx.data.values()].reduce((n, d) => n + d.series[0]!.length, 0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, trialsRun: report.trialsRun, candles, workers: runner.workers };
  } finally {
    await runner.close();
  }
}

const opt: { wallMs: number; cpuMs: number; trialsRun: number; candles: number; workers: number }[] = [];
for (let r = 0; r < OPT_RUNS && OPT_TRIALS > 0; r++) opt.push(await optimizeRun(OPT_TRIALS, TO));
const cpuStats = opt.length > 0 ? stats(opt.map((o) => o.cpuMs)) : null;

let memory: Record<string, unknown> = { trials: 0, skipped: 'set BENCH_MEM_TRIALS=10000' };
if (MEM_TRIALS > 0) {
  interface Sample {
    trials: number;
    heapMb: number;
    arrayBuffersMb: number;
    rssMb: number;
  }
  const samples: Sample[] = [];
  const round = (x: number) => Number(x.toFixed(2));
  let next = 500;
  const take = (done: number) => {
    gc();
    const m = process.memoryUsage();
    samples.push({ trials: done, heapMb: round(m.heapUsed / MB), arrayBuffersMb: round(m.arrayBuffers / MB), rssMb: round(m.rss / MB) });
  };
  const sample = (done: number) => {
    if (done < next && done < MEM_TRIALS) return;
    while (next <= done) next += 500;
    take(done);
  };
  const dir = mkdtempSync(join(tmpdir(), 'bybot-bench-trials-'));
  const log = openTrialLog(join(dir, 'trials.ndjson'));
  try {
    const run = await optimizeRun(MEM_TRIALS, FROM + MEM_DAYS * DAY, sample, (line) => log.write(line));
    log.close();
    const at1k = samples.find((x) => x.trials >= 1000) ?? samples[0]!;
    const atEnd = samples[samples.length - 1]!;
    // The criterion compares medians of three samples (from trial 1,000; the last three), so a
    // batch's transient buffers caught by one sample do not decide it.
    const retained = (x: Sample) => x.heapMb + x.arrayBuffersMb;
    const median3 = (xs: readonly Sample[]) => xs.map(retained).sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const from1k = samples.findIndex((x) => x.trials >= 1000);
    const growthMb = round(median3(samples.slice(-3)) - median3(samples.slice(Math.max(0, from1k), Math.max(0, from1k) + 3)));
    const rssPeakMb = Math.max(...samples.map((x) => x.rssMb));
    memory = {
      trials: run.trialsRun,
      days: MEM_DAYS,
      market: HISTORY ? 'history' : 'synthetic',
      wallMs: Math.round(run.wallMs),
      cpuMs: Math.round(run.cpuMs),
      trialsFile: { lines: log.lines, mb: round(statSync(log.path).size / MB) },
      at1k,
      atEnd,
      growth: { heapMb: round(atEnd.heapMb - at1k.heapMb), arrayBuffersMb: round(atEnd.arrayBuffersMb - at1k.arrayBuffersMb), rssMb: round(atEnd.rssMb - at1k.rssMb), retainedMedianMb: growthMb },
      rssPeakMb,
      criterion: 'flat: main heap after a full GC plus array buffers, median of the last 3 samples minus median of the 3 from trial 1,000, < 1 MB (growth.retainedMedianMb); under1GB: RSS peak (main + workers) < 1024 MB',
      flat: growthMb < 1,
      under1GB: rssPeakMb < 1024,
      samples,
    };
  } finally {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const random = mulberry32(7);
const record = Float64Array.from({ length: MC_TRADES }, () => 0.002 + 0.02 * gaussian(random));
const mc = (method: 'shuffle' | 'trades') => {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    monteCarlo(record, 10_000, { method, runs: 10_000, seed: r + 1, block: 5, floorPct: 50 });
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { min: Number(sorted[0]!.toFixed(1)), median: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(1)), repeats: sorted.length };
  };
  return { runs: 10_000, trades: MC_TRADES, ms: summary(ms), cpuMs: summary(cpu) };
};

process.stdout.write(
  `${JSON.stringify(
    {
      research: {
        optimize: {
          random: {
            trials: OPT_TRIALS,
            workers: opt[0]?.workers ?? WORKERS,
            market: HISTORY ? 'history' : 'synthetic',
            candles: opt[0]?.candles ?? 0,
            wallMs: opt.length > 0 ? stats(opt.map((o) => o.wallMs)) : null,
            cpuMs: cpuStats,
            cpuMsPerTrial: cpuStats ? Number((cpuStats.median / OPT_TRIALS).toFixed(1)) : null,
            idleWallEstimateMs: cpuStats ? Math.round(cpuStats.median / Math.max(1, opt[0]!.workers)) : null,
            idleWallPer1000TrialsMs: cpuStats ? Math.round((cpuStats.median / Math.max(1, opt[0]!.workers)) * (1000 / OPT_TRIALS)) : null,
          },
          memory,
        },
        montecarlo: { shuffle: mc('shuffle'), trades: mc('trades') },
      },
    },
    null,
    2,
  )}\n`,
);
