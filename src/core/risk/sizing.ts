import type { Instrument } from '../../domain/types.ts';
import { floorToStep } from '../steps.ts';
import type { RiskDenialCode, RiskLimits } from './types.ts';
import { num, positiveOrZero } from './format.ts';
import { MARGIN_HEADROOM, chooseLeverage, leverageBounds } from './leverage.ts';

/**
 * Position size (backlog D2.2): risk equity x riskPerTradePct x score over the stop
 * distance, then CAPPED (never denied for being large) by every limit, floored to the
 * quantity step (never rounded up), and denied only when what remains is below the
 * instrument's minimums, with the limit that squeezed it named in the reason.
 */

export type SizeCap = 'maxPositionPct' | 'maxTotalExposurePct' | 'maxCorrelatedExposurePct' | 'maxLeverage' | 'availableMargin' | 'maxMktOrderQty';

export interface SizingInput {
  readonly equity: number;
  readonly availableBalance: number;
  /** Notional of the positions already open. */
  readonly openExposure: number;
  readonly entryPrice: number;
  /** |entry - stop| on the tick grid, > 0. */
  readonly stopDistance: number;
  readonly score: number;
  readonly limits: RiskLimits;
  readonly instrument: Instrument;
  /** The preset's capital budget (portfolio allocation): risk per trade and maxPositionPct are of it instead of the equity. */
  readonly budget?: number;
  /** Notional still allowed to the correlated same-direction positions (risk.maxCorrelatedExposurePct). */
  readonly correlatedRoom?: number;
}

export interface SizedEntry {
  readonly ok: true;
  readonly qty: number;
  readonly notional: number;
  readonly leverage: number;
  readonly riskBudget: number;
  /** Size before caps, in base coin. */
  readonly riskQty: number;
  /** Caps below the risk-based size, tightest first. */
  readonly cappedBy: readonly SizeCap[];
}

export interface SizingDenial {
  readonly ok: false;
  readonly code: RiskDenialCode;
  readonly reason: string;
}

/** Denial code when the size ends up below the minimums: blame the cap that squeezed it, if any. */
function tooSmallCode(binding: SizeCap | undefined, fallback: RiskDenialCode): RiskDenialCode {
  if (binding === 'maxTotalExposurePct') return 'EXPOSURE_LIMIT';
  if (binding === 'availableMargin') return 'INSUFFICIENT_MARGIN';
  if (binding === 'maxCorrelatedExposurePct') return 'CORRELATED_EXPOSURE';
  return fallback;
}

export function sizeEntry(input: SizingInput): SizedEntry | SizingDenial {
  const { equity, entryPrice, stopDistance, limits, instrument } = input;
  const available = positiveOrZero(input.availableBalance);
  if (available <= 0) return { ok: false, code: 'INSUFFICIENT_MARGIN', reason: `available balance is ${num(input.availableBalance)}` };
  const exposureLimit = (equity * positiveOrZero(limits.maxTotalExposurePct)) / 100;
  const room = exposureLimit - input.openExposure;
  if (!(room > 0)) {
    return { ok: false, code: 'EXPOSURE_LIMIT', reason: `open exposure ${num(input.openExposure)} already uses the total limit ${num(exposureLimit)} (${num(limits.maxTotalExposurePct)}% of equity)` };
  }
  const bounds = leverageBounds(instrument, limits);
  const capital = input.budget ?? equity;
  const riskBudget = (capital * positiveOrZero(limits.riskPerTradePct) * Math.min(1, positiveOrZero(input.score))) / 100;
  const riskQty = riskBudget / stopDistance;
  const caps: readonly { readonly name: SizeCap; readonly qty: number }[] = [
    { name: 'maxPositionPct', qty: (capital * positiveOrZero(limits.maxPositionPct)) / 100 / entryPrice },
    { name: 'maxTotalExposurePct', qty: room / entryPrice },
    ...(input.correlatedRoom === undefined ? [] : [{ name: 'maxCorrelatedExposurePct' as const, qty: Math.max(0, input.correlatedRoom) / entryPrice }]),
    { name: 'maxLeverage', qty: (equity * positiveOrZero(limits.maxLeverage)) / entryPrice },
    { name: 'availableMargin', qty: (available * bounds.max) / (1 + MARGIN_HEADROOM) / entryPrice },
    { name: 'maxMktOrderQty', qty: positiveOrZero(instrument.maxMktOrderQty) },
  ];
  const squeezing = caps.filter((c) => c.qty < riskQty).sort((a, b) => a.qty - b.qty);
  const binding = squeezing[0];
  const capped = Math.max(0, Math.min(riskQty, binding?.qty ?? riskQty));
  const qty = floorToStep(capped, instrument.qtyStep);
  const notional = qty * entryPrice;
  const why = binding ? `capped by ${binding.name} at ${num(binding.qty)}` : `from risk ${num(riskBudget)} / stop distance ${num(stopDistance)}`;
  if (!(qty > 0) || qty < instrument.minOrderQty) {
    return { ok: false, code: tooSmallCode(binding?.name, 'BELOW_MIN_QTY'), reason: `size ${num(qty)} (${why}) is below the minimum order qty ${num(instrument.minOrderQty)}` };
  }
  if (notional < instrument.minNotional) {
    return {
      ok: false,
      code: tooSmallCode(binding?.name, 'BELOW_MIN_NOTIONAL'),
      reason: `order value ${num(notional)} (${num(qty)} x ${num(entryPrice)}, ${why}) is below the minimum ${num(instrument.minNotional)}`,
    };
  }
  return {
    ok: true,
    qty,
    notional,
    leverage: chooseLeverage(notional, available, bounds),
    riskBudget,
    riskQty,
    cappedBy: squeezing.map((c) => c.name),
  };
}
