import { describe, expect, it } from 'vitest';
import {
  backoffResetAfter,
  fullJitterDelay,
  intensityExceeded,
  pruneWindow,
  restartDelay,
} from '../../../src/core/supervision/policies.ts';
import { mulberry32 } from '../../../src/core/rng.ts';

const backoff = { minMs: 3_000, maxMs: 30_000, jitter: 0.2 };

describe('restart backoff (Akka restartWithBackoff)', () => {
  it('doubles from min and caps at max without jitter: 3, 6, 12, 24, 30, 30 s', () => {
    const noJitter = { ...backoff, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5].map((n) => restartDelay(n, noJitter, () => 0.5))).toEqual([3_000, 6_000, 12_000, 24_000, 30_000, 30_000]);
  });

  it('adds at most jitter x delay of random extra time', () => {
    const random = mulberry32(7);
    for (let n = 0; n < 50; n++) {
      const base = Math.min(30_000, 3_000 * 2 ** Math.min(n, 30));
      const d = restartDelay(n, backoff, random);
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThanOrEqual(Math.round(base * 1.2));
    }
  });

  it('resets after (min + max) / 2 of quiet running', () => {
    expect(backoffResetAfter(backoff)).toBe(16_500);
  });
});

describe('full jitter retries', () => {
  it('stays within [0, min(cap, base * 2^attempt)]', () => {
    const random = mulberry32(1);
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = fullJitterDelay(attempt, 500, 10_000, random);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(10_000, 500 * 2 ** attempt));
    }
    expect(fullJitterDelay(3, 500, 10_000, () => 1)).toBe(4_000);
  });
});

describe('restart intensity (OTP MaxR in MaxT)', () => {
  it('allows `intensity` restarts within the period and refuses the next one', () => {
    expect(intensityExceeded([], 10_000, 3, 60_000)).toBe(false);
    expect(intensityExceeded([1_000, 2_000], 10_000, 3, 60_000)).toBe(false);
    expect(intensityExceeded([1_000, 2_000, 3_000], 10_000, 3, 60_000)).toBe(true);
  });

  it('forgets restarts older than the period', () => {
    expect(intensityExceeded([1_000, 2_000, 3_000], 62_500, 3, 60_000)).toBe(false);
    expect(pruneWindow([1_000, 2_000, 3_000, 50_000], 62_500, 60_000)).toEqual([3_000, 50_000]);
  });
});
