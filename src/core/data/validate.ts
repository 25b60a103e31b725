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

function rowProblem(c: Candle): QualityReason | null {
  if (!Number.isFinite(c.start)) return 'NON_FINITE';
  for (const f of FIELDS) if (!Number.isFinite(c[f])) return 'NON_FINITE';
  for (const f of FIELDS) if (c[f] < 0) return 'NEGATIVE';
  if (c.open <= 0 || c.close <= 0) return 'NEGATIVE';
  if (c.high < Math.max(c.open, c.close) || c.low > Math.min(c.open, c.close) || c.low > c.high) return 'OHLC_INCONSISTENT';
  return null;
}

const unusable = (primary: QualityReason, reasons: Set<QualityReason>, detail: string): ValidationResult => ({
  ok: false,
  severity: 'unusable',
  primary,
  reasons: [...new Set([primary, ...reasons])],
  detail,
  candles: [],
});

/** Checks closed candles (oldest first expected) and returns what may be traded on. */
export function validateCandles(candles: readonly Candle[], options: ValidateOptions): ValidationResult {
  const { intervalMs, now, maxStalenessMs, minCandles } = options;
  const reasons = new Set<QualityReason>();
  if (candles.length === 0) return unusable('EMPTY', reasons, 'no closed candles returned');

  // Staleness is about when the exchange last published, so it is judged on the newest
  // start time received (even if that row is otherwise bad): NaN is bad data, not old data.
  let newestStart = -Infinity;
  for (const c of candles) if (Number.isFinite(c.start) && c.start > newestStart) newestStart = c.start;
  if (newestStart === -Infinity) return unusable('NON_FINITE', reasons, 'no candle has a finite start time');
  const ageMs = now - (newestStart + intervalMs);
  if (ageMs > maxStalenessMs) {
    return unusable('STALE', reasons, `last closed candle ended ${Math.round(ageMs / 1000)} s ago (limit ${Math.round(maxStalenessMs / 1000)} s)`);
  }

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
    if (repaired[i]!.start - repaired[i - 1]!.start !== intervalMs) gaps++;
  }
  if (gaps > 0) reasons.add('GAP');

  if (repaired.length === 0) {
    return unusable([...reasons][0] ?? 'EMPTY', reasons, `all ${candles.length} candles were invalid`);
  }
  let totalVolume = 0;
  let flat = 0;
  for (const c of repaired) {
    totalVolume += c.volume;
    if (c.open === c.close && c.high === c.low) flat++;
  }
  if (flat === repaired.length) {
    return unusable('ALL_FLAT', reasons, `all ${repaired.length} candles are flat (trading halt or bad feed)`);
  }
  if (totalVolume === 0) {
    return unusable('ZERO_VOLUME', reasons, `total volume of ${repaired.length} candles is 0`);
  }

  if (reasons.size > 0) {
    const list = [...reasons];
    const counts = [dropped > 0 ? `${dropped} invalid row(s) dropped` : '', gaps > 0 ? `${gaps} gap(s)` : ''].filter(Boolean).join(', ');
    if (repaired.length < 2) {
      return unusable(list[0]!, reasons, `only ${repaired.length} usable candle(s) left after repair`);
    }
    return {
      ok: false,
      severity: 'degraded',
      primary: list[0]!,
      reasons: list,
      detail: `${list.join(', ')}${counts ? ` (${counts})` : ''}; ${repaired.length} of ${candles.length} candles usable`,
      candles: repaired,
    };
  }
  if (repaired.length < minCandles) {
    return unusable('INSUFFICIENT_HISTORY', reasons, `${repaired.length} closed candles, the strategy needs ${minCandles}`);
  }
  return { ok: true, candles: repaired };
}
