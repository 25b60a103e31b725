import { and, assign, enqueueActions, fromPromise, setup } from 'xstate';
import { intervalMs } from '../src/domain/types.ts';
import {
  beginHalfOpen,
  failureWouldTrip,
  recordFailure,
  recordSuccess,
} from '../src/core/supervision/breaker.ts';
import { candlesToFetch, ownKernel } from './strategy.kernelSync.ts';
import { END_OF_ITERATION, cycleId, initialStrategyContext, recordError, shouldSkip, signalStep, validateStep } from './strategy.steps.ts';
import type {
  Counters,
  EntryOrder,
  FetchMarketInput,
  PlacedOrder,
  RecordedError,
  StrategyActorInput,
  StrategyContext,
  StrategyEvent,
  StrategyMachineDeps,
  StrategyToParentEvent,
} from './strategy.types.ts';

/**
 * One actor per symbol x strategy preset:
 *
 *   idle --TICK--> fetching --data--> validating --> signalling --entry--> ordering --> cooldown --> idle
 *                     |                   |               |                  |
 *                     +---- failure ------+--- skip ------+---- failure -----+--> cooldown, or broken
 *
 * `broken` is the open circuit breaker: after `failureThreshold` consecutive failed
 * iterations the actor stops calling the exchange for `openMs`, then makes one half-open
 * attempt (straight to fetching); success closes the breaker, failure re-opens it.
 *
 * I/O happens only through the market source (`deps.market`: `fetching` asks on entry and
 * gets one MARKET or MARKET_FAILED event back, raised in the same step when the data is in
 * memory, and cancels on exit) and the invoked `placeEntry` actor, which the runtime provides
 * (`machine.provide({ actors })`). Guards and actions call the pure functions of
 * strategy.steps.ts and never throw. Errors whose
 * level is above 'strategy' are reported to the parent supervisor (ESCALATE); every trip
 * of the breaker is reported too (BREAKER_TRIPPED), so the supervisor can apply level 2.
 */
