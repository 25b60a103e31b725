import type { Logger } from '../observability/logger.ts';
import type { OrderEventSink } from './orderEvents.ts';

/** Order steps as log lines (with the actor fields), so one grep on a correlation id shows an order's life. */
export function loggingOrderSink(logger: Logger): OrderEventSink {
  const fields = (o: { actorId: string; symbol: string; presetId: string; correlationId: string; orderLinkId: string }) => ({
    actor: o.actorId,
    symbol: o.symbol,
    strategy: o.presetId,
    correlationId: o.correlationId,
    orderLinkId: o.orderLinkId,
  });
  return {
    intent: () => undefined,
    submitted: (order, request, attempt) =>
      logger.info({ event: 'order_submitted', ...fields(order), attempt, side: request.side, qty: request.qty }, `submitting ${request.side} ${request.qty} ${order.symbol} (attempt ${attempt + 1})`),
    outcome: () => undefined,
    failed: (order, code, message) => logger.warn({ event: 'order_failed', ...fields(order), code, err: message }, `order failed (${code}): ${message}`),
    notSent: (order, reason) => logger.info({ event: 'order_not_sent', ...fields(order), reason }, `entry not sent: ${reason}`),
    changed: (orderLinkId, change, detail) => logger.info({ event: 'order_changed', orderLinkId, change, ...detail }, `order ${orderLinkId} ${change}`),
    protection: (symbol, action, detail) =>
      (action === 'unprotected' ? logger.error.bind(logger) : logger.warn.bind(logger))({ event: 'position_protection', symbol, action, detail }, `${symbol}: ${action}: ${detail}`),
  };
}

/** Fans one order event out to several sinks; a failing sink never stops the others or the order. */
export function fanOut(sinks: readonly OrderEventSink[], onError: (error: unknown) => void): OrderEventSink {
  const each =
    <K extends keyof OrderEventSink>(key: K) =>
    (...args: Parameters<OrderEventSink[K]>): void => {
      for (const sink of sinks) {
        try {
          (sink[key] as (...a: Parameters<OrderEventSink[K]>) => void)(...args);
        } catch (error) {
          onError(error);
        }
      }
    };
  return {
    intent: each('intent'),
    submitted: each('submitted'),
    outcome: each('outcome'),
    failed: each('failed'),
    notSent: each('notSent'),
    changed: each('changed'),
    protection: each('protection'),
  };
}
