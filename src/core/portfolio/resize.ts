import { buildOrderLinkId } from '../orders/orderLinkId.ts';
import { floorToStep, roundToStep } from '../steps.ts';
import { sleeveKey } from './book.ts';
import type { RebalanceRecord, ResizeOrder } from './types.ts';

/**
 * portfolio.resizeOpen: the reductions a rebalance makes to open positions. Pure: the same
 * function for the fast engine and the runtime, on the account as each reads it at the
 * decision instant of the rebalance.
 *
 * A position is reduced when its sleeve's new budget (weight x equity) is below the initial
 * margin it uses (positionValue / leverage, what GET /portfolio calls "used"): by the excess
 * share of its size, size x (1 - budget / used), rounded DOWN to qtyStep (the remainder stays
 * at or just above the budget, never under it by more than a step).
 * - An excess below minOrderQty is left alone: the exchange takes no order that small, and
 *   the overshoot is less than one lot.
 * - A remainder that would be below minOrderQty closes the position fully instead: the user
 *   asked for budgets to bind open positions, a remainder under one lot could never be reduced
 *   again by a later rebalance (no order that small exists), and closing only lowers risk.
 * It never increases a position: adding to a position at today's price is an entry decision the
 * strategy did not make (its signal, stop distance and sizing were for the original entry).
 */
export interface ResizePosition {
  readonly symbol: string;
  readonly side: 'Buy' | 'Sell' | 'None';
  readonly size: number;
  /** Bybit's positionValue: size x entry price. */
  readonly positionValue: number;
  readonly leverage: number;
}

export interface ResizeInput {
  readonly record: Pick<RebalanceRecord, 'at' | 'sleeves'>;
  readonly equity: number;
  readonly positions: readonly ResizePosition[];
  /** The preset whose entry opened the symbol's position (undefined: unknown, left alone). */
  readonly ownerOf: (symbol: string) => string | undefined;
  readonly instrumentOf: (symbol: string) => { readonly qtyStep: number; readonly minOrderQty: number } | undefined;
}

/** The initial margin a position uses: positionValue / leverage (leverage below 1 counts as 1). */
export function usedMargin(p: Pick<ResizePosition, 'positionValue' | 'leverage'>): number {
  return Math.abs(p.positionValue) / Math.max(1, p.leverage);
}

/** The id of a rebalance's reduce order: deterministic in (preset, symbol, rebalance time, side). */
export function resizeOrderLinkId(presetId: string, symbol: string, at: number, side: 'Buy' | 'Sell'): string {
  return buildOrderLinkId({ strategyId: `resize:${presetId}`, symbol, candleStart: at, side, purpose: 'exit' });
}

/** The reductions, in symbol order; empty when no open position is over its sleeve's budget. */
export function resizeOrders(input: ResizeInput): ResizeOrder[] {
  const out: ResizeOrder[] = [];
  if (!(input.equity > 0)) return out;
  const positions = [...input.positions].filter((p) => p.size > 0 && p.side !== 'None').sort((a, b) => a.symbol.localeCompare(b.symbol));
  for (const p of positions) {
    const presetId = input.ownerOf(p.symbol);
    const instrument = input.instrumentOf(p.symbol);
    if (presetId === undefined || !instrument) continue;
    const weight = input.record.sleeves[sleeveKey(p.symbol, presetId)] ?? 0;
    const budget = Math.max(0, weight) * input.equity;
    const used = usedMargin(p);
    if (!(used > budget)) continue;
    const excess = floorToStep(p.size * (1 - budget / used), instrument.qtyStep);
    const remainder = roundToStep(p.size - excess, instrument.qtyStep);
    let qty: number;
    if (remainder <= 0 || remainder < instrument.minOrderQty) qty = p.size;
    else if (excess < instrument.minOrderQty || !(excess > 0)) continue;
    else qty = excess;
    const side = p.side === 'Buy' ? 'Sell' : 'Buy';
    out.push({
      symbol: p.symbol,
      presetId,
      side,
      qty,
      positionSize: p.size,
      closesAll: qty >= p.size,
      budget,
      used,
      orderLinkId: resizeOrderLinkId(presetId, p.symbol, input.record.at, side),
    });
  }
  return out;
}
