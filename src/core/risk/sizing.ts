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
  /** False: leave denial reasons empty (see EntryRequest.explain). */
  readonly explain?: boolean;
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

export const CAP_NAMES: readonly SizeCap[] = ['maxPositionPct', 'maxTotalExposurePct', 'maxCorrelatedExposurePct', 'maxLeverage', 'availableMargin', 'maxMktOrderQty'];

/**
 * The caps below the risk-based size, tightest first (ties in CAP_NAMES order: a stable
 * insertion sort of at most six names). Plain loops instead of a map/filter/sort chain
 * with four closures and an object per cap on every approval (a property test holds the two
 * equal).
 */
export function cappedBy(capQty: readonly number[], riskQty: number): SizeCap[] {
  const out: SizeCap[] = [];
  const qty: number[] = [];
  for (let i = 0; i < CAP_NAMES.length; i++) {
    const q = capQty[i]!;
    if (!(q < riskQty)) continue;
    let k = out.length;
    out.push(CAP_NAMES[i]!);
    qty.push(q);
    while (k > 0 && qty[k - 1]! - q > 0) {
      out[k] = out[k - 1]!;
      qty[k] = qty[k - 1]!;
      k--;
    }
    out[k] = CAP_NAMES[i]!;
    qty[k] = q;
  }
  return out;
}

export function sizeEntry(input: SizingInput): SizedEntry | SizingDenial {
  const { equity, entryPrice, stopDistance, limits, instrument } = input;
  const explain = input.explain !== false;
  const available = positiveOrZero(input.availableBalance);
  if (available <= 0) return { ok: false, code: 'INSUFFICIENT_MARGIN', reason: explain ? `available balance is ${num(input.availableBalance)}` : '' };
  const exposureLimit = (equity * positiveOrZero(limits.maxTotalExposurePct)) / 100;
  const room = exposureLimit - input.openExposure;
  if (!(room > 0)) {
    return { ok: false, code: 'EXPOSURE_LIMIT', reason: !explain ? '' : `open exposure ${num(input.openExposure)} already uses the total limit ${num(exposureLimit)} (${num(limits.maxTotalExposurePct)}% of equity)` };
  }
  const bounds = leverageBounds(instrument, limits);
  const capital = input.budget ?? equity;
  const riskBudget = (capital * positiveOrZero(limits.riskPerTradePct) * Math.min(1, positiveOrZero(input.score))) / 100;
  const riskQty = riskBudget / stopDistance;
  // The caps, in CAP_NAMES order; a cap binds when it is below the risk-based size, the lowest
  // binding one first (the earlier on a tie, as a stable sort would keep them). Plain
  // numbers: this runs for every entry signal, the list of names is built only for an approval.
  // Without a correlation limit its cap is Infinity: it never binds.
  const capQty: number[] = [
    (capital * positiveOrZero(limits.maxPositionPct)) / 100 / entryPrice,
    room / entryPrice,
    input.correlatedRoom === undefined ? Number.POSITIVE_INFINITY : Math.max(0, input.correlatedRoom) / entryPrice,
    (equity * positiveOrZero(limits.maxLeverage)) / entryPrice,
    (available * bounds.max) / (1 + MARGIN_HEADROOM) / entryPrice,
    positiveOrZero(instrument.maxMktOrderQty),
  ];
  let binding = -1;
  for (let i = 0; i < CAP_NAMES.length; i++) {
    const q = capQty[i]!;
    if (q < riskQty && (binding < 0 || q < capQty[binding]!)) binding = i;
  }
  const bindingName = binding < 0 ? undefined : CAP_NAMES[binding];
  const bindingQty = binding < 0 ? riskQty : capQty[binding]!;
  const capped = Math.max(0, Math.min(riskQty, bindingQty));
  const qty = floorToStep(capped, instrument.qtyStep);
  const notional = qty * entryPrice;
  const why = !explain ? '' : bindingName ? `capped by ${bindingName} at ${num(bindingQty)}` : `from risk ${num(riskBudget)} / stop distance ${num(stopDistance)}`;
  if (!(qty > 0) || qty < instrument.minOrderQty) {
    return { ok: false, code: tooSmallCode(bindingName, 'BELOW_MIN_QTY'), reason: explain ? `size ${num(qty)} (${why}) is below the minimum order qty ${num(instrument.minOrderQty)}` : '' };
  }
  if (notional < instrument.minNotional) {
    return {
      ok: false,
      code: tooSmallCode(bindingName, 'BELOW_MIN_NOTIONAL'),
      reason: explain ? `order value ${num(notional)} (${num(qty)} x ${num(entryPrice)}, ${why}) is below the minimum ${num(instrument.minNotional)}` : '',
    };
  }
  return {
    ok: true,
    qty,
    notional,
    leverage: chooseLeverage(notional, available, bounds),
    riskBudget,
    riskQty,
    cappedBy: cappedBy(capQty, riskQty),
  };
}
