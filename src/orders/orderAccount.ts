import type { Balance, Position } from '../domain/types.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { OrderAccountReading } from '../runtime/market/accountView.ts';

/**
 * The account as the order path knows it in memory: the runtime's AccountView, kept current
 * by the private streams (wallet, position, order topics; the in-process engine's events).
 */
export interface AccountMemory {
  /** Balance and the symbol's position when current; null = read over REST. */
  orderReading(symbol: string, now: number): OrderAccountReading | null;
  /** The number of the latest update; grows with every push or full read. */
  version(): number;
}

/** What an entry is checked against just before it is sent. */
export interface EntryAccount {
  /** Available balance less the margin of our entries the reading may not reflect yet. */
  readonly availableBalance: number;
  /** Our open position on the symbol (undefined = flat). */
  readonly held: Position | undefined;
  readonly source: 'stream' | 'rest';
}

interface Reservation {
  readonly margin: number;
  /** AccountView version when the order was sent: a balance numbered after it may include it. */
  readonly seq: number;
  done: boolean;
  doneAt: number;
}

/**
 * A finished entry's reservation is dropped after this long even if no balance update came
 * (Bybit pushes the wallet on every balance change, so one always comes sooner): the set
 * stays bounded when the account is mostly read over REST.
 */
const RESERVATION_TTL_MS = 60_000;

/**
 * Balance and position for the order path without REST on every order (issue 13): from
 * memory when the private streams keep it current, over REST otherwise (no stream, a
 * disconnected or silent one, backtests that read the venue at each instant).
 *
 * Orders of different symbols may be in flight together, and a push reaches us some time
 * after the exchange changed the account, so two guards keep memory honest:
 * - Margin reservations: an entry's initial margin is subtracted from the available balance
 *   from the moment it is sent until a balance update numbered after the send has arrived
 *   (or at once when the entry ended without a fill). REST readings subtract the entries
 *   that were still in flight when the read began.
 * - Position doubt: after an entry on a symbol was sent, that symbol's position in memory is
 *   used only once a position update numbered after the send has arrived; until then (or if
 *   the entry did not fill) the position is read over REST.
 */
export class OrderAccount {
  private readonly reservations = new Set<Reservation>();
  private readonly doubt = new Map<string, number>();

  constructor(
    private readonly exchange: ExchangePort,
    private readonly memory?: AccountMemory,
  ) {}

  /** From memory, without waiting; null when it must be read over REST (`read`). */
  fromMemory(symbol: string, now: number): EntryAccount | null {
    const reading = this.memory?.orderReading(symbol, now) ?? null;
    if (!reading) return null;
    const doubtedSince = this.doubt.get(symbol);
    if (doubtedSince !== undefined && reading.positionSeq <= doubtedSince) return null;
    if (doubtedSince !== undefined) this.doubt.delete(symbol);
    return { availableBalance: reading.balance.availableBalance - this.outstanding(reading.balanceSeq, now), held: held(reading.position), source: 'stream' };
  }

  /** From memory when it is current, otherwise over REST. */
  async read(symbol: string, now: number): Promise<EntryAccount> {
    const remembered = this.fromMemory(symbol, now);
    if (remembered) return remembered;
    const inFlight: Reservation[] = [];
    for (const r of this.reservations) {
      if (!r.done) inFlight.push(r);
      else if (now - r.doneAt > RESERVATION_TTL_MS) this.reservations.delete(r);
    }
    const [balance, positions] = await Promise.all([this.exchange.balance(), this.exchange.positions(symbol)]);
    return { availableBalance: restAvailable(balance, inFlight), held: positions.find((p) => p.size > 0), source: 'rest' };
  }

  /** An entry on `symbol` is about to be sent with this initial margin; call the result when it is over. */
  sending(symbol: string, margin: number): (filled: boolean, now: number) => void {
    const seq = this.memory?.version() ?? 0;
    const reservation: Reservation = { margin, seq, done: false, doneAt: 0 };
    this.reservations.add(reservation);
    this.doubt.set(symbol, seq);
    return (filled, now) => {
      reservation.done = true;
      reservation.doneAt = now;
      // Without memory every reading is a REST read made after this: nothing to wait for.
      if (filled && this.memory) return;
      // Nothing changed on the exchange: neither margin nor position to wait for.
      this.reservations.delete(reservation);
      if (this.doubt.get(symbol) === seq) this.doubt.delete(symbol);
    };
  }

  /** Margin of our entries that a balance numbered `balanceSeq` may not include yet. */
  private outstanding(balanceSeq: number, now: number): number {
    let sum = 0;
    for (const r of this.reservations) {
      if (r.done && (balanceSeq > r.seq || now - r.doneAt > RESERVATION_TTL_MS)) this.reservations.delete(r);
      else sum += r.margin;
    }
    return sum;
  }
}

function held(position: Position | undefined): Position | undefined {
  return position && position.size > 0 ? position : undefined;
}

function restAvailable(balance: Balance, inFlight: readonly Reservation[]): number {
  let reserved = 0;
  for (const r of inFlight) reserved += r.margin;
  return balance.availableBalance - reserved;
}
