import { describe, expect, it } from 'vitest';
import { candlesToFetch, ownKernel, syncKernel, warmupCandles } from '../../machines/strategy.kernelSync.ts';
import { initialStrategyContext } from '../../machines/strategy.steps.ts';
import type { StrategyContext } from '../../machines/strategy.types.ts';
import type { Candle } from '../../src/domain/types.ts';
import { actorInput, resolveStrategy, T0 } from '../support/strategyHarness.ts';

/** How an actor keeps its kernel in step with what it fetches: warm-up first, then only new candles. */
const MIN = 60_000;
const def = resolveStrategy('test')!;
const rows = Array.from({ length: 200 }, (_, i): Candle => ({ start: T0 - 200 * MIN + i * MIN, open: 100, high: 101, low: 99, close: 100 + (i % 2), volume: 10, turnover: 1000 }));
const owning = (context: StrategyContext, sync: ReturnType<typeof syncKernel>): StrategyContext => ({ ...context, kernel: sync.kernel ? { instance: sync.kernel, version: sync.kernel.version } : null });

describe('strategy actor and its kernel', () => {
  it('fetches the warm-up first, then only the candles since the newest one it has (plus that one)', () => {
    const fresh = initialStrategyContext(actorInput, T0);
    expect(candlesToFetch(fresh, def, T0)).toBe(warmupCandles(def, actorInput.params) + 1);
    const first = syncKernel(fresh, def, rows.slice(0, 100));
    expect(first).toMatchObject({ ingested: 100, rebuilt: true });
    const context = owning(fresh, first);
    // Newest row starts at T0 - 101 min; at T0 - 99 min + 2 s two more have closed: ask for those and the newest known one (+ the forming one).
    expect(candlesToFetch(context, def, T0 - 99 * MIN + 2_000)).toBe(4);
    const next = syncKernel(context, def, rows.slice(97, 102));
    expect(next).toMatchObject({ ingested: 2, rebuilt: false });
    expect(next.kernel).toBe(first.kernel);
  });

  it('rebuilds from the window when the exchange revised a candle the kernel used, and drops a kernel another context moved on', () => {
    const fresh = initialStrategyContext(actorInput, T0);
    const context = owning(fresh, syncKernel(fresh, def, rows.slice(0, 100)));
    const revised = rows.slice(0, 100).map((c, i) => (i === 99 ? { ...c, close: 500, high: 500 } : c));
    expect(syncKernel(context, def, revised)).toMatchObject({ ingested: 100, rebuilt: true });
    // Advanced behind this context's back (a stale snapshot): not ours any more.
    const moved = owning(fresh, syncKernel(fresh, def, rows.slice(0, 100)));
    moved.kernel!.instance.ingestCandle(rows[100]!);
    expect(ownKernel(moved)).toBeNull();
  });

  it('drops the kernel (and fetches the warm-up again) when a short window does not continue it', () => {
    const fresh = initialStrategyContext(actorInput, T0);
    const context = owning(fresh, syncKernel(fresh, def, rows.slice(0, 100)));
    expect(syncKernel(context, def, rows.slice(150, 153))).toMatchObject({ kernel: null });
  });

  it('a kernel whose first fetch was empty takes the next window as it comes', () => {
    const fresh = initialStrategyContext(actorInput, T0);
    const empty = owning(fresh, syncKernel(fresh, def, []));
    expect(candlesToFetch(empty, def, T0)).toBe(warmupCandles(def, actorInput.params) + 1);
    expect(syncKernel(empty, def, rows.slice(0, 3))).toMatchObject({ ingested: 3, rebuilt: false });
  });
});
