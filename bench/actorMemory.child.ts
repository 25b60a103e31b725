import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/clock/manualClock.ts';
import { loadConfig } from '../config/load.ts';
import { startApp } from '../src/app.ts';
import { createLogger } from '../src/observability/logger.ts';

/**
 * One measurement of bench/actorMemory.bench.ts, in its own process so RSS belongs to it
 * alone: the whole app (in-process simulator, supervision tree, journal, HTTP) with N
 * actors (presets x symbols) runs 30 simulated minutes on a ManualClock, then a full GC,
 * then RSS and heap are printed as one JSON line.
 */
const n = Number(process.argv[2]);
const SYMBOLS = Math.max(1, Math.min(250, Math.ceil(n / 3)));
const presetsNeeded = Math.ceil(n / SYMBOLS);
const symbols = Array.from({ length: SYMBOLS }, (_, i) => `M${String(i).padStart(4, '0')}USDT`);
const types = ['range', 'multiTimeframe', 'volumeVwap'] as const;
const strategies = Array.from({ length: presetsNeeded }, (_, p) => ({
  id: `p${p}`,
  type: types[p % types.length],
  symbols: symbols.slice(0, Math.min(SYMBOLS, n - p * SYMBOLS)),
}));
const dataDir = mkdtempSync(join(tmpdir(), 'bybot-mem-'));
const start = Date.UTC(2026, 0, 5);
const loaded = loadConfig({
  env: {},
  overrides: {
    strategies,
    exchange: { transport: 'inproc' },
    http: { port: 0 },
    journal: { dataDir },
    log: { level: 'silent' },
    simulator: { startTime: new Date(start).toISOString(), historyDays: 1 },
    limits: { maxActors: 1_000_000 },
  },
});
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const clock = new ManualClock(start);
const app = await startApp({ config: loaded.config, logger: createLogger({ level: 'silent', pretty: 'never' }), clock });
const end = start + 30 * 60_000;
while (clock.now() < end) {
  await clock.advanceTo(Math.min(end, clock.now() + 5_000));
  await new Promise((r) => setImmediate(r));
}
const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 0; i < 3; i++) gc?.();
const mem = process.memoryUsage();
// Peak RSS over the run (kernel's high-water mark), and RSS / heap after a full GC.
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ actors: app.runtime.registry.size(), peakRssBytes, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed })}\n`);
await app.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
