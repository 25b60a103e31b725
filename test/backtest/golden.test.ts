import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { runBacktest, type BacktestResult } from '../../src/backtest/runBacktest.ts';

/**
 * Regression run: the default strategies over the seeded simulator (seed 42, 12 simulated
 * hours from 2026-01-05T00:00Z) must make exactly the trades in the golden file. A change
 * to a strategy, the risk layer, the order path or the simulator that moves a single fill
 * shows up here. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
 */
const GOLDEN = join(import.meta.dirname, 'golden', 'seed42-12h.json');

async function run(): Promise<BacktestResult> {
  const loaded = loadConfig({ env: {}, overrides: { log: { level: 'silent' } } });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return runBacktest({
    config: loaded.config,
    start: Date.UTC(2026, 0, 5),
    durationMs: 12 * 3_600_000,
    logger: createLogger({ level: 'silent', pretty: 'never' }),
  });
}

describe('backtest regression (golden file)', () => {
  it('makes the same trades as the golden file, and the same on a second run', async () => {
    const first = await run();
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN, `${JSON.stringify(first, null, 2)}\n`);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run UPDATE_GOLDEN=1 npx vitest run test/backtest`).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as BacktestResult;
    expect(first.summary.entries).toBeGreaterThanOrEqual(5);
    expect(first).toEqual(golden);
    const second = await run();
    expect(second).toEqual(first);
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ golden: first.summary }));
  }, 60_000);
});
