/**
 * Closed trades from the fills (the user's trade_journal.csv): one row per position from
 * flat to flat on a symbol. Pure: rows in, rows out.
 */
export interface FillRow {
  readonly execId: string;
  readonly orderLinkId: string;
  readonly symbol: string;
  readonly side: 'Buy' | 'Sell';
  readonly price: number;
  readonly qty: number;
  readonly fee: number;
  readonly execTime: number;
  readonly closedSize: number;
  readonly stopOrderType: string;
}

export interface OrderInfo {
  readonly strategy: string;
  readonly correlationId: string;
}

export interface ClosedTrade {
  readonly symbol: string;
  readonly strategy: string;
  readonly side: 'Long' | 'Short';
  readonly qty: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly exitReason: string;
  readonly grossPnl: number;
  readonly fees: number;
  readonly netPnl: number;
  readonly orderLinkId: string;
  readonly correlationId: string;
}

interface Open {
  dir: 1 | -1;
  size: number;
  maxSize: number;
  entryQty: number;
  entryValue: number;
  exitQty: number;
  exitValue: number;
  fees: number;
  entryTime: number;
  firstLinkId: string;
}

const EPS = 1e-9;

export function closedTrades(fills: readonly FillRow[], orders: ReadonlyMap<string, OrderInfo>): ClosedTrade[] {
  const sorted = [...fills].sort((a, b) => a.execTime - b.execTime || a.execId.localeCompare(b.execId));
  const open = new Map<string, Open>();
  const out: ClosedTrade[] = [];
  for (const f of sorted) {
    const dir = f.side === 'Buy' ? 1 : -1;
    let pos = open.get(f.symbol);
    let remaining = f.qty;
    if (pos && pos.dir !== dir) {
      // Closing (part of) the position.
      const closing = Math.min(remaining, pos.size);
      pos.size -= closing;
      pos.exitQty += closing;
      pos.exitValue += closing * f.price;
      pos.fees += f.fee * (closing / f.qty);
      remaining -= closing;
      if (pos.size <= EPS) {
        const entryPrice = pos.entryValue / pos.entryQty;
        const exitPrice = pos.exitValue / pos.exitQty;
        const gross = (exitPrice - entryPrice) * pos.exitQty * pos.dir;
        const info = orders.get(pos.firstLinkId);
        out.push({
          symbol: f.symbol,
          strategy: info?.strategy ?? (pos.firstLinkId ? 'unknown' : 'foreign'),
          side: pos.dir === 1 ? 'Long' : 'Short',
          qty: round(pos.maxSize),
          entryTime: pos.entryTime,
          entryPrice: round(entryPrice),
          exitTime: f.execTime,
          exitPrice: round(exitPrice),
          exitReason: f.stopOrderType && f.stopOrderType !== 'Trade' ? f.stopOrderType : 'Exit',
          grossPnl: round(gross),
          fees: round(pos.fees),
          netPnl: round(gross - pos.fees),
          orderLinkId: pos.firstLinkId,
          correlationId: info?.correlationId ?? '',
        });
        open.delete(f.symbol);
        pos = undefined;
      }
    }
    if (remaining > EPS) {
      if (!pos) {
        pos = { dir, size: 0, maxSize: 0, entryQty: 0, entryValue: 0, exitQty: 0, exitValue: 0, fees: 0, entryTime: f.execTime, firstLinkId: f.orderLinkId };
        open.set(f.symbol, pos);
      }
      pos.size += remaining;
      pos.maxSize = Math.max(pos.maxSize, pos.size);
      pos.entryQty += remaining;
      pos.entryValue += remaining * f.price;
      pos.fees += f.fee * (remaining / f.qty);
    }
  }
  return out;
}

function round(value: number): number {
  return Number(value.toFixed(8));
}

const HEADER = ['symbol', 'strategy', 'side', 'qty', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'exit_reason', 'gross_pnl', 'fees', 'net_pnl', 'order_link_id', 'correlation_id'];

function cell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tradesToCsv(trades: readonly ClosedTrade[]): string {
  const lines = [HEADER.join(',')];
  for (const t of trades) {
    lines.push(
      [
        t.symbol,
        t.strategy,
        t.side,
        t.qty,
        new Date(t.entryTime).toISOString(),
        t.entryPrice,
        new Date(t.exitTime).toISOString(),
        t.exitPrice,
        t.exitReason,
        t.grossPnl,
        t.fees,
        t.netPnl,
        t.orderLinkId,
        t.correlationId,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
