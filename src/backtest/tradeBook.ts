import { money } from '../core/account/money.ts';
import type { Side } from '../domain/types.ts';
import type { BacktestTrade, ExitReason } from './types.ts';
import { toFixedNumber } from '../core/fixedRound.ts';

/**
 * Round trips rebuilt from fills, the way src/journal/tradeCsv.ts rebuilds the user's trade
 * journal (flat -> position -> flat per symbol, VWAP prices, fees prorated), but fed in the
 * order the engine made them rather than re-sorted by time: an exit and the next entry in
 * the same bar share a timestamp, and only the processing order tells them apart. Both
 * backtest engines feed one of these, so identical fills give identical trade lists.
 * Allocates per fill and per trade only.
 */

export interface EntryInfo {
  readonly presetId: string;
  readonly strategyType: string;
  readonly signalCandleStart: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly score: number;
  readonly factors: Readonly<Record<string, number>>;
  readonly signalMode: string;
  /** The market regime at the signal (the kernel's classifier). */
  readonly regime: string;
}

export interface FillInput {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly time: number;
  /** 'Trade' for our orders; 'StopLoss' / 'TakeProfit' / 'Liquidation' for triggered closes. */
  readonly kind: string;
  readonly orderLinkId: string;
}

interface OpenTrade {
  readonly dir: 1 | -1;
  size: number;
  maxSize: number;
  entryQty: number;
  entryValue: number;
  exitQty: number;
  exitValue: number;
  fees: number;
  funding: number;
  readonly entryTime: number;
  readonly orderLinkId: string;
}

const EPS = 1e-9;

const round = (value: number): number => toFixedNumber(value, 8);

export class TradeBook {
  private readonly open = new Map<string, OpenTrade>();
  private readonly entries = new Map<string, EntryInfo>();
  private readonly closed: Omit<BacktestTrade, 'seq'>[] = [];

  /** What the entry order carried (strategy, signal, protective prices), by orderLinkId. */
  noteEntry(orderLinkId: string, info: EntryInfo): void {
    this.entries.set(orderLinkId, info);
  }

  fill(f: FillInput): void {
    const dir = f.side === 'Buy' ? 1 : -1;
    let remaining = f.qty;
    let trade = this.open.get(f.symbol);
    if (trade && trade.dir !== dir) {
      const closing = Math.min(remaining, trade.size);
      trade.size -= closing;
      trade.exitQty += closing;
      trade.exitValue += closing * f.price;
      trade.fees += f.fee * (closing / f.qty);
      remaining -= closing;
      if (trade.size <= EPS) {
        this.close(f.symbol, trade, f.time, trade.exitValue / trade.exitQty, exitReason(f.kind));
        trade = undefined;
      }
    }
    if (remaining > EPS) {
      if (!trade) {
        trade = { dir, size: 0, maxSize: 0, entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0, fees: 0, funding: 0, entryTime: f.time, orderLinkId: f.orderLinkId };
        this.open.set(f.symbol, trade);
      }
      trade.size += remaining;
      trade.maxSize = Math.max(trade.maxSize, trade.size);
      trade.entryQty += remaining;
      trade.entryValue += remaining * f.price;
      trade.fees += f.fee * (remaining / f.qty);
    }
  }

  /** A funding settlement paid (> 0) or received (< 0) on the symbol's open trade. */
  funding(symbol: string, payment: number): void {
    const trade = this.open.get(symbol);
    if (trade) trade.funding += payment;
  }

  /** Closes what is still open at `time` at each symbol's mark (no fee): exit reason EndOfData. */
  closeAll(time: number, markOf: (symbol: string) => number): void {
    for (const [symbol, trade] of [...this.open]) {
      const remaining = trade.size;
      trade.exitQty += remaining;
      trade.exitValue += remaining * markOf(symbol);
      trade.size = 0;
      this.close(symbol, trade, time, trade.exitValue / trade.exitQty, 'EndOfData');
    }
  }

  /** The preset whose entry opened the symbol's open trade (undefined: none open, or unknown). */
  openPreset(symbol: string): string | undefined {
    const trade = this.open.get(symbol);
    return trade ? this.entries.get(trade.orderLinkId)?.presetId : undefined;
  }

  openSymbols(): string[] {
    return [...this.open.keys()];
  }

  /** Every closed trade, numbered by entry time (ties: symbol, then preset). */
  trades(): BacktestTrade[] {
    const sorted = [...this.closed].sort((a, b) => a.entryTime - b.entryTime || a.symbol.localeCompare(b.symbol) || a.presetId.localeCompare(b.presetId));
    return sorted.map((t, i) => ({ seq: i + 1, ...t }));
  }

  private close(symbol: string, t: OpenTrade, exitTime: number, exitPrice: number, exitReason: ExitReason): void {
    this.open.delete(symbol);
    const info = this.entries.get(t.orderLinkId);
    const entryPrice = t.entryValue / t.entryQty;
    const grossPnl = (exitPrice - entryPrice) * t.exitQty * t.dir;
    const stopLoss = info?.stopLoss ?? 0;
    const riskAmount = t.maxSize * Math.abs(entryPrice - stopLoss);
    const netPnl = grossPnl - t.fees - t.funding;
    this.closed.push({
      symbol,
      presetId: info?.presetId ?? 'unknown',
      strategyType: info?.strategyType ?? 'unknown',
      side: t.dir === 1 ? 'long' : 'short',
      qty: round(t.maxSize),
      signalCandleStart: info?.signalCandleStart ?? t.entryTime,
      entryTime: t.entryTime,
      entryPrice: round(entryPrice),
      exitTime,
      exitPrice: round(exitPrice),
      exitReason,
      stopLoss,
      takeProfit: info?.takeProfit ?? 0,
      grossPnl: round(grossPnl),
      fees: round(t.fees),
      funding: money(t.funding),
      netPnl: round(netPnl),
      riskAmount: round(riskAmount),
      rMultiple: riskAmount > 0 ? round(netPnl / riskAmount) : Number.NaN,
      score: info?.score ?? 0,
      factors: info?.factors ?? {},
      signalMode: info?.signalMode ?? 'full',
      regime: info?.regime ?? 'unknown',
      orderLinkId: t.orderLinkId,
    });
  }
}

function exitReason(kind: string): ExitReason {
  return kind === 'StopLoss' || kind === 'TakeProfit' || kind === 'Liquidation' ? kind : 'Exit';
}
