import type { Candle } from '../../domain/types.ts';

/**
 * Data quality (backlog B1.1-B1.3). The validator never throws: it returns either the
 * candles to use or a typed verdict with every reason found.
 *
 * Two severities, because B1.3 asks for a simplified strategy on data-quality errors:
 * - `degraded`: some rows were bad (NaN, negative, high/low inconsistent, duplicated,
 *   out of order, gaps) and were repaired or dropped; the rest is usable by a strategy's
 *   simplified fallback, but not by the incremental indicators, whose state must not be
 *   fed a holey series.
 * - `unusable`: nothing worth deciding on (empty, stale, all flat, zero volume, too little
 *   history): the iteration is skipped with the reason.
 */

export const QUALITY_REASONS = [
  'EMPTY',
  'NON_FINITE',
  'NEGATIVE',
  'OHLC_INCONSISTENT',
  'OUT_OF_ORDER',
  'DUPLICATE',
  'GAP',
  'ZERO_VOLUME',
  'ALL_FLAT',
  'STALE',
  'INSUFFICIENT_HISTORY',
] as const;
export type QualityReason = (typeof QUALITY_REASONS)[number];

export type QualitySeverity = 'degraded' | 'unusable';

export interface ValidateOptions {
  readonly intervalMs: number;
  /** Exchange-corrected UTC now. */
  readonly now: number;
  /** B1.2: the last closed candle must have closed at most this long ago. */
  readonly maxStalenessMs: number;
  /** Candles the full strategy needs (its warm-up). */
  readonly minCandles: number;
}

export type ValidationResult =
  | { readonly ok: true; readonly candles: readonly Candle[] }
  | {
      readonly ok: false;
      readonly severity: QualitySeverity;
      /** The reason reported as the skip/degradation cause (the most serious one). */
      readonly primary: QualityReason;
      readonly reasons: readonly QualityReason[];
      /** One human-readable sentence with the figures. */
      readonly detail: string;
      /** Repaired candles (sorted, unique, valid rows only); empty when unusable. */
      readonly candles: readonly Candle[];
    };

