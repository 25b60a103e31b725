import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import { DEFAULT_MAX_ACTORS } from '../../config/schema.ts';
import { applyHeapGrowth, applySemiSpaceGrowth } from '../../src/runtime/heapGrowth.ts';
import { spawnSync } from 'node:child_process';

/** Finding 7: an upper bound on actors, sized from the measured memory per actor. */
const symbols = (n: number) => Array.from({ length: n }, (_, i) => `Z${String(i).padStart(5, '0')}USDT`);

describe('limits.maxActors', () => {
  it('refuses the 60,000-preset configuration with a clear message', () => {
    const strategies = Array.from({ length: 60_000 }, (_, i) => ({ id: `p${i}`, type: 'range', symbols: ['BTCUSDT'] }));
    const loaded = loadConfig({ env: {}, overrides: { strategies } });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems).toContainEqual(expect.stringMatching(/^strategies: 60000 actors \(enabled presets x symbols\) exceed limits\.maxActors 4000; /));
  });

  it('counts enabled presets x symbols against the limit; the limit itself is accepted', () => {
    expect(DEFAULT_MAX_ACTORS).toBe(4_000);
    const at = loadConfig({ env: {}, overrides: { strategies: [{ id: 'a', type: 'range', symbols: symbols(2_000) }, { id: 'b', type: 'range', symbols: symbols(2_000) }] } });
    expect(at.ok).toBe(true);
    const over = loadConfig({ env: {}, overrides: { strategies: [{ id: 'a', type: 'range', symbols: symbols(2_000) }, { id: 'b', type: 'range', symbols: symbols(2_001) }] } });
    expect(over.ok).toBe(false);
    // A disabled preset runs no actor.
    const disabled = loadConfig({ env: {}, overrides: { strategies: [{ id: 'a', type: 'range', symbols: symbols(2_000) }, { id: 'b', type: 'range', symbols: symbols(2_001), enabled: false }] } });
    expect(disabled.ok).toBe(true);
    const raised = loadConfig({ env: {}, overrides: { limits: { maxActors: 5_000 }, strategies: [{ id: 'a', type: 'range', symbols: symbols(4_500) }] } });
    expect(raised.ok).toBe(true);
  });
});

describe('limits.heapGrowingPercent', () => {
  it('defaults to 50 and names the field when out of range', () => {
    const loaded = loadConfig({ env: {}, overrides: {} });
    expect(loaded.ok && loaded.config.limits.heapGrowingPercent).toBe(50);
    const bad = loadConfig({ env: {}, overrides: { limits: { heapGrowingPercent: -5 } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/limits\.heapGrowingPercent/);
  });

  it('becomes the V8 flag the start sets (0 gives the choice back to V8)', () => {
    const set: string[] = [];
    expect(applyHeapGrowth(100, (f) => set.push(f))).toBe('--heap-growing-percent=100');
    applyHeapGrowth(0, (f) => set.push(f));
    expect(set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });
});

describe('limits.semiSpaceGrowthFactor', () => {
  it('defaults to 1 and names the field when out of range', () => {
    const loaded = loadConfig({ env: {}, overrides: {} });
    expect(loaded.ok && loaded.config.limits.semiSpaceGrowthFactor).toBe(1);
    const bad = loadConfig({ env: {}, overrides: { limits: { semiSpaceGrowthFactor: 9 } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/limits\.semiSpaceGrowthFactor/);
  });

  it('becomes the V8 flag the start sets (0 sets none)', () => {
    const set: string[] = [];
    expect(applySemiSpaceGrowth(1, (f) => set.push(f))).toBe('--semi-space-growth-factor=1');
    expect(applySemiSpaceGrowth(0, (f) => set.push(f))).toBeNull();
    expect(set).toEqual(['--semi-space-growth-factor=1']);
  });

  it('set at run time, keeps V8 from growing the young generation under steady allocation', () => {
    // A child process keeps a window of short-lived objects alive, as the actors' cycles do,
    // and reports the largest new-space size it saw (MB).
    const script = (flag: boolean) => `
      const v8 = require('node:v8');
      if (${flag}) v8.setFlagsFromString('--semi-space-growth-factor=1');
      let max = 0; const keep = new Array(20000);
      for (let i = 0; i < 400000; i++) {
        keep[i % 20000] = { i, s: 'x' + i, a: [i, i + 1, i + 2] };
        if (i % 1000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      }
      process.stdout.write(String(max / 1048576));`;
    const run = (flag: boolean) => Number(spawnSync(process.execPath, ['-e', script(flag)], { encoding: 'utf8' }).stdout);
    const capped = run(true);
    const free = run(false);
    expect(capped).toBeGreaterThan(0);
    expect(capped).toBeLessThanOrEqual(2);
    expect(free).toBeGreaterThan(2 * capped);
  });
});
