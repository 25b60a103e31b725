import type { Candle } from '../../../src/domain/types.ts';

/**
 * Independent reference implementations written straight from the textbook formulas, as
 * whole-array loops that recompute every value from scratch (no reducers, no shared code
 * with src/core/indicators). Index i holds the value at candle i, null during warm-up.
 */

export function refSma(values: readonly number[], n: number): (number | null)[] {
  return values.map((_, i) => {
    if (i < n - 1) return null;
    let s = 0;
    for (let k = i - n + 1; k <= i; k++) s += values[k]!;
    return s / n;
  });
}

/** EMA seeded by the SMA of the first n values, alpha = 2 / (n + 1). */
export function refEma(values: readonly number[], n: number): (number | null)[] {
  const out: (number | null)[] = [];
  let ema: number | null = null;
  values.forEach((v, i) => {
    if (i < n - 1) out.push(null);
    else if (i === n - 1) out.push((ema = values.slice(0, n).reduce((a, b) => a + b, 0) / n));
    else out.push((ema = (ema as number) * (1 - 2 / (n + 1)) + v * (2 / (n + 1))));
  });
  return out;
}

/** Wilder: first value = mean of the first n inputs, then (prev x (n - 1) + x) / n. */
function wilder(inputs: readonly number[], n: number): (number | null)[] {
  const out: (number | null)[] = [];
  let avg: number | null = null;
  inputs.forEach((x, i) => {
    if (i < n - 1) out.push(null);
    else if (i === n - 1) out.push((avg = inputs.slice(0, n).reduce((a, b) => a + b, 0) / n));
    else out.push((avg = ((avg as number) * (n - 1) + x) / n));
  });
  return out;
}

export function refRsi(closes: readonly number[], n: number): (number | null)[] {
  const gains: number[] = [];
  const losses: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const d = closes[i]! - closes[i - 1]!;
    gains.push(Math.max(d, 0));
    losses.push(Math.max(-d, 0));
  }
  const ag = wilder(gains, n);
  const al = wilder(losses, n);
  return closes.map((_, i) => {
    if (i === 0) return null;
    const g = ag[i - 1];
    const l = al[i - 1];
    if (g == null || l == null) return null;
    if (l === 0) return g === 0 ? 50 : 100;
    return 100 - 100 / (1 + g / l);
  });
}

export function refTrueRanges(c: readonly Candle[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < c.length; i++) {
    const { high, low } = c[i]!;
    const pc = c[i - 1]!.close;
    out.push(Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc)));
  }
  return out;
}

export function refAtr(c: readonly Candle[], n: number): (number | null)[] {
  const atr = wilder(refTrueRanges(c), n);
  return c.map((_, i) => (i === 0 ? null : (atr[i - 1] ?? null)));
}

export function refBollinger(values: readonly number[], n: number, k: number): ({ middle: number; upper: number; lower: number } | null)[] {
  return values.map((_, i) => {
    if (i < n - 1) return null;
    const w = values.slice(i - n + 1, i + 1);
    const m = w.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / n);
    return { middle: m, upper: m + k * sd, lower: m - k * sd };
  });
}

export function refAdx(c: readonly Candle[], n: number): ({ adx: number; plusDI: number; minusDI: number } | null)[] {
  const tr = refTrueRanges(c);
  const pdm: number[] = [];
  const mdm: number[] = [];
  for (let i = 1; i < c.length; i++) {
    const up = c[i]!.high - c[i - 1]!.high;
    const down = c[i - 1]!.low - c[i]!.low;
    pdm.push(up > down && up > 0 ? up : 0);
    mdm.push(down > up && down > 0 ? down : 0);
  }
  const str = wilder(tr, n);
  const sp = wilder(pdm, n);
  const sm = wilder(mdm, n);
  const dis = str.map((t, j) => (t === null ? null : { p: (100 * sp[j]!) / t, m: (100 * sm[j]!) / t }));
  const dx = dis.filter((d) => d !== null).map((d) => (100 * Math.abs(d.p - d.m)) / (d.p + d.m));
  const adx = wilder(dx, n);
  const firstDi = dis.findIndex((d) => d !== null);
  return c.map((_, i) => {
    const j = i - 1;
    const d = dis[j];
    const a = j - firstDi >= 0 ? adx[j - firstDi] : null;
    if (!d || a == null) return null;
    return { adx: a, plusDI: d.p, minusDI: d.m };
  });
}

export function refDonchian(c: readonly Candle[], n: number): ({ upper: number; lower: number } | null)[] {
  return c.map((_, i) => {
    if (i < n - 1) return null;
    const w = c.slice(i - n + 1, i + 1);
    return { upper: Math.max(...w.map((x) => x.high)), lower: Math.min(...w.map((x) => x.low)) };
  });
}

/** Volume ratio: last volume over the mean of the n volumes before it. */
export function refVolumeRatio(volumes: readonly number[], n: number): ({ mean: number; ratio: number } | null)[] {
  return volumes.map((v, i) => {
    if (i < n) return null;
    const mean = volumes.slice(i - n, i).reduce((a, b) => a + b, 0) / n;
    return { mean, ratio: mean > 0 ? v / mean : 0 };
  });
}

/** Session VWAP = sum(tp x v) / sum(v) since 00:00 UTC; sd = sqrt(sum(v (tp - vwap)^2) / sum(v)). */
export function refVwap(c: readonly Candle[]): ({ vwap: number; stdDev: number } | null)[] {
  return c.map((x, i) => {
    const day = Math.floor(x.start / 86_400_000);
    const session = c.slice(0, i + 1).filter((y) => Math.floor(y.start / 86_400_000) === day);
    const tp = session.map((y) => (y.high + y.low + y.close) / 3);
    const vol = session.reduce((a, y) => a + y.volume, 0);
    if (vol === 0) return null;
    const vwap = session.reduce((a, y, k) => a + tp[k]! * y.volume, 0) / vol;
    const variance = session.reduce((a, y, k) => a + y.volume * (tp[k]! - vwap) ** 2, 0) / vol;
    return { vwap, stdDev: Math.sqrt(variance) };
  });
}

/** Groups base candles by UTC-aligned bucket; keeps only buckets whose last base candle is present. */
export function refAggregate(c: readonly Candle[], baseMs: number, targetMs: number): Candle[] {
  const groups = new Map<number, Candle[]>();
  for (const x of c) {
    const b = Math.floor(x.start / targetMs) * targetMs;
    groups.set(b, [...(groups.get(b) ?? []), x]);
  }
  const out: Candle[] = [];
  for (const [b, g] of groups) {
    if (g[g.length - 1]!.start + baseMs !== b + targetMs) continue;
    out.push({
      start: b,
      open: g[0]!.open,
      high: Math.max(...g.map((x) => x.high)),
      low: Math.min(...g.map((x) => x.low)),
      close: g[g.length - 1]!.close,
      volume: g.reduce((a, x) => a + x.volume, 0),
      turnover: g.reduce((a, x) => a + x.turnover, 0),
    });
  }
  return out;
}
