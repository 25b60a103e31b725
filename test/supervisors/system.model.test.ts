import { describe, expect, it } from 'vitest';
import {
  __unsafe_getAllOwnEventDescriptors as ownEvents,
  assign,
  createActor,
  createEmptyActor,
  fromCallback,
  fromPromise,
  setup,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { TestModel, toDirectedGraph } from '@xstate/graph';
import { ManualClock, flushAsync } from '../../src/clock/manualClock.ts';
import { createSystemSupervisor, type SystemSupervisorContext, type SystemSupervisorInput } from '../../supervisors/system.supervisor.ts';
import type { SymbolSupervisorMachine } from '../../supervisors/symbol.supervisor.ts';
import type { EscalationRecord } from '../../supervisors/escalation.ts';
import { actorInput } from '../support/strategyHarness.ts';

/**
 * Model-based tests of the system supervisor (level 3). Symbol supervisors are replaced by
 * a stub the test can make give up (final state) or crash, so each path of the graph can
 * be replayed on the real root actor: emergency stops, halted/resume, shutdown.
 */

const T0 = Date.UTC(2026, 0, 5, 12);
const child = (symbol: string) => ({ ...actorInput, actorId: `${symbol}:test`, symbol });
const symbolSpec = (symbol: string) => ({
  symbol,
  children: [child(symbol)],
  tickDelayMs: 2000,
  restart: { minMs: 1000, maxMs: 30_000, jitter: 0.2 },
  intensity: 3,
  periodMs: 60_000,
  disableAfterTrips: 3,
  tripWindowMs: 3_600_000,
});
const input: SystemSupervisorInput = { symbols: [symbolSpec('BTCUSDT'), symbolSpec('ETHUSDT'), symbolSpec('SOLUSDT')], maxDisabledSymbols: 2 };

/** Stands in for a symbol supervisor: GIVE_UP reaches its final state, CRASH throws. */
const stubSymbol = setup({
  types: { context: {} as { symbol: string }, input: {} as { symbol: string }, events: {} as { type: 'GIVE_UP' } | { type: 'CRASH' } },
  actions: {
    crash: () => {
      throw new Error('symbol supervisor bug');
    },
  },
}).createMachine({
  context: ({ input: i }) => ({ symbol: i.symbol }),
  initial: 'supervising',
  states: {
    supervising: { on: { GIVE_UP: 'gaveUp', CRASH: { actions: 'crash' } } },
    gaveUp: { type: 'final' },
  },
  output: ({ context }) => ({ symbol: context.symbol, reason: 'more than 3 restarts within 60000 ms', correlationId: `${context.symbol}#giveup` }),
});

const record = (code: string, symbol = 'BTCUSDT'): EscalationRecord => ({
  level: 'symbol',
  kind: 'strategy_disabled',
  reason: `test ${code}`,
  code,
  at: T0,
  correlationId: `${symbol}#1`,
  symbol,
  actorId: `${symbol}:test`,
});

type ModelEvent = EventObject & { readonly kind?: string; readonly [key: string]: unknown };

const MODEL_EVENTS: readonly ModelEvent[] = [
  { type: 'ESCALATE', level: 'system', symbol: 'BTCUSDT', actorId: 'BTCUSDT:test', record: { ...record('AUTH_REJECTED'), level: 'system' } },
  { type: 'ACCOUNT_ALERT', code: 'BALANCE_ZERO', reason: 'equity is 0', at: T0 },
  { type: 'DAILY_LOSS_PAUSE', reason: 'equity 9400 is down more than 5% from the UTC day start 10000', at: T0, until: T0 + 12 * 3_600_000 },
  { type: 'PAUSE_END' },
  { type: 'HALT', reason: 'operator', code: 'OPERATOR_HALT', correlationId: 'op#1' },
  ...['BTCUSDT', 'ETHUSDT'].map((symbol) => ({ type: 'STRATEGY_DISABLED', kind: symbol, symbol, actorId: `${symbol}:test`, record: record('BREAKER_TRIPS', symbol), allDisabled: true })),
  { type: 'STRATEGY_ENABLED', kind: 'BTCUSDT', symbol: 'BTCUSDT', actorId: 'BTCUSDT:test', record: record('OPERATOR_ENABLE') },
  { type: 'xstate.done.actor.symbol:SOLUSDT', output: { symbol: 'SOLUSDT', reason: 'more than 3 restarts within 60000 ms', correlationId: 'SOLUSDT#giveup' } },
  { type: 'xstate.error.actor.symbol:ETHUSDT', error: new Error('symbol supervisor bug') },
  { type: 'xstate.done.actor.cancelOpenOrders', output: 'cancelled 2 order(s)' },
  { type: 'xstate.error.actor.cancelOpenOrders', error: new Error('exchange down') },
  { type: 'RESUME', correlationId: 'op#2' },
  { type: 'SHUTDOWN' },
  { type: 'xstate.done.actor.drainOrders', output: 'nothing to drain' },
];

/**
 * Events a state can receive. A wildcard such as 'xstate.done.actor.*' only stands for the
 * actors that exist in that state: a done/error event can only come from a live child.
 */
function handles(snapshot: AnyMachineSnapshot, type: string): boolean {
  return ownEvents(snapshot).some((d) => {
    if (d === type) return true;
    if (!d.endsWith('.*') || !type.startsWith(d.slice(0, -1))) return false;
    const childId = type.slice(d.length - 1);
    return !d.startsWith('xstate.') || childId in snapshot.children;
  });
}

const key = (e: ModelEvent): string => `${e.type}${e.kind ? `(${e.kind})` : ''}`;

function abstract(s: AnyMachineSnapshot): string {
  const c = s.context as SystemSupervisorContext;
  return JSON.stringify({ v: s.value, t: c.tradingState, d: Object.keys(c.disabled).sort(), x: Object.keys(c.escalatedSymbols).sort() });
}

function machineWith(overrides: { cancel?: () => Promise<string>; drain?: () => Promise<string>; now: () => number }) {
  return createSystemSupervisor({ now: overrides.now, symbolLogic: stubSymbol as unknown as SymbolSupervisorMachine }).provide({
    actors: {
      accountWatch: fromCallback(() => () => undefined),
      cancelOpenOrders: fromPromise(overrides.cancel ?? (async () => 'none')),
      drainOrders: fromPromise(overrides.drain ?? (async () => 'none')),
    },
  });
}

const modelMachine = machineWith({ now: () => T0 });

/**
 * The graph tools reuse one mock actor scope for every transition they explore, so the
 * symbol supervisors' systemIds would collide on the second visit of `running`. Each
 * explored transition gets its own empty actor system instead.
 */
function withFreshSystems(machine: AnyStateMachine): AnyStateMachine {
  const logic = Object.create(machine) as AnyStateMachine;
  const fresh = <S extends { system: unknown }>(scope: S): S => {
    const self = createEmptyActor(); // spawned children take their system from their parent
    return { ...scope, self, system: self.system };
  };
  logic.transition = ((snapshot: never, event: never, scope: never) => machine.transition(snapshot, event, fresh(scope as { system: unknown }) as never)) as never;
  logic.getInitialSnapshot = ((scope: never, i: never) => machine.getInitialSnapshot(fresh(scope as { system: unknown }) as never, i)) as never;
  return logic;
}

const model = new TestModel(withFreshSystems(modelMachine as unknown as AnyStateMachine), {
  input,
  events: ((s: AnyMachineSnapshot) => MODEL_EVENTS.filter((e) => handles(s, e.type))) as never,
  serializeState: ((s: AnyMachineSnapshot, e?: ModelEvent) => `${abstract(s)}${e ? `|${key(e)}` : ''}`) as never,
  serializeEvent: ((e: ModelEvent) => key(e)) as never,
});
const paths = model.getShortestPaths({ limit: 100_000 } as never);

interface Deferred {
  resolve(v: string): void;
  reject(e: unknown): void;
}

function harness() {
  const clock = new ManualClock(T0);
  const cancels: Deferred[] = [];
  const drains: Deferred[] = [];
  const emitted: EscalationRecord[] = [];
  const machine = machineWith({
    now: () => clock.now(),
    cancel: () => new Promise((resolve, reject) => cancels.push({ resolve, reject })),
    drain: () => new Promise((resolve, reject) => drains.push({ resolve, reject })),
  });
  const actor = createActor(machine, { input, clock });
  actor.on('escalation', (e) => emitted.push(e.record));
  actor.start();
  return { actor, clock, cancels, drains, emitted };
}

const visited = new Set<string>();

describe('system supervisor: generated paths replayed on the real root actor', () => {
  it('the graph yields paths through every top-level state', () => {
    expect(paths.length).toBeGreaterThanOrEqual(15);
  });

  for (const path of paths) {
    it(path.steps.map((s) => key(s.event as ModelEvent)).join(' > '), async () => {
      const h = harness();
      const direct = ({ event }: { event: ModelEvent }) => {
        h.actor.send(event as never);
      };
      await path.test({
        events: {
          ESCALATE: direct,
          ACCOUNT_ALERT: direct,
          DAILY_LOSS_PAUSE: direct,
          // The pause lifts by itself at 00:00 UTC (a delayed event on the actor's clock).
          PAUSE_END: () => h.clock.advanceBy(12 * 3_600_000),
          HALT: direct,
          STRATEGY_DISABLED: direct,
          STRATEGY_ENABLED: direct,
          RESUME: direct,
          SHUTDOWN: direct,
          'xstate.done.actor.symbol:SOLUSDT': async () => {
            h.actor.system.get('symbol:SOLUSDT')?.send({ type: 'GIVE_UP' });
            await flushAsync();
          },
          'xstate.error.actor.symbol:ETHUSDT': async () => {
            h.actor.system.get('symbol:ETHUSDT')?.send({ type: 'CRASH' });
            await flushAsync();
          },
          'xstate.done.actor.cancelOpenOrders': async () => {
            h.cancels.shift()?.resolve('cancelled 2 order(s)');
            await flushAsync();
          },
          'xstate.error.actor.cancelOpenOrders': async () => {
            h.cancels.shift()?.reject(new Error('exchange down'));
            await flushAsync();
          },
          'xstate.done.actor.drainOrders': async () => {
            h.drains.shift()?.resolve('nothing to drain');
            await flushAsync();
          },
        } as never,
        states: {
          '*': (expected: AnyMachineSnapshot) => {
            const actual = h.actor.getSnapshot();
            visited.add(String(actual.value));
            expect(abstract(actual)).toEqual(abstract(expected));
          },
          running: () => {
            // Every symbol that has not given up has a live supervisor.
            const c = h.actor.getSnapshot().context;
            for (const spec of input.symbols) {
              const alive = h.actor.getSnapshot().children[`symbol:${spec.symbol}`] !== undefined;
              expect(alive).toBe(!(spec.symbol in c.escalatedSymbols));
            }
          },
          emergencyStop: () => {
            expect(h.actor.getSnapshot().context.tradingState).toBe('HALTED');
            expect(Object.keys(h.actor.getSnapshot().children).filter((id) => id.startsWith('symbol:'))).toEqual([]);
            expect(h.emitted.some((r) => r.kind === 'emergency_stop' && r.level === 'system')).toBe(true);
          },
          halted: () => expect(h.actor.getSnapshot().context.cancelResult).not.toBeNull(),
          stopped: () => expect(h.actor.getSnapshot().status).toBe('done'),
        } as never,
      });
      h.actor.stop();
    });
  }

  it('reached every state of the system supervisor', () => {
    const states = toDirectedGraph(modelMachine as unknown as AnyStateMachine).children.map((n) => n.stateNode.key);
    expect(states.sort()).toEqual(['emergencyStop', 'halted', 'running', 'stopped', 'stopping']);
    expect([...visited].sort()).toEqual(states.sort());
  });
});

describe('system supervisor: level-3 triggers', () => {
  it.each([
    ['ESCALATE', MODEL_EVENTS[0]!, 'AUTH_REJECTED'],
    ['ACCOUNT_ALERT', MODEL_EVENTS[1]!, 'BALANCE_ZERO'],
    ['HALT', MODEL_EVENTS[4]!, 'OPERATOR_HALT'],
  ])('%s halts trading with an emergency_stop record and a correlation id', async (_name, event, code) => {
    const h = harness();
    h.actor.send(event as never);
    await flushAsync();
    const stop = h.emitted.find((r) => r.kind === 'emergency_stop');
    expect(stop).toMatchObject({ level: 'system', code });
    expect(stop?.correlationId).toBeTruthy();
    expect(h.actor.getSnapshot().value).toBe('emergencyStop');
    h.cancels.shift()?.resolve('ok');
    await flushAsync();
    expect(h.actor.getSnapshot().value).toBe('halted');
    h.actor.send({ type: 'RESUME', correlationId: 'op' });
    await flushAsync();
    expect(h.actor.getSnapshot().context.tradingState).toBe('ACTIVE');
    h.actor.stop();
  });

  it('two symbols disabled (the configured limit) stop the system; one does not', async () => {
    const h = harness();
    h.actor.send(MODEL_EVENTS[5] as never);
    await flushAsync();
    expect(h.actor.getSnapshot().value).toBe('running');
    h.actor.send(MODEL_EVENTS[6] as never);
    await flushAsync();
    expect(h.actor.getSnapshot().value).toBe('emergencyStop');
    expect(h.emitted.at(-1)).toMatchObject({ code: 'TOO_MANY_SYMBOLS_DISABLED' });
    h.actor.stop();
  });
});

describe('system supervisor: daily-loss pause', () => {
  it('denies entries (REDUCING) until the given 00:00 UTC, records the pause and its end, and does not halt', async () => {
    const h = harness();
    h.actor.send(MODEL_EVENTS[2] as never);
    await flushAsync();
    expect(h.actor.getSnapshot().value).toBe('running');
    expect(h.actor.getSnapshot().context.tradingState).toBe('REDUCING');
    expect(h.actor.getSnapshot().context.pause).toMatchObject({ until: T0 + 12 * 3_600_000, code: 'DAILY_LOSS_LIMIT' });
    expect(h.emitted.at(-1)).toMatchObject({ level: 'system', kind: 'daily_loss_pause', code: 'DAILY_LOSS_LIMIT' });
    // A second alert the same day does not restart the pause.
    h.actor.send(MODEL_EVENTS[2] as never);
    expect(h.emitted.filter((r) => r.kind === 'daily_loss_pause')).toHaveLength(1);
    await h.clock.advanceBy(12 * 3_600_000 - 1);
    expect(h.actor.getSnapshot().context.tradingState).toBe('REDUCING');
    await h.clock.advanceBy(1);
    expect(h.actor.getSnapshot().context.tradingState).toBe('ACTIVE');
    expect(h.actor.getSnapshot().context.pause).toBeNull();
    expect(h.emitted.at(-1)).toMatchObject({ kind: 'daily_loss_pause_end', at: T0 + 12 * 3_600_000 });
    h.actor.stop();
  });

  it('an emergency stop during a pause halts, and a resume does not bring the old pause back', async () => {
    const h = harness();
    h.actor.send(MODEL_EVENTS[2] as never);
    h.actor.send(MODEL_EVENTS[4] as never);
    await flushAsync();
    expect(h.actor.getSnapshot().context.tradingState).toBe('HALTED');
    h.cancels.shift()?.resolve('ok');
    await flushAsync();
    h.actor.send({ type: 'RESUME', correlationId: 'op' });
    await flushAsync();
    expect(h.actor.getSnapshot().context).toMatchObject({ tradingState: 'ACTIVE', pause: null });
    await h.clock.advanceBy(12 * 3_600_000);
    expect(h.emitted.some((r) => r.kind === 'daily_loss_pause_end')).toBe(false);
    h.actor.stop();
  });
});
