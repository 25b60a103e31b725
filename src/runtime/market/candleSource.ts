import { toBybotError } from '../../domain/errors.ts';
import { intervalMs, type Candle, type Interval } from '../../domain/types.ts';
import type { BybitStreams } from '../../exchange/bybit/streams.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ExchangePort } from '../../ports/exchange.ts';
import { SERIES_BUFFER_ROWS } from './seriesBuffer.ts';

/** Where closed candles come from as they close: the kline stream's `confirm`. */
export interface CandleSource {
  /** Start delivering the closed candles of this series (idempotent). */
  subscribe(symbol: string, interval: Interval): void;
  onClosed(listener: (symbol: string, interval: Interval, candle: Candle) => void): () => void;
  /**
   * Closed candles older than the first one confirmed, delivered once when a series starts
   * (oldest first): history for the hub's buffer, not closes to dispatch. Optional: a
   * source without it leaves the buffer to the actors' REST reads.
   */
  onBackfill?(listener: (symbol: string, interval: Interval, rows: readonly Candle[]) => void): () => void;
  close(): void;
}

type Listener = (symbol: string, interval: Interval, candle: Candle) => void;

/** Bybit's public kline stream (`kline.{interval}.{symbol}`, confirmed rows, and the REST backfill after a reconnect). */
export function streamCandleSource(streams: Pick<BybitStreams, 'on' | 'subscribeKlines'>): CandleSource {
  const listeners = new Set<Listener>();
  const off = streams.on('kline', (event) => {
    if (!event.confirm) return;
    for (const listener of listeners) listener(event.symbol, event.interval, event.candle);
  });
  return {
    subscribe: (symbol, interval) => streams.subscribeKlines(symbol, interval),
    onClosed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => off(),
  };
}

export interface PollingCandleSourceOptions {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  /** A candle is confirmed this long after its close (simulated ms). */
  readonly confirmDelayMs: number;
  readonly logger?: Logger;
}

/**
 * The kline stream of a venue without one in this process (the in-process simulator, the
 * replay of stored candles in `--engine actors`): one timer per interval on the injected
 * clock reads, `confirmDelayMs` after each close, the newest candles of every subscribed
 * symbol through the exchange port and confirms the ones that closed since the last. Going
 * through the port keeps the venue's faults: a simulator that is down confirms nothing (the
 * stream is silent and the supervisors' fallback timers take over), NaN candles arrive as
 * NaN. One read per symbol and close, whatever the number of actors.
 *
 * A poll that comes late (a busy start-up: 2,000 actors loading their history) must not
 * leave a hole the hub's buffer restarts at, which sent every actor of the symbol to REST
 * at its next cycle: the first read of a series takes the buffer's worth of rows and hands
 * the older closed ones over as backfill, and a later read reaches back to the last
 * confirmed row (up to the same bound), so the closes it missed are confirmed in order.
 */
export function pollingCandleSource(o: PollingCandleSourceOptions): CandleSource {
  const listeners = new Set<Listener>();
  const backfillListeners = new Set<(symbol: string, interval: Interval, rows: readonly Candle[]) => void>();
  const byInterval = new Map<Interval, { symbols: string[]; timer: unknown }>();
  const lastConfirmed = new Map<string, number>();
  let closed = false;

  const arm = (interval: Interval): void => {
    const entry = byInterval.get(interval);
    if (!entry || closed) return;
    const step = intervalMs(interval);
    const now = o.clock.now();
    const delay = Math.floor((now - o.confirmDelayMs) / step) * step + step + o.confirmDelayMs - now;
    entry.timer = o.clock.setTimeout(() => {
      poll(interval);
      arm(interval);
    }, delay);
  };

  /** The first read's closed rows before the newest one (which is confirmed as a close). */
  const backfill = (symbol: string, interval: Interval, rows: readonly Candle[], step: number, now: number): void => {
    const newest = newestClosed(rows, step, now);
    if (!newest) return;
    // Rows before the newest closed one are closed too.
    const older = rows.filter((row) => Number.isFinite(row.start) && row.start < newest.start);
    if (older.length > 0) for (const listener of backfillListeners) listener(symbol, interval, older);
  };

  const poll = (interval: Interval): void => {
    const entry = byInterval.get(interval);
    if (!entry) return;
    const step = intervalMs(interval);
    const now = o.clock.now();
    for (const symbol of entry.symbols) {
      const key = `${symbol}:${interval}`;
      const known = lastConfirmed.get(key);
      const limit = known === undefined ? SERIES_BUFFER_ROWS : Math.min(SERIES_BUFFER_ROWS, Math.max(3, Math.ceil((now - known) / step) + 1));
      o.exchange.candles({ symbol, interval, limit }).then(
        (rows) => {
          if (closed) return;
          const now = o.clock.now();
          const last = lastConfirmed.get(key);
          if (last === undefined) backfill(symbol, interval, rows, step, now);
          for (const row of rows) {
            if (row.start + step > now || !Number.isFinite(row.start)) continue;
            if (last !== undefined && !(row.start > last)) continue;
            // The first read confirms only the newest closed candle, not the history before it.
            if (last === undefined && row !== newestClosed(rows, step, now)) continue;
            lastConfirmed.set(key, row.start);
            for (const listener of listeners) listener(symbol, interval, row);
          }
        },
        (error: unknown) => o.logger?.debug({ event: 'kline_poll_failed', symbol, interval, code: toBybotError(error).code }, 'kline read failed: no confirm this close'),
      );
    }
  };

  return {
    subscribe(symbol, interval) {
      let entry = byInterval.get(interval);
      if (!entry) {
        entry = { symbols: [], timer: undefined };
        byInterval.set(interval, entry);
        entry.symbols.push(symbol);
        arm(interval);
        return;
      }
      if (!entry.symbols.includes(symbol)) entry.symbols.push(symbol);
    },
    onClosed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onBackfill(listener) {
      backfillListeners.add(listener);
      return () => backfillListeners.delete(listener);
    },
    close() {
      closed = true;
      for (const entry of byInterval.values()) o.clock.clearTimeout(entry.timer);
      byInterval.clear();
    },
  };
}

function newestClosed(rows: readonly Candle[], step: number, now: number): Candle | undefined {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.start + step <= now) return rows[i];
  return undefined;
}
