import type { FetchMarketInput, MarketSnapshot, MarketReplyTarget, MarketSource } from '../../../machines/strategy.types.ts';

/**
 * A MarketSource over a promise-returning fetch: every request is answered when the promise
 * settles (MARKET or MARKET_FAILED), unless the actor cancelled it first, in which case the
 * fetch's AbortSignal fires and the answer is dropped. Used where all data comes over REST
 * (tests script their fetches with it); the runtime's MarketHub answers from memory first.
 */
export function promiseMarketSource(fetch: (input: FetchMarketInput, signal: AbortSignal) => Promise<MarketSnapshot>): MarketSource {
  const pending = new Map<string, AbortController>();
  return {
    request(actor: MarketReplyTarget, input: FetchMarketInput): void {
      pending.get(input.actorId)?.abort();
      const controller = new AbortController();
      pending.set(input.actorId, controller);
      const settle = (reply: Parameters<MarketReplyTarget['send']>[0]): void => {
        if (controller.signal.aborted || pending.get(input.actorId) !== controller) return;
        pending.delete(input.actorId);
        if (actor.getSnapshot().status === 'active') actor.send(reply);
      };
      let started: Promise<MarketSnapshot>;
      try {
        started = fetch(input, controller.signal);
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (market) => settle({ type: 'MARKET', market }),
        (error: unknown) => settle({ type: 'MARKET_FAILED', error }),
      );
    },
    cancel(actorId: string): void {
      const controller = pending.get(actorId);
      if (!controller) return;
      pending.delete(actorId);
      controller.abort();
    },
  };
}
