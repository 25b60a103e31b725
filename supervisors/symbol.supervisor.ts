import { assign, enqueueActions, setup, type ErrorActorEvent } from 'xstate';
import type { Random } from '../src/core/rng.ts';
import {
  backoffResetAfter,
  intensityExceeded,
  pruneWindow,
  restartDelay,
} from '../src/core/supervision/policies.ts';
import type { StrategyMachine } from '../machines/strategy.machine.ts';
import type { StrategyActorInput, StrategyToParentEvent } from '../machines/strategy.types.ts';
import { appendRecord, type DisabledEntry, type EscalationRecord } from './escalation.ts';
import { intervalsOf, isNewClose, onCandleClosed, onTickTimer, staggerOf } from './ticks.ts';
import type { SymbolSupervisorContext, SymbolSupervisorPolicy } from './symbol.context.ts';
import { applyPending, reconfigureSymbol, type SymbolReconfigureEvent } from './reconfigure.ts';

/**
 * One supervisor per symbol, parent of that symbol's strategy actors (OTP one_for_one).
 *
 * - Ticks (supervisors/ticks.ts): a confirmed close (CANDLE_CLOSED from the market hub)
 *   starts the cycles of that interval's actors; a staggered fallback timer (delayed
 *   `raise`, on the system's clock) ticks them when the stream did not confirm in time.
 * - Level 2: a strategy whose breaker trips `disableAfterTrips` times within `tripWindowMs`,
 *   or that reports a symbol-level error (e.g. insufficient balance), is stopped and marked
 *   disabled on this symbol; the parent is told (STRATEGY_DISABLED). It stays disabled until
 *   an operator enables it again.
 * - Crashes (a strategy actor in error status, i.e. a bug) are restarted with exponential
 *   backoff and jitter; more than `intensity` restarts within `periodMs` make this
 *   supervisor give up: it stops its children and reaches the final `escalated` state, and
 *   the system supervisor decides (OTP escalation).
 * - System-level errors from a child (authentication rejected...) are passed up unchanged.
 *
 * Its input is the fixed policy (tick delay, restart backoff and intensity, trip limits) plus the symbol's actors.
 */
export interface SymbolSupervisorInput extends SymbolSupervisorPolicy {
  readonly symbol: string;
  readonly children: readonly StrategyActorInput[];
  /** Strategy actors that start disabled (kept across an operator resume). */
  readonly initiallyDisabled?: Readonly<Record<string, DisabledEntry>>;
  /** After a close, how long the kline stream has before the fallback timer ticks (default tickDelayMs); spread over staggerMs. */
  readonly fallbackDelayMs?: number;
  readonly staggerMs?: number;
}

export interface SymbolSupervisorDeps {
  readonly now: () => number;
  readonly random: Random;
  readonly strategyLogic: StrategyMachine;
  /** A fallback tick: the stream had not confirmed the close (degraded; the runtime counts it). */
  readonly onFallbackTick?: (symbol: string, intervalMs: number) => void;
  /** Newest close start the kline stream confirmed for a series, dispatched or not (the market hub); a fallback does not stand in for it. */
  readonly streamConfirmed?: (symbol: string, intervalMs: number) => number;
}

export type { SymbolSupervisorContext, SymbolSupervisorPolicy } from './symbol.context.ts';

export type SymbolSupervisorEvent =
  | StrategyToParentEvent | SymbolReconfigureEvent
  | { readonly type: 'TICK_TIMER'; readonly intervalMs: number; readonly initial?: boolean }
  | { readonly type: 'CANDLE_CLOSED'; readonly intervalMs: number; readonly start: number }
  | { readonly type: 'RESTART_CHILD'; readonly actorId: string }
  | { readonly type: 'ENABLE_STRATEGY'; readonly actorId: string; readonly correlationId: string }
  | { readonly type: 'DISABLE_STRATEGY'; readonly actorId: string; readonly reason: string; readonly correlationId: string };

/** Events this supervisor sends to its parent. */
export type SymbolToSystemEvent =
  | { readonly type: 'RECORD'; readonly symbol: string; readonly record: EscalationRecord }
  | { readonly type: 'STRATEGY_DISABLED'; readonly symbol: string; readonly actorId: string; readonly record: EscalationRecord; readonly allDisabled: boolean }
  | { readonly type: 'STRATEGY_ENABLED'; readonly symbol: string; readonly actorId: string; readonly record: EscalationRecord }
  | { readonly type: 'ESCALATE'; readonly level: 'system'; readonly symbol: string; readonly actorId: string; readonly record: EscalationRecord };

