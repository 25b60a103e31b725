import type { ExchangePort } from '../ports/exchange.ts';
import { decoratePort } from './decoratePort.ts';

/** Counts the exchange calls in flight, for a lock-step clock that may only move when none is. */
export interface InFlightCounter {
  readonly port: ExchangePort;
  inFlight(): number;
  /** Calls made since creation. */
  calls(): number;
}

export function countInFlight(port: ExchangePort): InFlightCounter {
  let pending = 0;
  let total = 0;
  const decorated = decoratePort(port, async (_operation, options, call) => {
    pending++;
    total++;
    try {
      return await call(options ?? {});
    } finally {
      pending--;
    }
  });
  return { port: decorated, inFlight: () => pending, calls: () => total };
}
