/**
 * A cache bounded in entries and bytes whose entries also expire with age (the ML filter's
 * model and feature caches). The clock is injected (real ms at the edges, a manual clock in
 * tests). On every write and read, entries older than maxAgeMs are evicted first, then the
 * least recently used ones until both bounds hold; an entry larger than maxBytes on its
 * own is not kept at all. Sizes are what the caller says an entry costs.
 */
export interface CacheBounds {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
  readonly storedAt: number;
}

export class BoundedCache<K, V> {
  /** Map order = recency: a hit moves the entry to the end. */
  private readonly entries = new Map<K, Entry<V>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(
    readonly name: string,
    private readonly bounds: CacheBounds,
    private readonly now: () => number,
  ) {}

  get(key: K): V | undefined {
    this.expire();
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, bytes: number): void {
    this.remove(key);
    if (bytes > this.bounds.maxBytes) return;
    this.entries.set(key, { value, bytes, storedAt: this.now() });
    this.bytes += bytes;
    this.expire();
    for (const [k] of this.entries) {
      if (this.entries.size <= this.bounds.maxEntries && this.bytes <= this.bounds.maxBytes) break;
      this.evict(k);
    }
  }

  /** The cached value, or `load()`'s (cached with the size it reports). */
  getOrLoad(key: K, load: () => { value: V; bytes: number }): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const loaded = load();
    this.set(key, loaded.value, loaded.bytes);
    return loaded.value;
  }

  stats(): CacheStats {
    this.expire();
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.remove(k);
  }

  private expire(): void {
    const oldest = this.now() - this.bounds.maxAgeMs;
    for (const [k, e] of this.entries) if (e.storedAt <= oldest) this.evict(k);
  }

  private evict(key: K): void {
    if (this.remove(key)) this.evictions++;
  }

  private remove(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.bytes -= e.bytes;
    return true;
  }
}
