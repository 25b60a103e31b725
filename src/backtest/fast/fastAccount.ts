import { Account, liquidationPrice, type PositionState } from '../../core/account/account.ts';
import { availableBalanceOf, equityOf, orderMarginRequired } from '../../core/account/balance.ts';
import { positionView } from '../../core/account/positionView.ts';
import { newBarExit, resolveBarExit } from '../../core/fills/barExit.ts';
import { fundingPayment } from '../../core/fills/funding.ts';
import { slippedPrice, tradeFee } from '../../core/fills/slippage.ts';
import type { BarColumns } from '../../core/fills/priceBars.ts';
import type { PortfolioSnapshot } from '../../core/risk/types.ts';
import type { Instrument, Position } from '../../domain/types.ts';
import type { TradeBook } from '../tradeBook.ts';

/**
 * The fast engine's side of the exchange: one USDT account for every symbol (the core
 * Account the simulator books with), the symbols' price bars, and the bar-level fill model
 * (src/core/fills). Per bar: O(1) and allocation-free unless a trigger fires.
 */
export interface PriceSymbol {
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly bars: BarColumns;
  readonly stepMs: number;
  /** Next bar to process. */
  next: number;
  /** Close of the newest processed bar (the last price); before any, the first open. */
  mark: number;
  readonly position: PositionState;
}

export interface FeeModel {
  readonly takerFeeRate: number;
  readonly slippageBps: number;
}

export class FastAccount {
  readonly account: Account;
  readonly symbols: PriceSymbol[] = [];
  private readonly bySymbol = new Map<string, PriceSymbol>();
  private readonly exit = newBarExit();
  private readonly trigger = { size: 0, stopLoss: 0, takeProfit: 0, liquidation: 0 };
  private readonly markOf = (p: PositionState): number => this.bySymbol.get(p.symbol)!.mark;

  constructor(
    initialBalance: number,
    readonly fees: FeeModel,
    private readonly book: TradeBook,
  ) {
    this.account = new Account(initialBalance);
  }

  addSymbol(symbol: string, instrument: Instrument, bars: BarColumns, stepMs: number): PriceSymbol {
    const s: PriceSymbol = { symbol, instrument, bars, stepMs, next: 0, mark: bars.length > 0 ? bars.open[0]! : 0, position: this.account.position(symbol) };
    this.symbols.push(s);
    this.bySymbol.set(symbol, s);
    return s;
  }

  get(symbol: string): PriceSymbol {
    return this.bySymbol.get(symbol)!;
  }

  /** Applies every bar of `s` that has ended by `t`: protective triggers of the position, then the mark. */
  advanceBars(s: PriceSymbol, t: number): void {
    const bars = s.bars;
    while (s.next < bars.length && bars.start[s.next]! + s.stepMs <= t) {
      const i = s.next++;
      const p = s.position;
      if (p.size !== 0) {
        const trig = this.trigger;
        trig.size = p.size;
        trig.stopLoss = p.stopLoss;
        trig.takeProfit = p.takeProfit;
        trig.liquidation = liquidationPrice(p, s.instrument.tickSize);
        if (resolveBarExit(trig, bars.open[i]!, bars.high[i]!, bars.low[i]!, this.fees.slippageBps, s.instrument.tickSize, this.exit)) {
          this.closeByTrigger(s, bars.start[i]!);
        }
      }
      s.mark = bars.close[i]!;
    }
  }

  private closeByTrigger(s: PriceSymbol, time: number): void {
    const p = s.position;
    const side = p.size > 0 ? 'Sell' : 'Buy';
    const qty = Math.abs(p.size);
    const price = this.exit.price;
    const fee = tradeFee(qty, price, this.fees.takerFeeRate);
    this.account.applyFill(s.symbol, side, qty, price, fee, s.instrument.qtyStep, time);
    // A closed position loses its TP/SL, as on Bybit.
    p.stopLoss = 0;
    p.takeProfit = 0;
    this.book.fill({ symbol: s.symbol, side, qty, price, fee, time, kind: this.exit.kind, orderLinkId: '' });
  }