/** Candles whose period has ended at `now` (Bybit's last kline is usually still forming). */
export function closedCandles(candles: readonly Candle[], intervalMs: number, now: number): Candle[] {
  return candles.filter((c) => !(c.start + intervalMs > now));
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const;

/** Why one row is unusable (null when it is a valid candle). Shared with the incremental WindowValidator. */
export function rowProblem(c: Candle): QualityReason | null {
  return rowProblemOf(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
}

/** rowProblem on plain numbers (no Candle object needed). */
export function rowProblemOf(start: number, open: number, high: number, low: number, close: number, volume: number, turnover: number): QualityReason | null {
  if (!Number.isFinite(start)) return 'NON_FINITE';
  if (!Number.isFinite(open) || !Number.isFinite(high) || !Number.isFinite(low) || !Number.isFinite(close) || !Number.isFinite(volume) || !Number.isFinite(turnover)) {
    return 'NON_FINITE';
  }
  if (open < 0 || high < 0 || low < 0 || close < 0 || volume < 0 || turnover < 0) return 'NEGATIVE';
  if (open <= 0 || close <= 0) return 'NEGATIVE';
  if (high < Math.max(open, close) || low > Math.min(open, close) || low > high) return 'OHLC_INCONSISTENT';
  return null;
}

/**
 * The facts of a window that decide its verdict. `validateCandles` gathers them by scanning
 * the window; the incremental WindowValidator keeps them as running counters. Both then call
 * `verdictOf`, so the two cannot disagree on a reason, a severity or a sentence.
 */
export interface WindowFacts {
  /** Rows received (bad ones included). */
  readonly rows: number;
  /** Newest finite start time among all rows (even bad ones), -Infinity when none. */
  readonly newestStart: number;
  /** Reasons found, in the order the scan meets them (row problems and OUT_OF_ORDER by row, then DUPLICATE, then GAP). */
  readonly reasons: readonly QualityReason[];
  /** Invalid rows dropped. */
  readonly dropped: number;
  /** Valid rows left after sorting and removing duplicates. */
  readonly repaired: number;
  /** Neighbours among the repaired rows that are not exactly one interval apart. */
  readonly gaps: number;
  /** Repaired rows with open = close and high = low. */
  readonly flat: number;
  /** Repaired rows with volume 0 (total volume is 0 exactly when this equals `repaired`). */
  readonly zeroVolume: number;
}

export type WindowVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly severity: QualitySeverity;
      readonly primary: QualityReason;
      readonly reasons: readonly QualityReason[];
      readonly detail: string;
    };

export const OK_VERDICT: WindowVerdict = { ok: true };

function unusableVerdict(primary: QualityReason, reasons: readonly QualityReason[], detail: string): WindowVerdict {
  return { ok: false, severity: 'unusable', primary, reasons: [...new Set([primary, ...reasons])], detail };
}

/** The verdict on a window from its facts (see validateCandles for the rules). */
export function verdictOf(f: WindowFacts, options: ValidateOptions): WindowVerdict {
  const { intervalMs, now, maxStalenessMs, minCandles } = options;
  if (f.rows === 0) return unusableVerdict('EMPTY', [], 'no closed candles returned');
  // Staleness is about when the exchange last published, so it is judged on the newest
  // start time received (even if that row is otherwise bad): NaN is bad data, not old data.
  if (f.newestStart === -Infinity) return unusableVerdict('NON_FINITE', [], 'no candle has a finite start time');
  const ageMs = now - (f.newestStart + intervalMs);
  if (ageMs > maxStalenessMs) {
    return unusableVerdict('STALE', [], `last closed candle ended ${Math.round(ageMs / 1000)} s ago (limit ${Math.round(maxStalenessMs / 1000)} s)`);
  }
  const reasons = f.reasons;
  if (f.repaired === 0) return unusableVerdict(reasons[0] ?? 'EMPTY', reasons, `all ${f.rows} candles were invalid`);
  if (f.flat === f.repaired) return unusableVerdict('ALL_FLAT', reasons, `all ${f.repaired} candles are flat (trading halt or bad feed)`);
  if (f.zeroVolume === f.repaired) return unusableVerdict('ZERO_VOLUME', reasons, `total volume of ${f.repaired} candles is 0`);
  if (reasons.length > 0) {
    const counts = [f.dropped > 0 ? `${f.dropped} invalid row(s) dropped` : '', f.gaps > 0 ? `${f.gaps} gap(s)` : ''].filter(Boolean).join(', ');
    if (f.repaired < 2) return unusableVerdict(reasons[0]!, reasons, `only ${f.repaired} usable candle(s) left after repair`);
    return {
      ok: false,
      severity: 'degraded',
      primary: reasons[0]!,
      reasons,
      detail: `${reasons.join(', ')}${counts ? ` (${counts})` : ''}; ${f.repaired} of ${f.rows} candles usable`,
    };
  }
  if (f.repaired < minCandles) {
    return unusableVerdict('INSUFFICIENT_HISTORY', reasons, `${f.repaired} closed candles, the strategy needs ${minCandles}`);
  }
  return OK_VERDICT;
}

/** Checks closed candles (oldest first expected) and returns what may be traded on. */
export function validateCandles(candles: readonly Candle[], options: ValidateOptions): ValidationResult {
  const reasons = new Set<QualityReason>();
  let newestStart = -Infinity;
  for (const c of candles) if (Number.isFinite(c.start) && c.start > newestStart) newestStart = c.start;

  const valid: Candle[] = [];
  let dropped = 0;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    const problem = rowProblem(c);
    if (problem) {
      reasons.add(problem);
      dropped++;
      continue;
    }
    const prev = valid[valid.length - 1];
    if (prev && c.start < prev.start) reasons.add('OUT_OF_ORDER');
    valid.push(c);
  }

  // Sort and de-duplicate by start (the later row wins: it is the exchange's latest word).
  const byStart = new Map<number, Candle>();
  for (const c of valid) {
    if (byStart.has(c.start)) reasons.add('DUPLICATE');
    byStart.set(c.start, c);
  }
  const repaired = [...byStart.values()].sort((a, b) => a.start - b.start);
  let gaps = 0;
  for (let i = 1; i < repaired.length; i++) {
    if (repaired[i]!.start - repaired[i - 1]!.start !== options.intervalMs) gaps++;
  }
  if (gaps > 0) reasons.add('GAP');
  let flat = 0;
  let zeroVolume = 0;
  for (const c of repaired) {
    if (c.open === c.close && c.high === c.low) flat++;
    if (c.volume === 0) zeroVolume++;
  }
  const verdict = verdictOf({ rows: candles.length, newestStart, reasons: [...reasons], dropped, repaired: repaired.length, gaps, flat, zeroVolume }, options);
  if (verdict.ok) return { ok: true, candles: repaired };
  return { ...verdict, candles: verdict.severity === 'unusable' ? [] : repaired };
}
