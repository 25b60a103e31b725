import { hashString, mulberry32, type Random } from '../core/rng.ts';

/**
 * Deterministic uuid-shaped ids (Bybit orderIds look like uuids). A seeded stream rather
 * than a counter, so ids look random, yet two runs with the same seed agree exactly.
 */
export class IdGenerator {
  private readonly random: Random;

  constructor(seed: number, stream: string) {
    this.random = mulberry32(hashString(`${seed}:ids:${stream}`));
  }

  next(): string {
    const hex = (): string => Math.floor(this.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
    const a = hex();
    const b = hex();
    const c = hex();
    const d = hex();
    // Version nibble 4 and variant bits 10xx, as in a v4 uuid.
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}
