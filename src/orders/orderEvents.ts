import type { PlaceOrderRequest } from '../domain/types.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';

/**
 * What the order manager reports as it works, so the journal (and anything else) can
 * record every step of an order's life without the manager knowing about storage.
 */
export interface OrderEventSink {
  /** An approved entry was handed to the queue. */
  intent(order: EntryOrder, at: number): void;
  /** A create request is about to be sent (attempt 0, 1, ...). */
  submitted(order: EntryOrder, request: PlaceOrderRequest, attempt: number, at: number): void;
  /** The final outcome of an entry as the exchange reports it. */
  outcome(order: EntryOrder, result: PlacedOrder, at: number): void;
  /** The entry failed for good (after retries, or not retryable). */
  failed(order: EntryOrder, code: string, message: string, at: number): void;
  /** The entry was never sent: the gate closed (halt, shutdown) while it waited in the queue. */
  notSent(order: EntryOrder, reason: string, at: number): void;
  /** An operator amended or cancelled a resting order of ours. */
  changed(orderLinkId: string, change: 'amended' | 'cancelled', detail: Readonly<Record<string, unknown>>, at: number): void;
  /** Position protection: a stop was found, set, or the position was flattened; 'reduced': a rebalance's reduction (portfolio.resizeOpen) sent, skipped or failed. */
  protection(symbol: string, action: 'stop_present' | 'stop_set' | 'flattened' | 'unprotected' | 'reduced', detail: string, at: number): void;
}

export const NO_ORDER_EVENTS: OrderEventSink = {
  intent: () => undefined,
  submitted: () => undefined,
  outcome: () => undefined,
  failed: () => undefined,
  notSent: () => undefined,
  changed: () => undefined,
  protection: () => undefined,
};
