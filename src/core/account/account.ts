import { roundToStep } from '../steps.ts';
import type { Side } from '../../domain/types.ts';
import { averagePrice, money } from './money.ts';

/**
 * The USDT unified account of a simulated venue: wallet and one-way positions. Shared by
 * the in-process simulator (src/sim) and the fast backtest engine, so both book fills,
 * margin and liquidation with the very same arithmetic. Pure: no clock, no I/O.
 */

/** Maintenance margin rate of the simplified risk model (Bybit's first risk tier is 0.5 %). */
export const MAINTENANCE_RATE = 0.005;
export const DEFAULT_LEVERAGE = 10;

/** One-way position of a symbol; size is signed (+ long, - short) so fills are one formula. */
export interface PositionState {
  readonly symbol: string;
  size: number;
  avgPrice: number;
  leverage: number;
  cumRealisedPnl: number;
  stopLoss: number;
  takeProfit: number;
  /** Ids of the position's conditional TP/SL orders ('' when not set). */
  slOrderId: string;
  tpOrderId: string;
  stopsSetAt: number;
  updatedTime: number;
  /** Time of the fill that opened the position from flat (funding only charges positions opened before a settlement). */
  openedAt: number;
}

export interface FillOutcome {
  /** Quantity of the prior position this fill closed (Bybit `closedSize`). */
  readonly closedSize: number;
  readonly realisedPnl: number;
}

/**
 * Realised pnl and fees go to the wallet at fill time; cumRealisedPnl includes fees, as on
 * Bybit. Positions are kept sorted by symbol, so every sum over them (equity, margin) adds
 * in one canonical order whichever component created them first.
 */
export class Account {
  wallet: number;
  private readonly bySymbol = new Map<string, PositionState>();
  /** Every position ever touched, sorted by symbol (flat ones included). */
  readonly sorted: PositionState[] = [];

  constructor(initialBalance: number) {
    this.wallet = initialBalance;
  }

  position(symbol: string): PositionState {
    let position = this.bySymbol.get(symbol);
    if (!position) {
      position = {
        symbol,
        size: 0,
        avgPrice: 0,
        leverage: DEFAULT_LEVERAGE,
        cumRealisedPnl: 0,
        stopLoss: 0,
        takeProfit: 0,
        slOrderId: '',
        tpOrderId: '',
        stopsSetAt: 0,
        updatedTime: 0,
        openedAt: 0,
      };
      this.bySymbol.set(symbol, position);
      let i = this.sorted.length;
      while (i > 0 && this.sorted[i - 1]!.symbol > symbol) i--;
      this.sorted.splice(i, 0, position);
    }
    return position;
  }

  all(): PositionState[] {
    return [...this.sorted];
  }

  open(): PositionState[] {
    return this.sorted.filter((p) => p.size !== 0);
  }

  applyFill(symbol: string, side: Side, qty: number, price: number, fee: number, qtyStep: number, time: number): FillOutcome {
    const position = this.position(symbol);
    const signed = side === 'Buy' ? qty : -qty;
    let closedSize = 0;
    let realisedPnl = 0;
    if (position.size === 0 || Math.sign(position.size) === Math.sign(signed)) {
      const size = Math.abs(position.size) + qty;
      if (position.size === 0) position.openedAt = time;
      position.avgPrice = position.size === 0 ? price : averagePrice(Math.abs(position.size) * position.avgPrice + qty * price, size);
      position.size = roundToStep(position.size + signed, qtyStep);
    } else {
      closedSize = Math.min(Math.abs(position.size), qty);
      realisedPnl = money(closedSize * (price - position.avgPrice) * Math.sign(position.size));
      const remaining = roundToStep(position.size + signed, qtyStep);
      // Crossing through zero reverses the position: the excess opens at the fill price.
      if (remaining === 0) position.avgPrice = 0;
      else if (Math.sign(remaining) !== Math.sign(position.size)) {
        position.avgPrice = price;
        position.openedAt = time;
      }
      position.size = remaining;
    }
    this.wallet = money(this.wallet + realisedPnl - fee);
    position.cumRealisedPnl = money(position.cumRealisedPnl + realisedPnl - fee);
    position.updatedTime = time;
    return { closedSize, realisedPnl };
  }

  /** Books a funding settlement: `payment` > 0 is paid by the account (see fills/funding.ts). */
  applyFunding(symbol: string, payment: number): void {
    const position = this.position(symbol);
    this.wallet = money(this.wallet - payment);
    position.cumRealisedPnl = money(position.cumRealisedPnl - payment);
  }
}

export function unrealisedPnl(position: PositionState, mark: number): number {
  if (position.size === 0) return 0;
  return money(position.size * (mark - position.avgPrice));
}

export function initialMargin(position: PositionState): number {
  return (Math.abs(position.size) * position.avgPrice) / position.leverage;
}

/**
 * Where the position's margin (value / leverage) minus its loss falls to the maintenance
 * margin: an isolated-margin approximation, simple and conservative for a simulator.
 */
export function liquidationPrice(position: PositionState, tickSize: number): number {
  if (position.size === 0) return 0;
  const factor = position.size > 0 ? 1 - 1 / position.leverage + MAINTENANCE_RATE : 1 + 1 / position.leverage - MAINTENANCE_RATE;
  return Math.max(0, roundToStep(position.avgPrice * factor, tickSize));
}
