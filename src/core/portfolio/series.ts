import { DAY_MS } from '../data/utcTime.ts';

/**
 * Statistics of candle windows for the allocation: volatility per symbol, returns on a
 * common grid, covariance and correlation. Input rows may contain bad values (the stored
 * or fetched candles as they are): a row that is not finite and positive, or whose high is
 * below its low, is skipped. Pure and deterministic; allocates only its results.
 */
export interface SeriesWindow {
  readonly stepMs: number;
  readonly length: number;
  readonly start: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

export function validRow(w: SeriesWindow, i: number): boolean {
  const h = w.high[i]!;
  const l = w.low[i]!;
  const c = w.close[i]!;
  return Number.isFinite(w.start[i]!) && h > 0 && l > 0 && c > 0 && h >= l && Number.isFinite(h) && Number.isFinite(c);
}

function stdev(values: ArrayLike<number>, n: number): number {
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Fewest returns a volatility or correlation is computed from; fewer gives NaN (unknown). */
export const MIN_OBSERVATIONS = 10;

/** Standard deviation of the log returns between adjacent valid rows, scaled to one day. */
export function realisedVolatility(w: SeriesWindow): number {
  const returns = new Float64Array(Math.max(0, w.length - 1));
  let n = 0;
  let prev = -1;
  for (let i = 0; i < w.length; i++) {
    if (!validRow(w, i)) continue;
    if (prev >= 0 && w.start[i]! - w.start[prev]! === w.stepMs) returns[n++] = Math.log(w.close[i]! / w.close[prev]!);
    prev = i;
  }
  return n < MIN_OBSERVATIONS ? Number.NaN : stdev(returns, n) * Math.sqrt(DAY_MS / w.stepMs);
}

/** Mean true range over the close (ATR%), scaled to one day like a volatility (x sqrt(candles per day)). */
export function atrVolatility(w: SeriesWindow): number {
  let sum = 0;
  let n = 0;
  let prev = -1;
  for (let i = 0; i < w.length; i++) {
    if (!validRow(w, i)) continue;
    if (prev >= 0 && w.start[i]! - w.start[prev]! === w.stepMs) {
      const pc = w.close[prev]!;
      const tr = Math.max(w.high[i]! - w.low[i]!, Math.abs(w.high[i]! - pc), Math.abs(w.low[i]! - pc));
      sum += tr / w.close[i]!;
      n++;
    }
    prev = i;
  }
  return n < MIN_OBSERVATIONS ? Number.NaN : (sum / n) * Math.sqrt(DAY_MS / w.stepMs);
}

/**
 * Log returns of every window on one grid (the coarsest step among them): closes at grid
 * ends present in every window, and returns only between adjacent grid points. Row r of
 * the result holds one return per window.
 */
export function alignedReturns(windows: readonly SeriesWindow[]): { readonly rows: number; readonly returns: Float64Array[] } {
  const k = windows.length;
  if (k === 0) return { rows: 0, returns: [] };
  let grid = 0;
  for (const w of windows) grid = Math.max(grid, w.stepMs);
  const pos = new Array<number>(k).fill(0);
  const maxRows = Math.min(...windows.map((w) => w.length));
  const returns = windows.map(() => new Float64Array(Math.max(0, maxRows)));
  const prevClose = new Float64Array(k);
  let prevEnd = Number.NaN;
  let rows = 0;
  // Advance every window to the next end time on the grid that all of them have (a k-way merge).
  for (;;) {
    let target = Number.NEGATIVE_INFINITY;
    let done = false;
    for (let j = 0; j < k; j++) {
      const w = windows[j]!;
      while (pos[j]! < w.length && !(validRow(w, pos[j]!) && (w.start[pos[j]!]! + w.stepMs) % grid === 0)) pos[j]!++;
      if (pos[j]! >= w.length) done = true;
      else target = Math.max(target, w.start[pos[j]!]! + w.stepMs);
    }
    if (done) break;
    let aligned = true;
    for (let j = 0; j < k; j++) {
      const w = windows[j]!;
      if (w.start[pos[j]!]! + w.stepMs < target) {
        pos[j]!++;
        aligned = false;
      }
    }
    if (!aligned) continue;
    const adjacent = target - prevEnd === grid;
    for (let j = 0; j < k; j++) {
      const c = windows[j]!.close[pos[j]!]!;
      if (adjacent && rows < maxRows) returns[j]![rows] = Math.log(c / prevClose[j]!);
      prevClose[j] = c;
      pos[j]!++;
    }
    if (adjacent && rows < maxRows) rows++;
    prevEnd = target;
  }
  return { rows, returns };
}

/** Sample covariance matrix of k return series over their first `rows` rows. */
export function covariance(returns: readonly Float64Array[], rows: number): number[][] {
  const k = returns.length;
  const means = returns.map((r) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += r[i]!;
    return rows > 0 ? s / rows : Number.NaN;
  });
  const out: number[][] = [];
  for (let a = 0; a < k; a++) {
    out.push([]);
    for (let b = 0; b < k; b++) {
      if (b < a) {
        out[a]!.push(out[b]![a]!);
        continue;
      }
      let s = 0;
      for (let i = 0; i < rows; i++) s += (returns[a]![i]! - means[a]!) * (returns[b]![i]! - means[b]!);
      out[a]!.push(rows >= 2 ? s / (rows - 1) : Number.NaN);
    }
  }
  return out;
}

/** Correlation matrix from a covariance matrix (NaN where a variance is 0 or unknown). */
export function correlationOf(cov: readonly (readonly number[])[]): number[][] {
  return cov.map((row, a) =>
    row.map((c, b) => {
      if (a === b) return cov[a]![a]! > 0 ? 1 : Number.NaN;
      const d = Math.sqrt(cov[a]![a]! * cov[b]![b]!);
      return d > 0 ? Math.max(-1, Math.min(1, c / d)) : Number.NaN;
    }),
  );
}

/** Columns of one series (stored columns or fetched candles converted once). */
export interface SeriesColumns {
  readonly length: number;
  readonly start: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** First index whose start is >= value (starts ascending). */
function lowerBound(start: Float64Array, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows with start >= from whose candle has closed by `at` (start + step <= at), without copying. */
export function sliceWindow(c: SeriesColumns, stepMs: number, from: number, at: number): SeriesWindow {
  const lo = lowerBound(c.start, c.length, from);
  const hi = Math.max(lo, lowerBound(c.start, c.length, at - stepMs + 1));
  return { stepMs, length: hi - lo, start: c.start.subarray(lo, hi), high: c.high.subarray(lo, hi), low: c.low.subarray(lo, hi), close: c.close.subarray(lo, hi) };
}

/** Candles (oldest first) as columns. */
export function columnsOf(candles: readonly { readonly start: number; readonly high: number; readonly low: number; readonly close: number }[]): SeriesColumns {
  const n = candles.length;
  const out = { length: n, start: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    out.start[i] = c.start;
    out.high[i] = c.high;
    out.low[i] = c.low;
    out.close[i] = c.close;
  }
  return out;
}
