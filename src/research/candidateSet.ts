/**
 * The search's "already tried" set, in bounded memory: instead of every candidate's key
 * string (about 100 bytes each in a Set), two 32-bit hashes of the key in an open-addressing
 * table of preallocated typed arrays (8 bytes a slot, at most half full). Sized for the
 * planned number of trials it never grows during a search; it only doubles if far more keys
 * arrive (a space whose points the schema keeps refusing). Two different keys share both
 * hashes with a probability near 2^-64 per pair; such a candidate would be skipped as
 * tried, deterministically (same seed, same skip).
 */
export interface TriedSet {
  has(key: string): boolean;
  add(key: string): unknown;
}

function hash(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3's finaliser: spreads the bits, so the low bits index the table well.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class CandidateSet implements TriedSet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(expected: number) {
    let size = 16;
    while (size < 2 * Math.max(1, expected)) size *= 2;
    this.slots = new Uint32Array(2 * size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    const [a, b] = this.pair(key);
    return this.find(a, b) >= 0;
  }

  add(key: string): this {
    const [a, b] = this.pair(key);
    if (this.find(a, b) >= 0) return this;
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    this.insert(a, b);
    this.count++;
    return this;
  }

  /** The key's two hashes; (0, 0) marks an empty slot, so a key hashing there is moved to (0, 1). */
  private pair(key: string): [number, number] {
    const a = hash(key, 0x811c9dc5);
    const b = hash(key, 0x9e3779b9);
    return a === 0 && b === 0 ? [0, 1] : [a, b];
  }

  private find(a: number, b: number): number {
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const x = this.slots[2 * i]!;
      const y = this.slots[2 * i + 1]!;
      if (x === 0 && y === 0) return -1;
      if (x === a && y === b) return i;
    }
  }

  private insert(a: number, b: number): void {
    let i = a & this.mask;
    while (this.slots[2 * i] !== 0 || this.slots[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    this.slots[2 * i] = a;
    this.slots[2 * i + 1] = b;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}