export function createStrategyMachine(deps: StrategyMachineDeps) {
  return setup({
    types: {
      context: {} as StrategyContext,
      input: {} as StrategyActorInput,
      events: {} as StrategyEvent,
    },
    actors: {
      // Placeholder: the runtime provides the real order path bound to its ports.
      placeEntry: fromPromise<PlacedOrder, EntryOrder>(async () => {
        throw new Error('placeEntry actor not provided');
      }),
    },
    delays: {
      cooldown: ({ context }) => context.settings.cooldownMs,
      breakerOpen: ({ context }) => context.settings.breaker.openMs,
    },
    guards: {
      failureOpensBreaker: ({ context }) => failureWouldTrip(context.breaker, context.settings.breaker),
      stepFailed: ({ context }) => context.stepError !== null,
      dataUnusable: ({ context }) => shouldSkip(context),
      hasEntry: ({ context }) => context.pendingEntry !== null,
    },
    actions: {
      /**
       * Asks the market source for this iteration's data; the answer is a MARKET or
       * MARKET_FAILED event. An answer the source holds in memory is raised, so the actor
       * goes on to validating in the same macrostep as the TICK: one XState macrostep (and
       * snapshot notification) per cycle less, the common case live and in backtests.
       */
      requestMarket: enqueueActions(({ context, self, enqueue }) => {
        const input = marketRequest(context, deps);
        const market = deps.market;
        const answer = market?.answerFromMemory?.(input);
        if (answer) {
          enqueue.raise({ type: 'MARKET', market: answer });
          return;
        }
        enqueue(() => {
          if (market) market.request(self, input);
          else self.send({ type: 'MARKET_FAILED', error: new Error('no market data source provided') });
        });
      }),
      /** Leaving `fetching` (answer taken, actor stopped): an answer still on its way must not arrive. */
      releaseMarket: ({ context }) => deps.market?.cancel(context.actorId),
      beginCycle: assign(({ context }) => {
        const cycle = context.counters.iterations + 1;
        return {
          correlationId: cycleId(context.actorId, context.settings.startedAt, cycle),
          counters: counted(context.counters, { iterations: 1 }),
          stepError: null,
        };
      }),
      beginHalfOpen: assign(({ context }) => ({ breaker: beginHalfOpen(context.breaker) })),
      /** Level 1: count the failed iteration, feed the breaker, and report errors above strategy level. */
      recordFailure: enqueueActions(({ context, enqueue, self }, params: { error: RecordedError }) => {
        const { error } = params;
        enqueue.assign({
          ...END_OF_ITERATION,
          breaker: recordFailure(context.breaker, context.settings.breaker, error.at),
          lastError: error,
          counters: counted(
            context.counters,
            { failed: 1 },
            { ...context.counters.failuresByCode, [error.code]: (context.counters.failuresByCode[error.code] ?? 0) + 1 },
          ),
        });
        if (error.level !== 'strategy' && self._parent) {
          const escalate: StrategyToParentEvent = {
            type: 'ESCALATE',
            level: error.level,
            actorId: context.actorId,
            error,
            correlationId: context.correlationId,
          };
          enqueue.sendParent(escalate);
        }
      }),
      recordSuccess: assign(({ context }) => ({
        ...END_OF_ITERATION,
        breaker: recordSuccess(context.breaker),
        counters: counted(context.counters, { succeeded: 1 }),
      })),
      recordSkip: assign(({ context }) => ({
        ...END_OF_ITERATION,
        counters: counted(context.counters, { skipped: 1 }),
      })),
      recordOrder: assign(({ context, event }) => {
        const placed = (event as unknown as { output: PlacedOrder }).output;
        const entry = context.pendingEntry;
        return {
          counters: counted(context.counters, { orders: 1 }),
          lastOrder: {
            ...placed,
            at: deps.now(),
            correlationId: context.correlationId,
            side: entry?.entry.side ?? '',
            qty: entry?.entry.qty ?? 0,
          },
        };
      }),
      reportTrip: enqueueActions(({ context, enqueue, self }) => {
        if (!self._parent) return;
        const tripped: StrategyToParentEvent = {
          type: 'BREAKER_TRIPPED',
          actorId: context.actorId,
          at: context.breaker.openedAt ?? deps.now(),
          trips: context.breaker.trips,
          correlationId: context.correlationId,
          error: context.lastError,
        };
        enqueue.sendParent(tripped);
      }),
    },
  }).createMachine({
    id: 'strategy',
    initial: 'idle',
    context: ({ input }) => initialStrategyContext(input, deps.now()),
    states: {
      idle: {
        on: { TICK: { target: 'fetching' } },
      },
      fetching: {
        entry: ['beginCycle', 'requestMarket'],
        exit: 'releaseMarket',
        on: {
          MARKET: {
            target: 'validating',
            actions: assign(({ context, event }) => validateStep(context, event.market, deps)),
          },
          MARKET_FAILED: [
            { guard: 'failureOpensBreaker', target: 'broken', actions: { type: 'recordFailure', params: ({ context, event }) => ({ error: recordError(event.error, deps.now(), context.correlationId) }) } },
            { target: 'cooldown', actions: { type: 'recordFailure', params: ({ context, event }) => ({ error: recordError(event.error, deps.now(), context.correlationId) }) } },
          ],
        },
      },
      validating: {
        always: [
          { guard: and(['stepFailed', 'failureOpensBreaker']), target: 'broken', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'stepFailed', target: 'cooldown', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'dataUnusable', target: 'cooldown', actions: 'recordSkip' },
          { target: 'signalling' },
        ],
      },
      signalling: {
        entry: assign(({ context }) => withSignalOutcome(context, signalStep(context, deps))),
        always: [
          { guard: and(['stepFailed', 'failureOpensBreaker']), target: 'broken', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'stepFailed', target: 'cooldown', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'hasEntry', target: 'ordering' },
          // No entry: the success was recorded with the signal (withSignalOutcome).
          { target: 'cooldown' },
        ],
      },
      ordering: {
        invoke: {
          id: 'placeEntry',
          src: 'placeEntry',
          input: ({ context }) => context.pendingEntry as EntryOrder,
          onDone: { target: 'cooldown', actions: ['recordOrder', 'recordSuccess'] },
          onError: [
            { guard: 'failureOpensBreaker', target: 'broken', actions: { type: 'recordFailure', params: ({ context, event }) => ({ error: recordError(event.error, deps.now(), context.correlationId) }) } },
            { target: 'cooldown', actions: { type: 'recordFailure', params: ({ context, event }) => ({ error: recordError(event.error, deps.now(), context.correlationId) }) } },
          ],
        },
      },
      // The iteration's data (market, pendingEntry, stepError) is cleared by the assign that
      // records its outcome (recordSuccess, recordSkip, recordFailure, or signalling's own for
      // an iteration without an entry), which every way into cooldown or broken runs: no
      // extra context copy on entry.
      cooldown: {
        after: { cooldown: 'idle' },
      },
      broken: {
        entry: 'reportTrip',
        after: { breakerOpen: { target: 'fetching', actions: 'beginHalfOpen' } },
      },
    },
  });
}

