import { spawnSync } from 'node:child_process';
import { bundle } from '../src/build/bundle.ts';

/**
 * `npm run bench` (live path, issue 13): scale and tick-to-order of the real app on the
 * built-in simulator, each measurement in its own process (bench/live.child.ts), repeated
 * BENCH_RUNS times (default 2): every figure is printed as { min, median, runs }.
 *
 *   scale.actors2000.*   500 symbols x 4 presets on 1-minute candles at 60x (one candle per
 *                        real second per symbol), inproc: rssMb (peak), eventLoopP99Ms,
 *                        cyclesCompletedPct (of the cycles due), cycleP99Ms (real ms per cycle)
 *   scale.actors100.*    the same with 25 symbols
 *   tickToOrder.inproc / .wire   p50Ms / p99Ms from a candle's close to its entry order's
 *                        arrival at the simulator, over >= BENCH_ORDERS (200) orders each;
 *                        intentP50Ms / sendP50Ms split it at the order's journaled intent
 *
 *   BENCH_RUNS=1 BENCH_SCALE_SECONDS=20 npx tsx bench/live.bench.ts
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 20);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);

// The child runs bundled with plain node, as `npm start` runs the bot (src/build/bundle.ts).
let bundled: string | null = null;

function child(args: string[]): Record<string, number> {
  bundled ??= bundle('bench/live.child.ts', 'dist/bench/live.child.mjs');
  const run = spawnSync(process.execPath, [bundled, ...args], { encoding: 'utf8', timeout: 900_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`live bench ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number>;
}

const stats = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { min: sorted[0] ?? null, median: sorted[Math.floor(sorted.length / 2)] ?? null, runs: sorted.length };
};

/** Runs one measurement RUNS times; each listed field becomes { min, median, runs }. A failed run is reported, not fatal. */
function repeated(args: string[], keys: readonly string[]): Record<string, unknown> {
  const samples: Record<string, number>[] = [];
  const errors: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    try {
      samples.push(child(args));
    } catch (error) {
      errors.push(error instanceof Error ? error.message.slice(0, 300) : String(error));
      process.stderr.write(`live bench: ${args.join(' ')}: ${errors[errors.length - 1]}\n`);
    }
  }
  return { ...Object.fromEntries(keys.map((k) => [k, stats(samples.map((s) => s[k]!))])), ...(errors.length > 0 ? { errors } : {}) };
}

const SCALE_KEYS = ['rssMb', 'eventLoopP99Ms', 'cyclesCompletedPct', 'cycleP99Ms', 'cycleP50Ms', 'fallbackTicks', 'marketRest'] as const;
const TICK_KEYS = ['p50Ms', 'p99Ms', 'intentP50Ms', 'sendP50Ms', 'orders'] as const;
const result = {
  scale: {
    actors2000: repeated(['scale', '2000', String(SECONDS)], SCALE_KEYS),
    actors100: repeated(['scale', '100', String(SECONDS)], SCALE_KEYS),
  },
  tickToOrder: {
    inproc: repeated(['tickToOrder', 'inproc', String(ORDERS), '60'], TICK_KEYS),
    wire: repeated(['tickToOrder', 'wire', String(ORDERS), '60'], TICK_KEYS),
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
