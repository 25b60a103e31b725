import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import type { Journal } from '../journal/journal.ts';
import type { JournalGuard } from '../journal/writeGuard.ts';
import type { AccountStream } from '../ports/accountStream.ts';
import type { Clock } from '../ports/clock.ts';

/** A source of exchange channel alerts (the Bybit adapter's ChannelAlerts). */
export interface AlertSource {
  onAlert(listener: (alert: { readonly channel: string; readonly reason: string; readonly priority: string; readonly message: string }) => void): () => void;
}

/** Pushed fills (and funding) and order updates of ours go to the journal at once. Returns the unsubscribe function. */
export function journalAccountStream(stream: AccountStream, journal: Journal, clock: Clock, guard: JournalGuard): () => void {
  const offs = [
    stream.onExecution((execution) => guard.run('execution', () => journal.recordFills([execution], clock.now()))),
    stream.onOrder((order) => {
      if (order.orderLinkId.startsWith(ORDER_LINK_PREFIX)) guard.run('order', () => journal.orderUpdate(order, clock.now()));
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** Channel degradation alerts, at most one row per channel and reason per minute (a dead DNS raises one on every request). */
export function journalChannelAlerts(source: AlertSource, journal: Journal, clock: Clock, guard: JournalGuard): () => void {
  const lastRecorded = new Map<string, number>();
  return source.onAlert((alert) => {
    const key = `${alert.channel}:${alert.reason}`;
    const now = clock.now();
    if (now - (lastRecorded.get(key) ?? -Infinity) < 60_000) return;
    lastRecorded.set(key, now);
    guard.run('alert', () => journal.recordAlert(now, alert.priority, alert.channel, `${alert.reason}: ${alert.message}`));
  });
}
