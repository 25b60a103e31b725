import { OPEN_ORDER_STATUSES, type Balance, type Order, type Position } from '../../domain/types.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CallOptions, ExchangePort } from '../../ports/exchange.ts';

/** The account as one iteration sees it: what the old per-actor REST reads returned. */
export interface AccountReading {
  readonly balance: Balance;
  /** Open positions (size > 0). */
  readonly positions: readonly Position[];
  /** Open orders (New, PartiallyFilled, Untriggered). */
  readonly openOrders: readonly Order[];
}

/** What the order path reads from memory for one symbol, with how recent each part is. */
export interface OrderAccountReading {
  readonly balance: Balance;
  /** The symbol's open position; undefined = flat. */
  readonly position: Position | undefined;
  /** Sequence number of the update the balance came from (see AccountView.version). */
  readonly balanceSeq: number;
  /** Sequence number of the update the symbol's position came from. */
  readonly positionSeq: number;
}

export interface AccountViewOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  /** How long a reading stays current while a private stream is live (simulated ms). */
  readonly streamedMaxAgeMs: number;
  /** How long a reading stays current without a live stream (simulated ms; 0 = only at the instant it was read). */
  readonly polledMaxAgeMs: number;
}

/**
 * The account (balance, open positions, open orders) kept in memory for the strategy actors
 * and the order path, instead of three REST reads per iteration and two per order.
 *
 * It is read in full over REST (`refresh`: at start, when it is older than its maximum age,
 * and by the market hub once per candle-close dispatch when no private stream is live) and
 * kept current between reads by the private streams (Bybit's wallet, position and order
 * topics, or the in-process engine's events). While a private stream is live a reading
 * stays current for `streamedMaxAgeMs` after the last push or read (the wallet push carries
 * the equity; marks move it in between); without one, for `polledMaxAgeMs` (backtests: 0,
 * so every decision instant reads the venue exactly as the REST path did).
 */
export class AccountView {
  private balance: Balance | null = null;
  private readonly positions = new Map<string, Position>();
  private readonly orders = new Map<string, Order>();
  private updatedAt = Number.NEGATIVE_INFINITY;
  private live = false;
  private cached: AccountReading | null = null;
  private reading: Promise<AccountReading> | null = null;
  /** Full REST reads so far (for tests and metrics). */
  reads = 0;
  // Sequence numbers of updates, so the order path can tell whether a reading already
  // reflects an order it sent (an update numbered after the send) or may predate it.
  private seq = 0;
  private balanceSeq = 0;
  private refreshSeq = 0;
  private readonly positionSeq = new Map<string, number>();

  constructor(private readonly o: AccountViewOptions) {}

  /** Whether a private stream keeps the view current. */
  setLive(live: boolean): void {
    this.live = live;
  }

  isLive(): boolean {
    return this.live;
  }

  /** The account from memory, or null when it must be read (never read, or too old). */
  current(now: number): AccountReading | null {
    if (!this.fresh(now) || this.balance === null) return null;
    if (this.cached === null) {
      this.cached = {
        balance: this.balance,
        positions: [...this.positions.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)),
        openOrders: [...this.orders.values()],
      };
    }
    return this.cached;
  }

  /** The number of the latest update (push or full read); grows with every update. */
  version(): number {
    return this.seq;
  }

  /** Balance and the symbol's position from memory when the view is current (null: read over REST). */
  orderReading(symbol: string, now: number): OrderAccountReading | null {
    if (!this.fresh(now) || this.balance === null) return null;
    return {
      balance: this.balance,
      position: this.positions.get(symbol),
      balanceSeq: this.balanceSeq,
      positionSeq: Math.max(this.refreshSeq, this.positionSeq.get(symbol) ?? 0),
    };
  }

  /** One full REST read, shared by every caller while it is in flight. */
  refresh(options?: CallOptions): Promise<AccountReading> {
    if (this.reading) return this.reading;
    const { exchange, clock } = this.o;
    // Numbered when it starts: it may not reflect what happened while it was in flight.
    const started = ++this.seq;
    const read = Promise.all([exchange.balance(options), exchange.positions(undefined, options), exchange.openOrders(undefined, options)]).then(([balance, positions, openOrders]) => {
      this.reads++;
      this.balanceSeq = started;
      this.refreshSeq = started;
      this.positionSeq.clear();
      this.balance = balance;
      this.positions.clear();
      for (const p of positions) if (p.size > 0) this.positions.set(p.symbol, p);
      this.orders.clear();
      for (const o of openOrders) this.orders.set(o.orderId, o);
      this.touch(clock.now());
      // Served as read: the REST path gave every actor these very arrays.
      this.cached = { balance, positions, openOrders };
      return this.cached;
    });
    this.reading = read;
    const done = (): void => {
      if (this.reading === read) this.reading = null;
    };
    read.then(done, done);
    return read;
  }

  applyBalance(balance: Balance): void {
    if (this.balance === null) return; // a push before the first full read says nothing about positions
    this.balance = balance;
    this.balanceSeq = ++this.seq;
    this.touch(this.o.clock.now());
  }

  applyPosition(position: Position): void {
    if (this.balance === null) return;
    if (position.size > 0) this.positions.set(position.symbol, position);
    else this.positions.delete(position.symbol);
    this.positionSeq.set(position.symbol, ++this.seq);
    this.touch(this.o.clock.now());
  }

  applyOrder(order: Order): void {
    if (this.balance === null) return;
    if (OPEN_ORDER_STATUSES.includes(order.status)) this.orders.set(order.orderId, order);
    else this.orders.delete(order.orderId);
    this.seq++;
    this.touch(this.o.clock.now());
  }

  /** The position of a symbol from memory (undefined = flat), when the view is current. */
  position(symbol: string, now: number): Position | undefined | null {
    return this.fresh(now) ? this.positions.get(symbol) : null;
  }

  private fresh(now: number): boolean {
    if (this.balance === null) return false;
    return now - this.updatedAt <= (this.live ? this.o.streamedMaxAgeMs : this.o.polledMaxAgeMs);
  }

  private touch(now: number): void {
    this.updatedAt = now;
    this.cached = null;
  }
}