  /** A funding settlement at `time`: positions opened before it pay value at mark x rate. */
  fund(s: PriceSymbol, time: number, rate: number): number {
    const p = s.position;
    if (p.size === 0 || !(p.openedAt < time) || rate === 0) return 0;
    const payment = fundingPayment(p.size, s.mark, rate);
    this.account.applyFunding(s.symbol, payment);
    this.book.funding(s.symbol, payment);
    return payment;
  }

  equity(): number {
    // Flat: the wallet, which is already rounded like Bybit (equityOf would give the same value).
    for (let i = 0; i < this.symbols.length; i++) if (this.symbols[i]!.position.size !== 0) return equityOf(this.account, this.markOf);
    return this.account.wallet;
  }

  available(equity: number): number {
    return availableBalanceOf(this.account, equity, [], this.fees.takerFeeRate);
  }

  /** Notional of the open positions at mark. */
  exposure(): number {
    let sum = 0;
    for (let i = 0; i < this.symbols.length; i++) {
      const s = this.symbols[i]!;
      if (s.position.size !== 0) sum += Math.abs(s.position.size) * s.mark;
    }
    return sum;
  }

  /** The account as the actors' fetch sees it (exchange views of the open positions). Allocates. */
  snapshot(dayStartEquity: number): PortfolioSnapshot {
    const equity = this.equity();
    const positions: Position[] = [];
    for (const p of this.account.sorted) {
      if (p.size !== 0) positions.push(positionView(p, this.get(p.symbol).mark, this.get(p.symbol).instrument.tickSize));
    }
    return { equity, availableBalance: this.available(equity), positions, openOrders: [], dayStartEquity };
  }

  /** Margin a market order of `qty` needs at the last price, as the venue checks it. */
  marginRequired(s: PriceSymbol, qty: number): number {
    return orderMarginRequired(qty, qty, s.mark, s.position.leverage, this.fees.takerFeeRate);
  }

  /** The open of the first bar still in progress (or next) at `t`, and its start; null at the end of the data. */
  nextOpen(s: PriceSymbol, t: number): { readonly open: number; readonly start: number } | null {
    const bars = s.bars;
    let i = s.next;
    while (i < bars.length && bars.start[i]! + s.stepMs <= t) i++;
    return i < bars.length ? { open: bars.open[i]!, start: bars.start[i]! } : null;
  }

  /**
   * A reduce-only market order (a rebalance's reduction, portfolio.resizeOpen) filled at
   * `open` plus slippage, trimmed to the position as the venue trims it. The position keeps
   * its TP/SL (position-wide, as on Bybit) unless it closed.
   */
  fillReduce(s: PriceSymbol, side: 'Buy' | 'Sell', qty: number, open: number, time: number, orderLinkId: string): number {
    const p = s.position;
    const size = Math.min(qty, Math.abs(p.size));
    const price = slippedPrice(open, side, this.fees.slippageBps, s.instrument.tickSize);
    const fee = tradeFee(size, price, this.fees.takerFeeRate);
    this.account.applyFill(s.symbol, side, size, price, fee, s.instrument.qtyStep, time);
    if (p.size === 0) {
      p.stopLoss = 0;
      p.takeProfit = 0;
    }
    this.book.fill({ symbol: s.symbol, side, qty: size, price, fee, time, kind: 'Trade', orderLinkId });
    return price;
  }

  /** A market entry filled at `open` plus slippage, with its TP/SL attached; returns the fill price. */
  fillEntry(s: PriceSymbol, side: 'Buy' | 'Sell', qty: number, open: number, time: number, stopLoss: number, takeProfit: number, orderLinkId: string): number {
    const price = slippedPrice(open, side, this.fees.slippageBps, s.instrument.tickSize);
    const fee = tradeFee(qty, price, this.fees.takerFeeRate);
    this.account.applyFill(s.symbol, side, qty, price, fee, s.instrument.qtyStep, time);
    if (stopLoss) s.position.stopLoss = stopLoss;
    if (takeProfit) s.position.takeProfit = takeProfit;
    this.book.fill({ symbol: s.symbol, side, qty, price, fee, time, kind: 'Trade', orderLinkId });
    return price;
  }
}
