import { OPEN_ORDER_STATUSES, type Order, type Position, type TradingState } from '../../domain/types.ts';
import type { DeniedEntry, EntryRequest, RiskDenialCode } from './types.ts';
import { dailyLossFloor, dailyLossReached } from './dailyLoss.ts';
import { num } from './format.ts';

/** Pre-trade rules that do not depend on the size: each returns a denial or null. */

export function deny(code: RiskDenialCode, reason: string): DeniedEntry {
  return { allowed: false, code, reason };
}

export function isOpenPosition(p: Position): boolean {
  return p.side !== 'None' && Number.isFinite(p.size) && Math.abs(p.size) > 0;
}

/** A resting plain order; position TP/SL orders (stopOrderType set) do not block an entry. */
export function isPlainOpenOrder(o: Order): boolean {
  return o.stopOrderType === '' && OPEN_ORDER_STATUSES.includes(o.status);
}

/**
 * True only when assessEntry denies an entry whatever the signal, the prices and the sizing:
 * trading HALTED or REDUCING (checkAccount's first rules), or a position already open on the
 * signal's symbol (checkPortfolio: one position per symbol). Which denial it would be does
 * not matter to a driver that only acts on approvals (the fast backtest engine), so it can
 * skip the portfolio snapshot and the assessment; a property test holds assessEntry to it.
 */
export function entryCertainlyDenied(tradingState: TradingState, positionOpenOnSymbol: boolean): boolean {
  return tradingState === 'HALTED' || tradingState === 'REDUCING' || positionOpenOnSymbol;
}

export function checkAccount(request: EntryRequest): DeniedEntry | null {
  const { tradingState, portfolio, limits } = request;
  const explain = request.explain !== false;
  if (tradingState === 'HALTED') return deny('TRADING_HALTED', 'trading state is HALTED: no new orders');
  if (tradingState === 'REDUCING') return deny('REDUCE_ONLY', 'trading state is REDUCING: only reduce-only orders, and an entry is not one');
  if (!Number.isFinite(portfolio.equity) || portfolio.equity <= 0) return deny('NO_EQUITY', explain ? `account equity is ${num(portfolio.equity)}` : '');
  if (dailyLossReached(portfolio.dayStartEquity, portfolio.equity, limits.dailyLossLimitPct)) {
    if (!explain) return deny('DAILY_LOSS_LIMIT', '');
    const floor = dailyLossFloor(portfolio.dayStartEquity, limits.dailyLossLimitPct);
    return deny(
      'DAILY_LOSS_LIMIT',
      `equity ${num(portfolio.equity)} is at or below ${num(floor)} (${num(limits.dailyLossLimitPct)}% under the UTC day's start ${num(portfolio.dayStartEquity)})`,
    );
  }
  return null;
}

export function checkScore(request: EntryRequest): DeniedEntry | null {
  const { signal, limits } = request;
  if (!Number.isFinite(signal.score) || !(signal.score >= limits.minScore)) {
    return deny('SCORE_TOO_LOW', request.explain === false ? '' : `signal score ${num(signal.score)} is below the minimum ${num(limits.minScore)}`);
  }
  return null;
}

export function checkPortfolio(request: EntryRequest): DeniedEntry | null {
  const { portfolio, limits, signal } = request;
  const explain = request.explain !== false;
  const symbol = signal.symbol;
  let open = 0;
  let mine: Position | undefined;
  for (const p of portfolio.positions) {
    if (!isOpenPosition(p)) continue;
    open++;
    if (mine === undefined && p.symbol === symbol) mine = p;
  }
  if (mine) return deny('POSITION_ALREADY_OPEN', explain ? `a ${mine.side} position of ${num(mine.size)} ${symbol} is already open` : '');
  const order = portfolio.openOrders.find((o) => o.symbol === symbol && isPlainOpenOrder(o));
  if (order) return deny('ORDER_ALREADY_OPEN', explain ? `order ${order.orderLinkId || order.orderId} (${order.side} ${num(order.qty)}, ${order.status}) is already open on ${symbol}` : '');
  if (!(open < limits.maxOpenPositions)) {
    return deny('MAX_OPEN_POSITIONS', explain ? `${open} position(s) open, the limit is ${num(limits.maxOpenPositions)}` : '');
  }
  return null;
}

/** Notional of the open positions: positionValue, or size x mark (or entry) price when it is missing. */
export function openExposure(positions: readonly Position[]): number {
  let total = 0;
  for (const p of positions) {
    if (!isOpenPosition(p)) continue;
    const value = Number.isFinite(p.positionValue) && p.positionValue > 0 ? p.positionValue : Math.abs(p.size) * (p.markPrice > 0 ? p.markPrice : p.avgPrice);
    // An unreadable position counts as unlimited exposure: the safe reading blocks new entries.
    total += Number.isFinite(value) ? Math.abs(value) : Number.POSITIVE_INFINITY;
  }
  return total;
}
