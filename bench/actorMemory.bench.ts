import { spawnSync } from 'node:child_process';
import { bundle } from '../src/build/bundle.ts';

/**
 * `npm run bench` (part 3): memory per actor, the measurement behind limits.maxActors.
 * Each size runs in its own process (bench/actorMemory.child.ts: the whole app, 30
 * simulated minutes, full GC); the per-actor cost is the slope between the smallest and
 * the largest size. Repeated runs: min and median of each figure.
 */
const SIZES = [3, 400, 1200];
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const MB = 1024 * 1024;

interface Sample {
  readonly actors: number;
  readonly peakRssBytes: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

// Bundled once and run with plain node, as `npm start` runs the bot (src/build/bundle.ts).
let bundled: string | null = null;

function measure(n: number): Sample {
  const outfile = (bundled ??= bundle('bench/actorMemory.child.ts', 'dist/bench/actorMemory.child.mjs'));
  const child = spawnSync(process.execPath, ['--expose-gc', outfile, String(n)], { encoding: 'utf8', timeout: 600_000 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`measurement of ${n} actors failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(line) as Sample;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]! * 10) / 10, median: Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10 };
};

const bySize = new Map<number, Sample[]>(SIZES.map((n) => [n, []]));
for (let run = 0; run < RUNS; run++) for (const n of SIZES) bySize.get(n)!.push(measure(n));
const small = SIZES[0]!;
const large = SIZES[SIZES.length - 1]!;
const perActorKb = (key: keyof Sample) =>
  stats(bySize.get(large)!.map((s, i) => (s[key] - bySize.get(small)![i]![key]) / (s.actors - bySize.get(small)![i]!.actors) / 1024));
const peakPerActor = perActorKb('peakRssBytes');
const baseline = stats(bySize.get(small)!.map((s) => s.peakRssBytes / MB));
process.stdout.write(
  `${JSON.stringify({
    actorMemory: {
      sizes: SIZES,
      runs: RUNS,
      baselinePeakRssMb: baseline,
      peakRssPerActorKb: peakPerActor,
      rssAfterGcPerActorKb: perActorKb('rssBytes'),
      heapPerActorKb: perActorKb('heapUsedBytes'),
      peakRssMbBySize: Object.fromEntries(SIZES.map((n) => [n, stats(bySize.get(n)!.map((s) => s.peakRssBytes / MB))])),
      actorsPerGbPeakRss: Math.floor(((1024 - baseline.median) * 1024) / peakPerActor.median),
    },
  })}\n`,
);
