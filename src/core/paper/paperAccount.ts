import type { Candle, Position, Side } from '../../domain/types.ts';

/**
 * A paper account for the shadow phase (GitHub issue 11): entries fill at the signal's
 * price plus slippage with the taker fee, one position per symbol, closed when a later
 * candle reaches the stop-loss or the take-profit (the stop first when one candle reaches
 * both, the open price when the candle gaps through). Pure: the account is a value, each
 * function returns a new one. No order ever leaves the process.
 */
export interface PaperSettings {
  readonly takerFeeRate: number;
  readonly slippageBps: number;
}

export interface PaperPosition {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** Start of the first candle that can close it (the one after the signal candle). */
  readonly activeFrom: number;
  readonly openedAt: number;
  readonly entryFee: number;
}

export interface PaperTrade {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly exitReason: 'StopLoss' | 'TakeProfit';
  readonly openedAt: number;
  readonly closedAt: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly netPnl: number;
}

export interface PaperAccount {
  readonly initialEquity: number;
  readonly realized: number;
  readonly positions: Readonly<Record<string, PaperPosition>>;
  readonly trades: readonly PaperTrade[];
  readonly marks: Readonly<Record<string, number>>;
}

export function newPaperAccount(initialEquity: number): PaperAccount {
  return { initialEquity, realized: 0, positions: {}, trades: [], marks: {} };
}

export interface PaperEntry {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly stopLoss: number;
  readonly takeProfit: number;
  readonly signalCandleStart: number;
  readonly candleMs: number;
  readonly at: number;
}

/** Opens a position; an entry on a symbol that already has one is not taken (one-way mode). */
export function openPaper(account: PaperAccount, e: PaperEntry, s: PaperSettings): { readonly account: PaperAccount; readonly opened: boolean } {
  if (account.positions[e.symbol] || !(e.qty > 0) || !(e.price > 0)) return { account, opened: false };
  const slip = (e.side === 'Buy' ? 1 : -1) * (s.slippageBps / 10_000);
  const entryPrice = e.price * (1 + slip);
  const entryFee = e.qty * entryPrice * s.takerFeeRate;
  const position: PaperPosition = { symbol: e.symbol, side: e.side, qty: e.qty, entryPrice, stopLoss: e.stopLoss, takeProfit: e.takeProfit, activeFrom: e.signalCandleStart + e.candleMs, openedAt: e.at, entryFee };
  return { account: { ...account, positions: { ...account.positions, [e.symbol]: position }, marks: { ...account.marks, [e.symbol]: entryPrice } }, opened: true };
}

function exitOf(p: PaperPosition, c: Candle): { price: number; reason: PaperTrade['exitReason'] } | null {
  const long = p.side === 'Buy';
  const stopHit = p.stopLoss > 0 && (long ? c.low <= p.stopLoss : c.high >= p.stopLoss);
  const targetHit = p.takeProfit > 0 && (long ? c.high >= p.takeProfit : c.low <= p.takeProfit);
  if (stopHit) return { price: long ? Math.min(c.open, p.stopLoss) : Math.max(c.open, p.stopLoss), reason: 'StopLoss' };
  if (targetHit) return { price: long ? Math.max(c.open, p.takeProfit) : Math.min(c.open, p.takeProfit), reason: 'TakeProfit' };
  return null;
}

/** Walks the symbol's closed candles (oldest first) over its open position; marks the last close. */
export function markPaper(account: PaperAccount, symbol: string, candles: readonly Candle[], candleMs: number, s: PaperSettings): PaperAccount {
  const last = candles[candles.length - 1];
  let next: PaperAccount = last ? { ...account, marks: { ...account.marks, [symbol]: last.close } } : account;
  const p = next.positions[symbol];
  if (!p) return next;
  for (const c of candles) {
    if (c.start < p.activeFrom) continue;
    const exit = exitOf(p, c);
    if (!exit) continue;
    const direction = p.side === 'Buy' ? 1 : -1;
    const grossPnl = direction * (exit.price - p.entryPrice) * p.qty;
    const fees = p.entryFee + p.qty * exit.price * s.takerFeeRate;
    const trade: PaperTrade = { symbol, side: p.side, qty: p.qty, entryPrice: p.entryPrice, exitPrice: exit.price, exitReason: exit.reason, openedAt: p.openedAt, closedAt: c.start + candleMs, grossPnl, fees, netPnl: grossPnl - fees };
    const { [symbol]: _closed, ...positions } = next.positions;
    next = { ...next, positions, trades: [...next.trades, trade], realized: next.realized + trade.netPnl };
    break;
  }
  return next;
}

function unrealised(p: PaperPosition, mark: number): number {
  return (p.side === 'Buy' ? 1 : -1) * (mark - p.entryPrice) * p.qty - p.entryFee;
}

export function paperEquity(account: PaperAccount): number {
  let open = 0;
  for (const p of Object.values(account.positions)) open += unrealised(p, account.marks[p.symbol] ?? p.entryPrice);
  return account.initialEquity + account.realized + open;
}

/** The open positions as the exchange port describes positions (for the risk checks of the paper actors). */
export function paperPositions(account: PaperAccount, at: number): Position[] {
  return Object.values(account.positions).map((p) => {
    const mark = account.marks[p.symbol] ?? p.entryPrice;
    return {
      symbol: p.symbol,
      side: p.side,
      size: p.qty,
      avgPrice: p.entryPrice,
      markPrice: mark,
      leverage: 1,
      positionValue: p.qty * mark,
      unrealisedPnl: unrealised(p, mark) + p.entryFee,
      cumRealisedPnl: 0,
      stopLoss: p.stopLoss,
      takeProfit: p.takeProfit,
      liqPrice: 0,
      updatedTime: at,
    };
  });
}

export interface PaperSummary {
  readonly trades: number;
  readonly wins: number;
  readonly netPnl: number;
  readonly fees: number;
  readonly openPositions: number;
  readonly equity: number;
}

export function summarizePaper(account: PaperAccount, symbol?: string): PaperSummary {
  const trades = account.trades.filter((t) => symbol === undefined || t.symbol === symbol);
  const open = Object.values(account.positions).filter((p) => symbol === undefined || p.symbol === symbol);
  const unreal = open.reduce((sum, p) => sum + unrealised(p, account.marks[p.symbol] ?? p.entryPrice), 0);
  const realized = trades.reduce((sum, t) => sum + t.netPnl, 0);
  return {
    trades: trades.length,
    wins: trades.filter((t) => t.netPnl > 0).length,
    netPnl: realized + unreal,
    fees: trades.reduce((sum, t) => sum + t.fees, 0) + open.reduce((sum, p) => sum + p.entryFee, 0),
    openPositions: open.length,
    equity: symbol === undefined ? paperEquity(account) : account.initialEquity + realized + unreal,
  };
}
