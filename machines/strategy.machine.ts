import { and, assign, enqueueActions, fromPromise, setup } from 'xstate';
import { intervalMs } from '../src/domain/types.ts';
import {
  beginHalfOpen,
  failureWouldTrip,
  recordFailure,
  recordSuccess,
} from '../src/core/supervision/breaker.ts';
import { candlesToFetch } from './strategy.kernelSync.ts';
import { END_OF_ITERATION, cycleId, initialStrategyContext, recordError, shouldSkip, signalStep, validateStep } from './strategy.steps.ts';
import type {
  EntryOrder,
  FetchMarketInput,
  MarketSnapshot,
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
 * I/O happens only in the invoked `fetchMarket` and `placeEntry` actors, which the runtime
 * provides (`machine.provide({ actors })`) and which receive an AbortSignal. Guards and
 * actions call the pure functions of strategy.steps.ts and never throw. Errors whose
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
      // Placeholders: the runtime provides the real I/O actors bound to its ports.
      fetchMarket: fromPromise<MarketSnapshot, FetchMarketInput>(async () => {
        throw new Error('fetchMarket actor not provided');
      }),
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
      beginCycle: assign(({ context }) => {
        const cycle = context.counters.iterations + 1;
        return {
          correlationId: cycleId(context.actorId, context.settings.startedAt, cycle),
          counters: { ...context.counters, iterations: context.counters.iterations + 1 },
          stepError: null,
        };
      }),
      beginHalfOpen: assign(({ context }) => ({ breaker: beginHalfOpen(context.breaker) })),
      /** Level 1: count the failed iteration, feed the breaker, and report errors above strategy level. */
      recordFailure: enqueueActions(({ context, enqueue, self }, params: { error: RecordedError }) => {
        const { error } = params;
        enqueue.assign({
          breaker: recordFailure(context.breaker, context.settings.breaker, error.at),
          lastError: error,
          counters: {
            ...context.counters,
            failed: context.counters.failed + 1,
            failuresByCode: { ...context.counters.failuresByCode, [error.code]: (context.counters.failuresByCode[error.code] ?? 0) + 1 },
          },
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
        breaker: recordSuccess(context.breaker),
        counters: { ...context.counters, succeeded: context.counters.succeeded + 1 },
      })),
      recordSkip: assign(({ context }) => ({
        counters: { ...context.counters, skipped: context.counters.skipped + 1 },
      })),
      recordSignal: assign(({ context }) => ({
        counters: {
          ...context.counters,
          signals: context.counters.signals + (context.lastSignal && context.lastSignal.action !== 'none' ? 1 : 0),
          degraded: context.counters.degraded + (context.quality?.severity === 'degraded' ? 1 : 0),
        },
      })),
      recordOrder: assign(({ context, event }) => {
        const placed = (event as unknown as { output: PlacedOrder }).output;
        const entry = context.pendingEntry;
        return {
          counters: { ...context.counters, orders: context.counters.orders + 1 },
          lastOrder: {
            ...placed,
            at: deps.now(),
            correlationId: context.correlationId,
            side: entry?.entry.side ?? '',
            qty: entry?.entry.qty ?? 0,
          },
        };
      }),
      endIteration: assign(() => END_OF_ITERATION),
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
        entry: 'beginCycle',
        invoke: {
          id: 'fetchMarket',
          src: 'fetchMarket',
          input: ({ context }) => ({
            actorId: context.actorId,
            symbol: context.symbol,
            interval: context.settings.params.interval,
            limit: candlesToFetch(context, deps.resolveStrategy(context.strategyType), deps.now()),
            correlationId: context.correlationId,
          }),
          onDone: {
            target: 'validating',
            actions: assign(({ context, event }) => validateStep(context, event.output, deps)),
          },
          onError: [
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
        entry: [assign(({ context }) => signalStep(context, deps)), 'recordSignal'],
        always: [
          { guard: and(['stepFailed', 'failureOpensBreaker']), target: 'broken', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'stepFailed', target: 'cooldown', actions: { type: 'recordFailure', params: ({ context }) => ({ error: context.stepError ?? recordError(new Error('step failed'), deps.now(), context.correlationId) }) } },
          { guard: 'hasEntry', target: 'ordering' },
          { target: 'cooldown', actions: 'recordSuccess' },
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
      cooldown: {
        entry: 'endIteration',
        after: { cooldown: 'idle' },
      },
      broken: {
        entry: ['endIteration', 'reportTrip'],
        after: { breakerOpen: { target: 'fetching', actions: 'beginHalfOpen' } },
      },
    },
  });
}

export type StrategyMachine = ReturnType<typeof createStrategyMachine>;

/** Interval of an actor's candles in ms (for tickers and staleness checks). */
export function actorIntervalMs(input: StrategyActorInput): number {
  return intervalMs(input.params.interval);
}
