import type { Instrument } from '../domain/types.ts';
import type { FundingEvent } from '../sim/engineCore.ts';
import { IdGenerator } from '../sim/ids.ts';
import { dec } from './format.ts';

/** Bybit keeps executions for years; the simulator the most recent of them. */
const MAX_ROWS = 10_000;

/** One settlement as Bybit lists it among the executions (`execType: "Funding"`). */
export interface FundingRow extends FundingEvent {
  readonly execId: string;
}

/**
 * The funding settlements the matching engine charged, kept as Bybit reports them: rows of
 * `/v5/execution/list` (and pushes on the `execution` topic) with `execType: "Funding"`,
 * `orderType: "UNKNOWN"`, no order id, the position's side and size, the mark price as
 * `execPrice`, the payment as `execFee` (positive = paid) and the rate as `feeRate`.
 */
export class FundingLedger {
  private readonly rows: FundingRow[] = [];
  private readonly ids: IdGenerator;

  constructor(seed: number) {
    this.ids = new IdGenerator(seed, 'funding');
  }

  record(event: FundingEvent): FundingRow {
    const row = { ...event, execId: this.ids.next() };
    this.rows.push(row);
    if (this.rows.length > MAX_ROWS) this.rows.splice(0, this.rows.length - MAX_ROWS);
    return row;
  }

  /** Newest first, in [start, end], optionally of one symbol. */
  list(symbol: string | undefined, start: number, end: number): FundingRow[] {
    const out: FundingRow[] = [];
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const r = this.rows[i]!;
      if (r.time < start) break;
      if (r.time <= end && (symbol === undefined || r.symbol === symbol)) out.push(r);
    }
    return out;
  }
}

export function fundingExecutionView(r: FundingRow, i: Instrument): Record<string, unknown> {
  const size = Math.abs(r.size);
  const qty = dec(size);
  return {
    symbol: r.symbol,
    orderId: '',
    orderLinkId: '',
    side: r.size > 0 ? 'Buy' : 'Sell',
    orderPrice: '0',
    orderQty: '0',
    leavesQty: '0',
    createType: '',
    orderType: 'UNKNOWN',
    stopOrderType: 'UNKNOWN',
    execFee: dec(r.payment),
    execFeeV2: '',
    execId: r.execId,
    execPrice: dec(r.mark, Math.max(0, -Math.floor(Math.log10(i.tickSize)))),
    execQty: qty,
    execType: 'Funding',
    execValue: dec(size * r.mark),
    execTime: String(r.time),
    feeCurrency: 'USDT',
    isMaker: false,
    feeRate: dec(r.rate),
    tradeIv: '',
    markIv: '',
    markPrice: dec(r.mark),
    indexPrice: '',
    underlyingPrice: '',
    blockTradeId: '',
    closedSize: '0',
    seq: r.time,
    extraFees: '',
    marketUnit: '',
  };
}