export interface SymbolSupervisorOutput {
  readonly symbol: string;
  readonly reason: string;
  readonly correlationId: string;
  readonly disabled: Readonly<Record<string, DisabledEntry>>;
}

export function createSymbolSupervisor(deps: SymbolSupervisorDeps) {
  return setup({
    types: {
      context: {} as SymbolSupervisorContext,
      input: {} as SymbolSupervisorInput,
      events: {} as SymbolSupervisorEvent,
      output: {} as SymbolSupervisorOutput,
    },
    actors: { strategy: deps.strategyLogic },
    guards: {
      isChildCrash: ({ context, event }) => (event as unknown as ErrorActorEvent).actorId in context.specs,
      restartIntensityExceeded: ({ context }) =>
        intensityExceeded(context.restarts, deps.now(), context.policy.intensity, context.policy.periodMs),
      tripsExceeded: ({ context, event }) => {
        const e = event as Extract<SymbolSupervisorEvent, { type: 'BREAKER_TRIPPED' }>;
        const window = pruneWindow([...(context.trips[e.actorId] ?? []), e.at], e.at, context.policy.tripWindowMs);
        return window.length >= context.policy.disableAfterTrips;
      },
      isSymbolLevel: ({ event }) => (event as { level?: string }).level === 'symbol',
    },
    actions: {
      /** Level 2: stop the strategy on this symbol, remember why, tell the parent. */
      disableStrategy: enqueueActions(
        ({ context, enqueue, self }, params: { actorId: string; reason: string; code: string; correlationId: string; at: number }) => {
          const { actorId, reason, code, correlationId, at } = params;
          if (!(actorId in context.specs) || context.disabled[actorId]) return;
          const disabled = { ...context.disabled, [actorId]: { at, reason, code, correlationId } };
          const record: EscalationRecord = { level: 'symbol', kind: 'strategy_disabled', reason, code, at, correlationId, symbol: context.symbol, actorId };
          enqueue.stopChild(actorId);
          enqueue.cancel(`restart:${actorId}`);
          enqueue.assign({ disabled, running: context.running.filter((r) => r !== actorId), records: appendRecord(context.records, record) });
          if (self._parent) {
            const up: SymbolToSystemEvent = {
              type: 'STRATEGY_DISABLED',
              symbol: context.symbol,
              actorId,
              record,
              allDisabled: context.order.every((id) => id in disabled),
            };
            enqueue.sendParent(up);
          }
        },
      ),
      /** OTP one_for_one restart of a crashed strategy actor, after a backoff with jitter. */
      restartCrashedChild: enqueueActions(({ context, event, enqueue, self }) => {
        const crash = event as unknown as ErrorActorEvent;
        const id = crash.actorId;
        const now = deps.now();
        const quiet = now - (context.lastRestartAt[id] ?? -Infinity) > backoffResetAfter(context.policy.restart);
        const attempt = quiet ? 0 : (context.attempts[id] ?? 0);
        const delay = restartDelay(attempt, context.policy.restart, deps.random);
        const message = crash.error instanceof Error ? crash.error.message : String(crash.error);
        const record: EscalationRecord = {
          level: 'strategy',
          kind: 'actor_restarted',
          reason: `actor crashed (${message}); restarting in ${delay} ms`,
          code: 'ACTOR_CRASHED',
          at: now,
          correlationId: `${id}#crash.${now.toString(36)}`,
          symbol: context.symbol,
          actorId: id,
        };
        // A crashed child stays listed among the children: stop it before re-spawning (STYLE.md 2c).
        enqueue.stopChild(id);
        enqueue.assign({
          running: context.running.filter((r) => r !== id),
          restarts: [...pruneWindow(context.restarts, now, context.policy.periodMs), now],
          attempts: { ...context.attempts, [id]: attempt + 1 },
          lastRestartAt: { ...context.lastRestartAt, [id]: now },
          records: appendRecord(context.records, record),
        });
        if (self._parent) {
          const up: SymbolToSystemEvent = { type: 'RECORD', symbol: context.symbol, record };
          enqueue.sendParent(up);
        }
        enqueue.raise({ type: 'RESTART_CHILD', actorId: id }, { delay, id: `restart:${id}` });
      }),
      /** Keeps a record locally and passes it up, where the system supervisor logs and emits it. */
      report: enqueueActions(({ context, enqueue, self }, params: { record: EscalationRecord }) => {
        enqueue.assign({ records: appendRecord(context.records, params.record) });
        if (self._parent) {
          const up: SymbolToSystemEvent = { type: 'RECORD', symbol: context.symbol, record: params.record };
          enqueue.sendParent(up);
        }
      }),
    },
  }).createMachine({
    id: 'symbolSupervisor',
    context: ({ input }) => ({
      symbol: input.symbol,
      specs: Object.fromEntries(input.children.map((c) => [c.actorId, c])),
      order: input.children.map((c) => c.actorId),
      policy: {
        tickDelayMs: input.tickDelayMs,
        restart: input.restart,
        intensity: input.intensity,
        periodMs: input.periodMs,
        disableAfterTrips: input.disableAfterTrips,
        tripWindowMs: input.tripWindowMs,
      },
      fallbackOffsetMs: (input.fallbackDelayMs ?? input.tickDelayMs) + staggerOf(input.symbol, input.staggerMs ?? 0),
      lastClosed: [],
      running: [],
      disabled: { ...(input.initiallyDisabled ?? {}) },
      trips: {},
      restarts: [],
      attempts: {},
      lastRestartAt: {},
      records: [],
      escalation: null,
      pending: [],
    }),
    initial: 'running',
    states: {
      running: {
        entry: enqueueActions(({ context, enqueue }) => {
          const started: string[] = [];
          for (const id of context.order) {
            if (context.disabled[id]) continue;
            enqueue.spawnChild('strategy', { id, systemId: id, input: context.specs[id]! });
            started.push(id);
          }
          enqueue.assign({ running: started });
          // First tick right away, so actors do not wait a whole candle after start.
          for (const stepMs of intervalsOf(context)) {
            enqueue.raise({ type: 'TICK_TIMER', intervalMs: stepMs, initial: true }, { delay: 0, id: `tick:${stepMs}` });
          }
        }),
        on: {
          CANDLE_CLOSED: { guard: ({ context, event }) => isNewClose(context, event), actions: enqueueActions(({ context, event, enqueue, system }) => onCandleClosed(context, event, deps.now(), system, enqueue)) },
          TICK_TIMER: { actions: enqueueActions(({ context, event, enqueue, system }) => onTickTimer(context, event, deps.now(), system, enqueue, deps.onFallbackTick, deps.streamConfirmed)) },
          BREAKER_TRIPPED: [
            {
              guard: 'tripsExceeded',
              actions: {
                type: 'disableStrategy',
                params: ({ context, event }) => ({
                  actorId: event.actorId,
                  reason: `breaker tripped ${context.policy.disableAfterTrips} times within ${context.policy.tripWindowMs} ms` +
                    (event.error ? ` (last error ${event.error.code}: ${event.error.message})` : ''),
                  code: 'BREAKER_TRIPS_EXCEEDED',
                  correlationId: event.correlationId,
                  at: event.at,
                }),
              },
            },
            {
              actions: [
                assign(({ context, event }) => ({
                  trips: {
                    ...context.trips,
                    [event.actorId]: pruneWindow([...(context.trips[event.actorId] ?? []), event.at], event.at, context.policy.tripWindowMs),
                  },
                })),
                {
                  type: 'report',
                  params: ({ context, event }) => ({
                    record: {
                      level: 'strategy',
                      kind: 'breaker_tripped',
                      reason: event.error ? `${event.error.code}: ${event.error.message}` : 'consecutive failures',
                      code: event.error?.code ?? 'BREAKER_OPEN',
                      at: event.at,
                      correlationId: event.correlationId,
                      symbol: context.symbol,
                      actorId: event.actorId,
                    },
                  }),
                },
              ],
            },
          ],
          ESCALATE: [
            {
              guard: 'isSymbolLevel',
              actions: {
                type: 'disableStrategy',
                params: ({ event }) => ({
                  actorId: event.actorId,
                  reason: `${event.error.code}: ${event.error.message}`,
                  code: event.error.code,
                  correlationId: event.correlationId,
                  at: event.error.at,
                }),
              },
            },
            {
              actions: enqueueActions(({ context, event, enqueue, self }) => {
                if (!self._parent || event.type !== 'ESCALATE') return;
                const record: EscalationRecord = {
                  level: 'system',
                  kind: 'emergency_stop',
                  reason: `${event.error.code}: ${event.error.message}`,
                  code: event.error.code,
                  at: event.error.at,
                  correlationId: event.correlationId,
                  symbol: context.symbol,
                  actorId: event.actorId,
                };
                const up: SymbolToSystemEvent = { type: 'ESCALATE', level: 'system', symbol: context.symbol, actorId: event.actorId, record };
                enqueue.sendParent(up);
              }),
            },
          ],
          DISABLE_STRATEGY: {
            actions: {
              type: 'disableStrategy',
              params: ({ event }) => ({
                actorId: event.actorId,
                reason: event.reason,
                code: 'OPERATOR',
                correlationId: event.correlationId,
                at: deps.now(),
              }),
            },
          },
          ENABLE_STRATEGY: {
            actions: enqueueActions(({ context, event, enqueue, self }) => {
              const spec = context.specs[event.actorId];
              if (!spec || !context.disabled[event.actorId]) return;
              const { [event.actorId]: _enabled, ...disabled } = context.disabled;
              const record: EscalationRecord = {
                level: 'symbol',
                kind: 'strategy_enabled',
                reason: 'enabled by operator',
                code: 'OPERATOR',
                at: deps.now(),
                correlationId: event.correlationId,
                symbol: context.symbol,
                actorId: event.actorId,
              };
              enqueue.spawnChild('strategy', { id: event.actorId, systemId: event.actorId, input: spec });
              enqueue.assign({
                disabled,
                running: [...context.running, event.actorId],
                trips: { ...context.trips, [event.actorId]: [] },
                records: appendRecord(context.records, record),
              });
              if (self._parent) {
                const up: SymbolToSystemEvent = { type: 'STRATEGY_ENABLED', symbol: context.symbol, actorId: event.actorId, record };
                enqueue.sendParent(up);
              }
            }),
          },
          'xstate.error.actor.*': [
            {
              guard: 'restartIntensityExceeded',
              target: 'escalated',
              actions: assign(({ context, event }) => ({
                escalation: {
                  reason: `more than ${context.policy.intensity} restarts within ${context.policy.periodMs} ms (last crash: ${(event as unknown as ErrorActorEvent).actorId})`,
                  at: deps.now(),
                  correlationId: `${context.symbol}#escalated.${deps.now().toString(36)}`,
                },
              })),
            },
            { guard: 'isChildCrash', actions: 'restartCrashedChild' },
            // Anything else crashing under us is not ours to restart: escalate.
            {
              target: 'escalated',
              actions: assign(({ context, event }) => ({
                escalation: {
                  reason: `child ${(event as unknown as ErrorActorEvent).actorId} crashed`,
                  at: deps.now(),
                  correlationId: `${context.symbol}#escalated.${deps.now().toString(36)}`,
                },
              })),
            },
          ],
          RECONFIGURE: { actions: enqueueActions((args) => reconfigureSymbol(args as never)) },
          APPLY_PENDING: { actions: enqueueActions((args) => applyPending(args as never)) },
          RESTART_CHILD: {
            actions: enqueueActions(({ context, event, enqueue }) => {
              const spec = context.specs[event.actorId];
              if (!spec || context.disabled[event.actorId] || context.running.includes(event.actorId)) return;
              enqueue.spawnChild('strategy', { id: event.actorId, systemId: event.actorId, input: spec });
              enqueue.assign({ running: [...context.running, event.actorId] });
            }),
          },
        },
      },
      escalated: {
        type: 'final',
        entry: enqueueActions(({ context, enqueue }) => {
          for (const id of context.running) enqueue.stopChild(id);
          for (const stepMs of intervalsOf(context)) enqueue.cancel(`tick:${stepMs}`);
          enqueue.assign({ running: [] });
        }),
      },
    },
    output: ({ context }) => ({
      symbol: context.symbol,
      reason: context.escalation?.reason ?? 'escalated',
      correlationId: context.escalation?.correlationId ?? `${context.symbol}#escalated`,
      disabled: context.disabled,
    }),
  });
}

export type SymbolSupervisorMachine = ReturnType<typeof createSymbolSupervisor>;
