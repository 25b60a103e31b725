import { __unsafe_getAllOwnEventDescriptors as ownEvents, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { TestModel } from '@xstate/graph';
import { AuthError, ExchangeUnavailableError, InsufficientBalanceError } from '../../src/domain/errors.ts';
import { createStrategyMachine } from '../../machines/strategy.machine.ts';
import type { StrategyContext } from '../../machines/strategy.types.ts';
import { market, type MarketKind } from '../support/marketFixtures.ts';
import { T0, actorInput, resolveStrategy } from '../support/strategyHarness.ts';

/**
 * The model for model-based testing of the strategy machine: the machine itself (time
 * frozen at T0) plus the events the outside world can produce, one per distinct kind of
 * answer from the I/O actors. Paths come from @xstate/graph and are replayed against the
 * real actor in strategy.model.test.ts.
 */
export const modelMachine = createStrategyMachine({ now: () => T0, resolveStrategy });

const KINDS: readonly MarketKind[] = ['long', 'none', 'stale', 'nan', 'positionOpen', 'bug', 'garbage'];

export type ModelEvent = EventObject & { readonly kind?: string; readonly output?: unknown; readonly market?: unknown; readonly error?: unknown };

export const MODEL_EVENTS: readonly ModelEvent[] = [
  { type: 'TICK' },
  ...KINDS.map((kind) => ({ type: 'MARKET', kind, market: market(kind, T0) })),
  { type: 'MARKET_FAILED', kind: 'unavailable', error: new ExchangeUnavailableError('HTTP 503') },
  { type: 'MARKET_FAILED', kind: 'auth', error: new AuthError('retCode 10003: invalid api key') },
  {
    type: 'xstate.done.actor.placeEntry',
    kind: 'filled',
    output: { orderId: 'o-1', orderLinkId: 'bb1-x', status: 'Filled', filledQty: 0.1, avgPrice: 60_020, adopted: false },
  },
  { type: 'xstate.error.actor.placeEntry', kind: 'balance', error: new InsufficientBalanceError('retCode 110007') },
  { type: 'xstate.after.cooldown.strategy.cooldown' },
  { type: 'xstate.after.breakerOpen.strategy.broken' },
];

/** Context reduced to what changes the machine's future: otherwise the graph is infinite. */
export function abstractState(snapshot: AnyMachineSnapshot): string {
  const c = snapshot.context as StrategyContext;
  return JSON.stringify({
    v: snapshot.value,
    b: c.breaker.status,
    // The count keeps growing while the breaker re-opens (shown in /actors), but past the
    // threshold it no longer changes what the machine does.
    f: Math.min(c.breaker.consecutiveFailures, c.settings.breaker.failureThreshold),
    // After a signal, the same candle again is skipped (NO_NEW_CANDLE): that is state too.
    s: c.lastSignal !== null,
  });
}

export const eventKey = (e: ModelEvent): string => `${e.type}${e.kind ? `(${e.kind})` : ''}`;

export function createModel() {
  return new TestModel(modelMachine as unknown as AnyStateMachine, {
    input: actorInput,
    events: ((s: AnyMachineSnapshot) => MODEL_EVENTS.filter((e) => ownEvents(s).includes(e.type))) as never,
    // Event in the key: one path per (state, incoming event), i.e. per transition, not per state.
    serializeState: ((s: AnyMachineSnapshot, e?: ModelEvent) => `${abstractState(s)}${e ? `|${eventKey(e)}` : ''}`) as never,
    serializeEvent: ((e: ModelEvent) => eventKey(e)) as never,
    stateMatcher: (s, key) => (s as AnyMachineSnapshot).matches(key as never),
  });
}
