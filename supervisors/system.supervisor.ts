import { assign, cancel, enqueueActions, fromCallback, fromPromise, setup, type DoneActorEvent, type ErrorActorEvent } from 'xstate';
import type { TradingState } from '../src/domain/types.ts';
import type { SymbolSupervisorInput, SymbolSupervisorMachine, SymbolSupervisorOutput, SymbolToSystemEvent } from './symbol.supervisor.ts';
import { appendRecord, type DisabledEntry, type EscalationRecord } from './escalation.ts';
import { reconfigureSystem, type SystemReconfigureEvent } from './reconfigure.ts';
import { disabledSymbolCount, haltEffects, pauseEffects, pauseEndEffects, symbolOfActor, type HaltParams } from './system.rules.ts';

export { NON_ESCALATION_DISABLE_CODES } from './system.rules.ts';

/**
 * The root of the actor tree: one symbol supervisor per traded symbol, plus an account
 * watcher. It owns the trading state (NautilusTrader's ACTIVE / HALTED).
 *
 * Level 3, the emergency stop, is entered on: a system-level error from any actor
 * (authentication rejected...), an account alert (balance 0, daily loss limit), too many
 * symbols disabled, a symbol supervisor crashing, or a HALT event (operator, uncaught
 * exception). It stops every symbol supervisor (so no actor can signal or order),
 * cancels open orders through the `cancelOpenOrders` actor, and waits in `halted`
 * (trading state HALTED) until an operator sends RESUME. Resuming starts fresh actors
 * from `idle` (crash-only recovery); strategies disabled at level 2 stay disabled.
 *
 * SHUTDOWN (SIGINT/SIGTERM, --duration) stops taking signals and lets `drainOrders`
 * finish or cancel in-flight orders before the final `stopped` state.
 */
export interface SystemSupervisorInput {
  readonly symbols: readonly SymbolSupervisorInput[];
  readonly maxDisabledSymbols: number;
  /** Actors that start disabled (presets switched off in config). */
  readonly initiallyDisabled?: Readonly<Record<string, DisabledEntry & { readonly symbol: string }>>;
}

export interface SystemSupervisorDeps {
  readonly now: () => number;
  readonly symbolLogic: SymbolSupervisorMachine;
}

export interface HaltInfo {
  readonly reason: string;
  readonly code: string;
  readonly at: number;
  readonly correlationId: string;
}

/** A daily-loss pause (risk.dailyLossAction pause-until-utc-midnight): entries denied until `until`. */
export interface PauseInfo {
  readonly reason: string;
  readonly code: string;
  readonly at: number;
  readonly until: number;
  readonly correlationId: string;
}

export interface SystemSupervisorContext {
  readonly symbols: readonly SymbolSupervisorInput[];
  readonly maxDisabledSymbols: number;
  readonly tradingState: TradingState;
  readonly halt: HaltInfo | null;
  /** The daily-loss pause in force (trading state REDUCING), or null. */
  readonly pause: PauseInfo | null;
  /** Strategy actors disabled at level 2, by actor id (kept across resume). */
  readonly disabled: Readonly<Record<string, DisabledEntry & { readonly symbol: string }>>;
  /** Symbols whose supervisor gave up (restart intensity exceeded), by symbol. */
  readonly escalatedSymbols: Readonly<Record<string, { readonly reason: string; readonly at: number; readonly correlationId: string }>>;
  readonly records: readonly EscalationRecord[];
  readonly cancelResult: { readonly ok: boolean; readonly detail: string; readonly at: number } | null;
}

export type AccountAlert = {
  readonly type: 'ACCOUNT_ALERT';
  readonly code: 'BALANCE_ZERO' | 'DAILY_LOSS_LIMIT' | 'AUTH_REJECTED';
  readonly reason: string;
  readonly at: number;
};

/** The daily loss limit was reached and the configured action is to pause new entries until `until` (next 00:00 UTC). */
export type DailyLossPause = {
  readonly type: 'DAILY_LOSS_PAUSE';
  readonly reason: string;
  readonly at: number;
  readonly until: number;
};

