import { fromPromise } from 'xstate';
import { closedCandles } from '../../core/data/validate.ts';
import { markPaper, newPaperAccount, openPaper, paperEquity, paperPositions, type PaperAccount, type PaperSettings } from '../../core/paper/paperAccount.ts';
import { intervalMs, type Instrument } from '../../domain/types.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import type { EntryOrder, FetchMarketInput, MarketSnapshot, MarketSource, PlacedOrder } from '../../../machines/strategy.types.ts';
import { promiseMarketSource } from '../../runtime/market/promiseMarketSource.ts';

/**
 * The shadow actors' I/O: market data from the live exchange port (the same candles, the
 * same cache as the live actors), the portfolio and the fills from one paper account per
 * preset variant (`<preset>@candidate`, `<preset>@baseline`). Nothing here can place an
 * order: the placeEntry actor only writes to a paper account.
 */
export const VARIANTS = ['candidate', 'baseline'] as const;
export type Variant = (typeof VARIANTS)[number];

/** "BTCUSDT:range-v1@candidate" -> "candidate". */
export function variantOf(actorId: string): Variant {
  return actorId.endsWith('@baseline') ? 'baseline' : 'candidate';
}

export interface PaperFill {
  readonly actorId: string;
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly price: number;
  readonly at: number;
  readonly opened: boolean;
}

export class PaperBook {
  private readonly accounts = new Map<string, PaperAccount>();
  private readonly instruments = new Map<string, Instrument>();
  readonly fills: PaperFill[] = [];
  private seq = 0;

  constructor(
    private readonly o: {
      readonly exchange: ExchangePort;
      readonly clock: Clock;
      readonly initialEquity: number;
      readonly settings: PaperSettings;
      readonly maxLeverage: (variant: Variant) => number;
    },
  ) {}

  key(presetId: string, variant: Variant): string {
    return `${presetId}@${variant}`;
  }

  account(presetId: string, variant: Variant): PaperAccount {
    const key = this.key(presetId, variant);
    let account = this.accounts.get(key);
    if (!account) this.accounts.set(key, (account = newPaperAccount(this.o.initialEquity)));
    return account;
  }

  private async instrument(symbol: string, signal: AbortSignal): Promise<Instrument> {
    const known = this.instruments.get(symbol);
    if (known) return known;
    const fetched = await this.o.exchange.instrument(symbol, { signal });
    this.instruments.set(symbol, fetched);
    return fetched;
  }

  /** The shadow actors' market data: REST reads, the paper account marked on every closed candle. */
  marketSource(): MarketSource {
    return promiseMarketSource(async (input: FetchMarketInput, signal: AbortSignal): Promise<MarketSnapshot> => {
      const [candles, instrument] = await Promise.all([
        this.o.exchange.candles({ symbol: input.symbol, interval: input.interval, limit: input.limit }, { signal }),
        this.instrument(input.symbol, signal),
      ]);
      const now = this.o.clock.now();
      const variant = variantOf(input.actorId);
      const presetId = input.actorId.split(':')[1]!.split('@')[0]!;
      const stepMs = intervalMs(input.interval);
      // Stops and targets of the paper position are checked on every closed candle first.
      const account = markPaper(this.account(presetId, variant), input.symbol, closedCandles(candles, stepMs, now), stepMs, this.o.settings);
      this.accounts.set(this.key(presetId, variant), account);
      const equity = paperEquity(account);
      const positions = paperPositions(account, now);
      const used = positions.reduce((sum, p) => sum + p.positionValue, 0) / Math.max(1, this.o.maxLeverage(variant));
      return {
        now,
        candles,
        instrument,
        portfolio: { equity, availableBalance: Math.max(0, equity - used), positions, openOrders: [], dayStartEquity: this.o.initialEquity },
        tradingState: 'ACTIVE',
      };
    });
  }

  placeEntry() {
    return fromPromise<PlacedOrder, EntryOrder>(async ({ input }) => {
      const variant = variantOf(input.actorId);
      const { account, opened } = openPaper(
        this.account(input.presetId, variant),
        {
          symbol: input.symbol,
          side: input.entry.side,
          qty: input.entry.qty,
          price: input.entry.entryPrice,
          stopLoss: input.entry.stopLoss,
          takeProfit: input.entry.takeProfit,
          signalCandleStart: input.candleStart,
          candleMs: this.candleMs.get(input.actorId) ?? 0,
          at: this.o.clock.now(),
        },
        this.o.settings,
      );
      this.accounts.set(this.key(input.presetId, variant), account);
      const fill = account.positions[input.symbol];
      this.fills.push({ actorId: input.actorId, symbol: input.symbol, side: input.entry.side, qty: input.entry.qty, price: fill?.entryPrice ?? input.entry.entryPrice, at: this.o.clock.now(), opened });
      return {
        orderId: `paper-${++this.seq}`,
        orderLinkId: input.orderLinkId,
        status: opened ? 'Filled' : 'Rejected',
        filledQty: opened ? input.entry.qty : 0,
        avgPrice: opened ? (fill?.entryPrice ?? input.entry.entryPrice) : 0,
        adopted: false,
        ...(opened ? {} : { note: `paper: a position on ${input.symbol} is already open` }),
      };
    });
  }

  /** Candle length per shadow actor (its interval), so a paper position waits for the next candle. */
  readonly candleMs = new Map<string, number>();
}
