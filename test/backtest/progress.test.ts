import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/backtest/progress.ts';

/** A stream that says it is (or is not) a terminal, and keeps what was written. */
function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 160;
  let text = '';
  s.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { s, text: () => text };
}

describe('backtest progress bar', () => {
  it('is silent when the stream is not a terminal', () => {
    const out = stream(false);
    const p = createProgress({ total: 1000, stream: out.s });
    for (let i = 1; i <= 1000; i++) p.update(i);
    p.stop();
    expect(p.redraws).toBe(0);
    expect(out.text()).toBe('');
  });

  it('on a terminal: redraws about every 100 ms of work whatever the update rate, and ends on the final count with candles/s', async () => {
    const out = stream(true);
    let t = 0;
    const total = 1_000_000;
    const p = createProgress({ total, label: 'test', stream: out.s, now: () => t });
    // One update per candle, 1 us of (simulated) work each: 1 s in all, so about 10 redraws.
    for (let i = 1; i <= total; i++) {
      t += 0.001;
      p.update(i);
    }
    p.stop();
    await new Promise((r) => setImmediate(r));
    expect(p.redraws).toBeGreaterThanOrEqual(8);
    expect(p.redraws).toBeLessThanOrEqual(20);
    const text = out.text();
    expect(text).toContain('test [');
    expect(text).toContain('100% | 1000000/1000000 candles | 1,000,000 candles/s');
    expect(text).toContain('ETA');
  });

  it('stop() is idempotent and also ends a run that stopped early', async () => {
    const out = stream(true);
    let t = 0;
    const p = createProgress({ total: 100, stream: out.s, now: () => t });
    t = 500;
    p.update(40);
    p.stop();
    p.stop();
    await new Promise((r) => setImmediate(r));
    expect(out.text()).toContain('40% | 40/100 candles | 80 candles/s');
  });
});