export type SystemSupervisorEvent =
  | SymbolToSystemEvent
  | AccountAlert
  | DailyLossPause
  | { readonly type: 'PAUSE_END' }
  | { readonly type: 'HALT'; readonly reason: string; readonly code: string; readonly correlationId: string }
  | { readonly type: 'RESUME'; readonly correlationId: string }
  | { readonly type: 'SHUTDOWN' }
  | { readonly type: 'ENABLE_STRATEGY'; readonly actorId: string; readonly correlationId: string }
  | { readonly type: 'DISABLE_STRATEGY'; readonly actorId: string; readonly reason: string; readonly correlationId: string }
  | SystemReconfigureEvent;

export type SystemEmitted = { readonly type: 'escalation'; readonly record: EscalationRecord };

export const SYMBOL_PREFIX = 'symbol:';

export function createSystemSupervisor(deps: SystemSupervisorDeps) {
  return setup({
    types: {
      context: {} as SystemSupervisorContext,
      input: {} as SystemSupervisorInput,
      events: {} as SystemSupervisorEvent,
      emitted: {} as SystemEmitted,
    },
    actors: {
      symbolSupervisor: deps.symbolLogic,
      // Provided by the runtime: polls the account and sends ACCOUNT_ALERT.
      accountWatch: fromCallback<SystemSupervisorEvent>(() => () => undefined),
      // Provided by the runtime: cancel every open order of ours (emergency stop).
      cancelOpenOrders: fromPromise<string, { readonly reason: string }>(async () => {
        throw new Error('cancelOpenOrders actor not provided');
      }),
      // Provided by the runtime: wait for in-flight orders, cancel open ones (shutdown).
      drainOrders: fromPromise<string, Record<string, never>>(async () => 'nothing to drain'),
    },
    guards: {
      symbolGiveUpExceedsLimit: ({ context, event }) => {
        const output = (event as unknown as DoneActorEvent<SymbolSupervisorOutput>).output;
        const escalatedSymbols = { ...context.escalatedSymbols, [output.symbol]: { reason: output.reason, at: 0, correlationId: output.correlationId } };
        return disabledSymbolCount({ ...context, escalatedSymbols }) >= context.maxDisabledSymbols;
      },
    },
    actions: {
      record: enqueueActions(({ context, enqueue }, params: { record: EscalationRecord }) => {
        enqueue.assign({ records: appendRecord(context.records, params.record) });
        enqueue.emit({ type: 'escalation', record: params.record });
      }),
      halt: enqueueActions(({ context, enqueue }, params: HaltParams) => {
        const { patch, record } = haltEffects(context, params);
        enqueue.assign(patch);
        enqueue.emit({ type: 'escalation', record });
      }),
      /** A symbol supervisor gave up (restart intensity exceeded): the symbol is out of trading. */
      markSymbolEscalated: enqueueActions(({ context, event, enqueue }) => {
        const output = (event as unknown as DoneActorEvent<SymbolSupervisorOutput>).output;
        const at = deps.now();
        const record: EscalationRecord = {
          level: 'symbol',
          kind: 'symbol_escalated',
          reason: output.reason,
          code: 'RESTART_INTENSITY_EXCEEDED',
          at,
          correlationId: output.correlationId,
          symbol: output.symbol,
        };
        enqueue.assign({
          escalatedSymbols: { ...context.escalatedSymbols, [output.symbol]: { reason: output.reason, at, correlationId: output.correlationId } },
          records: appendRecord(context.records, record),
        });
        enqueue.emit({ type: 'escalation', record });
      }),
      haltOnSymbolEscalated: enqueueActions(({ context, event, enqueue }) => {
        const output = (event as unknown as DoneActorEvent<SymbolSupervisorOutput>).output;
        const { patch, record } = haltEffects(context, {
          reason: `too many symbols disabled (limit ${context.maxDisabledSymbols}); ${output.symbol} supervisor gave up: ${output.reason}`,
          code: 'TOO_MANY_SYMBOLS_DISABLED',
          at: deps.now(),
          correlationId: output.correlationId,
          symbol: output.symbol,
        });
        enqueue.assign(patch);
        enqueue.emit({ type: 'escalation', record });
      }),
      haltOnCrash: enqueueActions(({ context, event, enqueue }) => {
        const crash = event as unknown as ErrorActorEvent;
        const message = crash.error instanceof Error ? crash.error.message : String(crash.error);
        const { patch, record } = haltEffects(context, {
          reason: `supervisor ${crash.actorId} crashed: ${message}`,
          code: 'SUPERVISOR_CRASHED',
          at: deps.now(),
          correlationId: `system#crash.${deps.now().toString(36)}`,
        });
        enqueue.assign(patch);
        enqueue.emit({ type: 'escalation', record });
      }),
      stopSymbols: enqueueActions(({ context, enqueue }) => {
        for (const spec of context.symbols) enqueue.stopChild(`${SYMBOL_PREFIX}${spec.symbol}`);
      }),
    },
  }).createMachine({
    id: 'system',
    context: ({ input }) => ({
      symbols: input.symbols,
      maxDisabledSymbols: input.maxDisabledSymbols,
      tradingState: 'ACTIVE',
      halt: null,
      pause: null,
      disabled: { ...(input.initiallyDisabled ?? {}) },
      escalatedSymbols: {},
      records: [],
      cancelResult: null,
    }),
    initial: 'running',
    on: {
      RECORD: { actions: { type: 'record', params: ({ event }) => ({ record: event.record }) } },
    },
    states: {
      running: {
        entry: enqueueActions(({ context, enqueue }) => {
          for (const spec of context.symbols) {
            const initiallyDisabled: Record<string, DisabledEntry> = {};
            for (const child of spec.children) {
              const entry = context.disabled[child.actorId];
              if (entry) initiallyDisabled[child.actorId] = entry;
            }
            const id = `${SYMBOL_PREFIX}${spec.symbol}`;
            enqueue.spawnChild('symbolSupervisor', { id, systemId: id, input: { ...spec, initiallyDisabled } });
          }
          enqueue.assign({ tradingState: 'ACTIVE' as TradingState, halt: null, pause: null, escalatedSymbols: {} });
        }),
        exit: cancel('pauseEnd'),
        invoke: { id: 'accountWatch', src: 'accountWatch' },
        on: {
          DAILY_LOSS_PAUSE: {
            // One pause per UTC day: a pause already in force until then is not restarted.
            guard: ({ context, event }) => context.pause === null || context.pause.until < event.until,
            actions: enqueueActions(({ context, event, enqueue }) => {
              const { patch, record } = pauseEffects(context, event);
              enqueue.assign(patch);
              enqueue.emit({ type: 'escalation', record });
              enqueue.raise({ type: 'PAUSE_END' }, { delay: Math.max(0, event.until - deps.now()), id: 'pauseEnd' });
            }),
          },
          PAUSE_END: {
            guard: ({ context }) => context.pause !== null,
            actions: enqueueActions(({ context, enqueue }) => {
              const { patch, record } = pauseEndEffects(context, deps.now());
              enqueue.assign(patch);
              enqueue.emit({ type: 'escalation', record });
            }),
          },
          ESCALATE: {
            target: 'emergencyStop',
            actions: {
              type: 'halt',
              params: ({ event }) => ({
                reason: event.record.reason,
                code: event.record.code,
                at: event.record.at,
                correlationId: event.record.correlationId,
                symbol: event.symbol,
                actorId: event.actorId,
              }),
            },
          },
          ACCOUNT_ALERT: {
            target: 'emergencyStop',
            actions: {
              type: 'halt',
              params: ({ event }) => ({
                reason: event.reason,
                code: event.code,
                at: event.at,
                correlationId: `account#${event.code}.${event.at.toString(36)}`,
              }),
            },
          },
          HALT: {
            target: 'emergencyStop',
            actions: {
              type: 'halt',
              params: ({ event }) => ({ reason: event.reason, code: event.code, at: deps.now(), correlationId: event.correlationId }),
            },
          },
          STRATEGY_DISABLED: [
            {
              // Evaluate the guard on the context *after* this disable.
              guard: ({ context, event }) =>
                disabledSymbolCount({
                  ...context,
                  disabled: { ...context.disabled, [event.actorId]: { ...event.record, symbol: event.symbol } },
                }) >= context.maxDisabledSymbols,
              target: 'emergencyStop',
              actions: [
                assign(({ context, event }) => ({
                  disabled: { ...context.disabled, [event.actorId]: { at: event.record.at, reason: event.record.reason, code: event.record.code, correlationId: event.record.correlationId, symbol: event.symbol } },
                })),
                { type: 'record', params: ({ event }) => ({ record: event.record }) },
                {
                  type: 'halt',
                  params: ({ context, event }) => ({
                    reason: `too many symbols disabled (limit ${context.maxDisabledSymbols}); last: ${event.actorId}`,
                    code: 'TOO_MANY_SYMBOLS_DISABLED',
                    at: event.record.at,
                    correlationId: event.record.correlationId,
                  }),
                },
              ],
            },
            {
              actions: [
                assign(({ context, event }) => ({
                  disabled: { ...context.disabled, [event.actorId]: { at: event.record.at, reason: event.record.reason, code: event.record.code, correlationId: event.record.correlationId, symbol: event.symbol } },
                })),
                { type: 'record', params: ({ event }) => ({ record: event.record }) },
              ],
            },
          ],
          STRATEGY_ENABLED: {
            actions: [
              assign(({ context, event }) => {
                const { [event.actorId]: _enabled, ...disabled } = context.disabled;
                return { disabled };
              }),
              { type: 'record', params: ({ event }) => ({ record: event.record }) },
            ],
          },
          ENABLE_STRATEGY: {
            actions: enqueueActions(({ event, enqueue, system }) => {
              const ref = system.get(`${SYMBOL_PREFIX}${symbolOfActor(event.actorId)}`);
              if (ref) enqueue.sendTo(ref, event);
            }),
          },
          DISABLE_STRATEGY: {
            actions: enqueueActions(({ event, enqueue, system }) => {
              const ref = system.get(`${SYMBOL_PREFIX}${symbolOfActor(event.actorId)}`);
              if (ref) enqueue.sendTo(ref, event);
            }),
          },
          RECONFIGURE: { actions: enqueueActions((args) => reconfigureSystem(args as never, true)) },
          'xstate.done.actor.*': [
            { guard: 'symbolGiveUpExceedsLimit', target: 'emergencyStop', actions: ['markSymbolEscalated', 'haltOnSymbolEscalated'] },
            { actions: 'markSymbolEscalated' },
          ],
          // A supervisor (or the account watcher) crashing is a bug we cannot reason about: stop trading.
          'xstate.error.actor.*': { target: 'emergencyStop', actions: 'haltOnCrash' },
          SHUTDOWN: 'stopping',
        },
      },
      emergencyStop: {
        entry: 'stopSymbols',
        invoke: {
          id: 'cancelOpenOrders',
          src: 'cancelOpenOrders',
          input: ({ context }) => ({ reason: context.halt?.reason ?? 'emergency stop' }),
          onDone: {
            target: 'halted',
            actions: assign(({ event }) => ({ cancelResult: { ok: true, detail: event.output, at: deps.now() } })),
          },
          onError: {
            target: 'halted',
            actions: assign(({ event }) => ({
              cancelResult: { ok: false, detail: event.error instanceof Error ? event.error.message : String(event.error), at: deps.now() },
            })),
          },
        },
        on: { SHUTDOWN: 'stopping', RECONFIGURE: { actions: enqueueActions((args) => reconfigureSystem(args as never, false)) } },
      },
      halted: {
        on: {
          RECONFIGURE: { actions: enqueueActions((args) => reconfigureSystem(args as never, false)) },
          RESUME: {
            target: 'running',
            actions: [
              {
                type: 'record',
                params: ({ context, event }) => ({
                  record: {
                    level: 'system',
                    kind: 'resumed',
                    reason: `operator resumed trading after: ${context.halt?.reason ?? 'halt'}`,
                    code: 'OPERATOR_RESUME',
                    at: deps.now(),
                    correlationId: event.correlationId,
                  },
                }),
              },
              assign({ cancelResult: null }),
            ],
          },
          SHUTDOWN: 'stopping',
        },
      },
      stopping: {
        entry: [assign({ tradingState: 'HALTED' as TradingState }), 'stopSymbols'],
        invoke: {
          id: 'drainOrders',
          src: 'drainOrders',
          input: () => ({}),
          onDone: 'stopped',
          onError: 'stopped',
        },
      },
      stopped: { type: 'final' },
    },
  });
}

export type SystemSupervisorMachine = ReturnType<typeof createSystemSupervisor>;
