import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/ml/boundedCache.ts';
import { cachedMarketColumns } from '../../src/ml/caches.ts';
import { featureMarket } from '../core/ml/support/featureMarket.ts';

function cache(maxEntries: number, maxBytes: number, maxAgeMs: number) {
  let t = 0;
  const c = new BoundedCache<string, string>('test', { maxEntries, maxBytes, maxAgeMs }, () => t);
  return { c, advance: (ms: number) => (t += ms) };
}

describe('ML caches', () => {
  it('hold at most maxEntries, evicting the least recently used', () => {
    const { c } = cache(3, 1_000_000, 60_000);
    for (const k of ['a', 'b', 'c']) c.set(k, k, 10);
    expect(c.get('a')).toBe('a'); // a is now the most recent
    c.set('d', 'd', 10);
    expect(c.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => c.get(k))).toEqual(['a', 'c', 'd']);
    expect(c.stats()).toMatchObject({ entries: 3, bytes: 30, evictions: 1 });
  });

  it('hold at most maxBytes, and never an entry larger than the bound', () => {
    const { c } = cache(100, 100, 60_000);
    c.set('a', 'a', 40);
    c.set('b', 'b', 40);
    c.set('c', 'c', 40);
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 80 });
    expect(c.get('a')).toBeUndefined();
    c.set('huge', 'x', 101);
    expect(c.get('huge')).toBeUndefined();
    expect(c.stats().bytes).toBeLessThanOrEqual(100);
    c.set('b', 'b2', 10); // replacing an entry replaces its size
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 50 });
  });

  it('evict entries by age on the injected clock', () => {
    const { c, advance } = cache(100, 1_000_000, 1_000);
    c.set('old', 'o', 5);
    advance(600);
    c.set('young', 'y', 5);
    advance(500);
    expect(c.get('old')).toBeUndefined();
    expect(c.get('young')).toBe('y');
    expect(c.stats()).toMatchObject({ entries: 1, bytes: 5, evictions: 1 });
    advance(600);
    expect(c.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('compute a series feature columns once, keyed by its content', () => {
    let t = 0;
    const features = new BoundedCache<string, ReturnType<typeof cachedMarketColumns>>('feature', { maxEntries: 4, maxBytes: 1_000_000, maxAgeMs: 60_000 }, () => t);
    const s = { ...featureMarket(500), symbol: 'BTCUSDT', interval: '60' };
    const first = cachedMarketColumns(features, s, 3_600_000);
    expect(cachedMarketColumns(features, { ...s, close: s.close.slice() }, 3_600_000)).toBe(first);
    expect(features.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1, bytes: 500 * 6 * 8 + 500 * 4 });
    const changed = s.close.slice();
    changed[499] = changed[499]! * 1.01;
    expect(cachedMarketColumns(features, { ...s, close: changed }, 3_600_000)).not.toBe(first);
    t += 60_001;
    expect(features.stats().entries).toBe(0);
  });
});