export type StrategyMachine = ReturnType<typeof createStrategyMachine>;

/** What `fetching` asks the market source for. */
function marketRequest(context: StrategyContext, deps: StrategyMachineDeps): FetchMarketInput {
  const kernel = ownKernel(context);
  return {
    actorId: context.actorId,
    symbol: context.symbol,
    interval: context.settings.params.interval,
    limit: candlesToFetch(context, deps.resolveStrategy(context.strategyType), deps.now()),
    since: kernel && Number.isFinite(kernel.lastStart) ? kernel.lastStart : Number.NaN,
    correlationId: context.correlationId,
  };
}

/**
 * The counters plus some increments, as one object literal of a fixed shape: object spread
 * over the counters (and over patches of varying shapes) took the generic copy path, 1.5 to
 * 7 us each, several times per cycle of every actor.
 */
function counted(c: Counters, add: Partial<Record<Exclude<keyof Counters, 'failuresByCode'>, number>>, failuresByCode: Counters['failuresByCode'] = c.failuresByCode): Counters {
  return {
    iterations: c.iterations + (add.iterations ?? 0),
    succeeded: c.succeeded + (add.succeeded ?? 0),
    failed: c.failed + (add.failed ?? 0),
    skipped: c.skipped + (add.skipped ?? 0),
    degraded: c.degraded + (add.degraded ?? 0),
    signals: c.signals + (add.signals ?? 0),
    orders: c.orders + (add.orders ?? 0),
    failuresByCode,
  };
}

/**
 * The signal step's patch plus the counters it moves (a signal other than 'none', a degraded
 * window) and, when the iteration ends here (no entry to place, no failure), its success
 * (recordSuccess and the end of the iteration): one assign, i.e. one context and snapshot
 * copy, for the whole decision of the common cycle instead of three. Built as one literal
 * of a fixed shape (unchanged fields keep the context's values).
 */
function withSignalOutcome(context: StrategyContext, patch: Partial<StrategyContext>): Partial<StrategyContext> {
  // Only a signal made in this iteration counts (a screened 'none' leaves the last one in place).
  const signal = patch.lastSignal;
  const stepError = patch.stepError ?? null;
  const pendingEntry = patch.pendingEntry ?? null;
  const succeeded = stepError === null && pendingEntry === null;
  return {
    lastIndicators: patch.lastIndicators !== undefined ? patch.lastIndicators : context.lastIndicators,
    lastSignal: signal !== undefined ? signal : context.lastSignal,
    lastDecision: patch.lastDecision !== undefined ? patch.lastDecision : context.lastDecision,
    pendingEntry,
    stepError,
    market: succeeded ? null : context.market,
    breaker: succeeded ? recordSuccess(context.breaker) : context.breaker,
    counters: counted(context.counters, {
      signals: signal && signal.action !== 'none' ? 1 : 0,
      degraded: context.quality?.severity === 'degraded' ? 1 : 0,
      succeeded: succeeded ? 1 : 0,
    }),
  };
}

/** Interval of an actor's candles in ms (for tickers and staleness checks). */
export function actorIntervalMs(input: StrategyActorInput): number {
  return intervalMs(input.params.interval);
}
