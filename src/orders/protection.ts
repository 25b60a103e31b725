import { toBybotError } from '../domain/errors.ts';
import type { Instrument, Position } from '../domain/types.ts';
import type { Clock } from '../ports/clock.ts';
import { sleep } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { buildOrderLinkId } from '../core/orders/orderLinkId.ts';
import { ceilToStep, floorToStep } from '../core/steps.ts';
import type { OrderEventSink } from './orderEvents.ts';

export interface ProtectionDeps {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly events: OrderEventSink;
  readonly instrument: (symbol: string) => Promise<Instrument>;
  /** A position without its stop is repaired or flattened within this time (simulated ms). */
  readonly deadlineMs: number;
}

/**
 * The stop guarantee, the safety net under the stop-loss attached to every entry's create
 * request: a position of ours must carry a stop-loss. It is read from the exchange (REST:
 * the truth, not memory) and set if missing; if that keeps failing until the deadline, the
 * position is closed (reduce-only market) rather than left open unprotected.
 */
export async function ensureStop(deps: ProtectionDeps, symbol: string, stopLoss: number, correlationId: string): Promise<void> {
  const { exchange, clock, events } = deps;
  const deadline = clock.now() + deps.deadlineMs;
  let lastError = '';
  for (let attempt = 0; clock.now() <= deadline; attempt++) {
    try {
      const position = (await exchange.positions(symbol)).find((p) => p.size > 0);
      if (!position) return;
      if (position.stopLoss > 0) {
        if (attempt > 0) events.protection(symbol, 'stop_set', `stop-loss ${position.stopLoss} confirmed (${correlationId})`, clock.now());
        return;
      }
      const stop = validStop(position, stopLoss, (await deps.instrument(symbol)).tickSize);
      await exchange.setTradingStop({ symbol, stopLoss: stop });
      events.protection(symbol, 'stop_set', `stop-loss ${stop} set on ${position.side} ${position.size} (${correlationId})`, clock.now());
      return;
    } catch (raw) {
      lastError = toBybotError(raw).message;
      await sleep(clock, Math.min(5_000, 500 * 2 ** attempt));
    }
  }
  await flatten(deps, symbol, `no stop-loss could be set before the deadline: ${lastError}`);
}

async function flatten(deps: ProtectionDeps, symbol: string, why: string): Promise<void> {
  const { exchange, clock, events } = deps;
  try {
    const position = (await exchange.positions(symbol)).find((p) => p.size > 0);
    if (!position) return;
    const side = position.side === 'Buy' ? 'Sell' : 'Buy';
    const orderLinkId = buildOrderLinkId({ strategyId: 'protect', symbol, candleStart: Math.floor(clock.now() / 1000) * 1000, side, purpose: 'exit' });
    await exchange.placeOrder({ symbol, side, orderType: 'Market', qty: position.size, reduceOnly: true, orderLinkId });
    events.protection(symbol, 'flattened', `${position.side} ${position.size} closed: ${why}`, clock.now());
  } catch (raw) {
    events.protection(symbol, 'unprotected', `could not flatten: ${toBybotError(raw).message}; ${why}`, clock.now());
  }
}

/** The intended stop if it is on the protective side of the position, otherwise 1 % away; on the tick grid. */
function validStop(position: Position, intended: number, tickSize: number): number {
  const reference = position.markPrice > 0 ? position.markPrice : position.avgPrice;
  if (position.side === 'Buy') return floorToStep(intended > 0 && intended < reference ? intended : reference * 0.99, tickSize);
  return ceilToStep(intended > reference ? intended : reference * 1.01, tickSize);
}
