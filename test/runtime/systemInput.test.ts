import { describe, expect, it } from 'vitest';
import { AcceleratedClock, clockSpeedOf } from '../../src/clock/acceleratedClock.ts';
import { ManualClock } from '../../src/clock/manualClock.ts';
import { buildSystemInput } from '../../src/runtime/systemInput.ts';
import { testConfig } from '../support/backtestData.ts';

/**
 * The fallback timer's grace after a candle close: the configured one on a real or manual
 * clock; on an accelerated clock at least 100 real ms, so timer and socket delays (a real
 * millisecond is `speed` simulated ones) do not make the fallback start cycles the kline
 * stream was about to start.
 */
describe('the symbol supervisors fallback tick', () => {
  const config = testConfig({ actor: { tickDelayMs: 2_000, tickFallbackMs: 3_000 } });
  it('waits tickDelayMs + tickFallbackMs on a 1x clock', () => {
    expect(clockSpeedOf(new ManualClock(0))).toBe(1);
    const input = buildSystemInput(config, 0, undefined, 1);
    expect(input.symbols.length).toBeGreaterThan(0);
    for (const s of input.symbols) expect(s.fallbackDelayMs).toBe(5_000);
  });
  it('gives the stream 100 real ms at 300x (30 simulated seconds)', () => {
    const clock = new AcceleratedClock(0, 300);
    expect(clockSpeedOf(clock)).toBe(300);
    for (const s of buildSystemInput(config, 0, undefined, clockSpeedOf(clock)).symbols) expect(s.fallbackDelayMs).toBe(2_000 + 30_000);
  });
});
