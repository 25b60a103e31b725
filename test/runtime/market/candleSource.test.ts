import { describe, expect, it } from 'vitest';
import { flushAsync } from '../../../src/clock/manualClock.ts';
import type { Clock } from '../../../src/ports/clock.ts';
import type { Candle } from '../../../src/domain/types.ts';
import type { ExchangePort } from '../../../src/ports/exchange.ts';
import { pollingCandleSource } from '../../../src/runtime/market/candleSource.ts';
import { SeriesBuffer } from '../../../src/runtime/market/seriesBuffer.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const DELAY = 2_000;

/**
 * A clock whose timers run late, as a real one does when the event loop is busy: `runAt`
 * moves time to `at`, then fires every timer due by then, once each, at that time.
 */
class LateClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.current + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  async runAt(at: number): Promise<void> {
    this.current = at;
    const due = this.timers.filter((t) => t.at <= at);
    this.timers = this.timers.filter((t) => t.at > at);
    for (const t of due) t.fn();
    await flushAsync();
  }
}

/** A venue whose 1-minute candles exist up to now (the newest one forming), oldest first, as the port returns them. */
function venue(clock: Clock) {
  const reads: number[] = [];
  const port = {
    candles: async ({ limit }: { limit: number }): Promise<Candle[]> => {
      reads.push(limit);
      const forming = Math.floor(clock.now() / STEP) * STEP;
      const rows: Candle[] = [];
      for (let start = forming - (limit - 1) * STEP; start <= forming; start += STEP) rows.push({ start, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3, turnover: 4 });
      return rows;
    },
  } as unknown as ExchangePort;
  return { port, reads };
}

function follow(clock: Clock) {
  const { port, reads } = venue(clock);
  const source = pollingCandleSource({ exchange: port, clock, confirmDelayMs: DELAY });
  const closes: number[] = [];
  const backfills: number[][] = [];
  // The hub's use of the two feeds (src/runtime/market/marketHub.ts).
  const buffer = new SeriesBuffer(STEP);
  source.onClosed((_s, _i, candle) => {
    closes.push(candle.start);
    buffer.add(candle);
  });
  source.onBackfill?.((_s, _i, rows) => {
    backfills.push(rows.map((r) => r.start));
    buffer.merge(rows);
  });
  source.subscribe('BTCUSDT', '1');
  return { source, closes, backfills, buffer, reads };
}

describe('pollingCandleSource', () => {
  it('a late first poll backfills the older closed rows and confirms only the newest', async () => {
    const clock = new LateClock(T0 + 10 * STEP + 30_000);
    const f = follow(clock);
    // A busy start-up: the first poll, due at 11:00 + 2 s, runs at 17:30.
    await clock.runAt(T0 + 17 * STEP + 30_000);
    expect(f.reads[0]).toBe(64);
    expect(f.closes).toEqual([T0 + 16 * STEP]);
    expect(f.backfills).toHaveLength(1);
    expect(f.backfills[0]!.at(-1)).toBe(T0 + 15 * STEP);
    expect(f.backfills[0]).toHaveLength(62);
    // The buffer is one contiguous run: an actor whose kernel stopped at 10:00 is served from memory.
    expect(f.buffer.after(T0 + 10 * STEP, T0 + 16 * STEP)?.map((c) => (c.start - T0) / STEP)).toEqual([11, 12, 13, 14, 15, 16]);
    f.source.close();
  });

  it('a poll after missed ones reaches back to the last confirmed close and confirms each in order', async () => {
    const clock = new LateClock(T0 + 30_000);
    const f = follow(clock);
    await clock.runAt(T0 + STEP + DELAY);
    expect(f.closes).toEqual([T0]);
    // The next poll, due at 2:02, runs at 6:02: one read reaches back to the 0:00 close.
    await clock.runAt(T0 + 6 * STEP + DELAY);
    expect(f.reads.at(-1)).toBeGreaterThanOrEqual(7);
    expect(f.closes).toEqual([0, 1, 2, 3, 4, 5].map((k) => T0 + k * STEP));
    expect(f.buffer.after(T0, T0 + 5 * STEP)).toHaveLength(5);
    f.source.close();
  });
});
