import { and, assign, createActor, enqueueActions, fromPromise, setup, type AnyActorRef } from 'xstate';

/**
 * The strategy actor's card (machines/strategy.machine.ts) with the application taken out:
 * the same states, transitions, guards, delays, entry/exit actions and context size (19
 * keys), but guards that read a number, assigns that bump one, a market answer raised from
 * memory at once and no decision. What one cycle of it costs is what XState itself charges
 * for the card, the floor under the actor engine's and the live path's cycle cost.
 * test/bench/cardShape.test.ts keeps the two machines' shapes equal.
 */
export function cardShapeMachine() {
  return setup({
    types: { context: {} as Record<string, number | string>, events: {} as { type: 'TICK' } | { type: 'MARKET'; market: number } | { type: 'MARKET_FAILED'; error: Error } },
    actors: { placeEntry: fromPromise<number, number>(async () => 0) },
    delays: { cooldown: 30_000, breakerOpen: 60_000 },
    guards: {
      failureOpensBreaker: ({ context }) => (context.k1 as number) < 0,
      stepFailed: ({ context }) => (context.k2 as number) < 0,
      dataUnusable: ({ context }) => (context.k3 as number) < 0,
      hasEntry: ({ context }) => (context.k4 as number) < 0,
    },
    actions: {
      requestMarket: enqueueActions(({ enqueue }) => {
        enqueue.raise({ type: 'MARKET', market: 1 });
      }),
      releaseMarket: () => undefined,
      beginCycle: assign(({ context }) => ({ k5: (context.k5 as number) + 1, k6: `c${context.k5}` })),
      beginHalfOpen: assign(({ context }) => ({ k7: (context.k7 as number) + 1 })),
      recordFailure: assign(({ context }) => ({ k8: (context.k8 as number) + 1 })),
      recordSuccess: assign(({ context }) => ({ k9: (context.k9 as number) + 1 })),
      recordSkip: assign(({ context }) => ({ k10: (context.k10 as number) + 1 })),
      recordOrder: assign(({ context }) => ({ k11: (context.k11 as number) + 1 })),
      reportTrip: () => undefined,
    },
  }).createMachine({
    id: 'strategy',
    initial: 'idle',
    context: () => Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, i])),
    states: {
      idle: { on: { TICK: { target: 'fetching' } } },
      fetching: {
        entry: ['beginCycle', 'requestMarket'],
        exit: 'releaseMarket',
        on: {
          MARKET: { target: 'validating', actions: assign(({ context }) => ({ k12: (context.k12 as number) + 1 })) },
          MARKET_FAILED: [
            { guard: 'failureOpensBreaker', target: 'broken', actions: 'recordFailure' },
            { target: 'cooldown', actions: 'recordFailure' },
          ],
        },
      },
      validating: {
        always: [
          { guard: and(['stepFailed', 'failureOpensBreaker']), target: 'broken', actions: 'recordFailure' },
          { guard: 'stepFailed', target: 'cooldown', actions: 'recordFailure' },
          { guard: 'dataUnusable', target: 'cooldown', actions: 'recordSkip' },
          { target: 'signalling' },
        ],
      },
      signalling: {
        entry: assign(({ context }) => ({ k13: (context.k13 as number) + 1 })),
        always: [
          { guard: and(['stepFailed', 'failureOpensBreaker']), target: 'broken', actions: 'recordFailure' },
          { guard: 'stepFailed', target: 'cooldown', actions: 'recordFailure' },
          { guard: 'hasEntry', target: 'ordering' },
          { target: 'cooldown' },
        ],
      },
      ordering: {
        invoke: {
          id: 'placeEntry',
          src: 'placeEntry',
          input: () => 0,
          onDone: { target: 'cooldown', actions: ['recordOrder', 'recordSuccess'] },
          onError: [
            { guard: 'failureOpensBreaker', target: 'broken', actions: 'recordFailure' },
            { target: 'cooldown', actions: 'recordFailure' },
          ],
        },
      },
      cooldown: { after: { cooldown: 'idle' } },
      broken: { entry: 'reportTrip', after: { breakerOpen: { target: 'fetching', actions: 'beginHalfOpen' } } },
    },
  });
}

/**
 * `actors` actors of the card's shape, each given `closes` TICKs one simulated minute apart,
 * their cooldown timers fired in between by a synchronous clock (no event loop, no promise):
 * real microseconds per close of all of them, after `warmup` closes.
 */
export function cardShapeCostUs(actors: number, closes: number, warmup: number): number {
  let now = 0;
  const due: { fn: () => void; at: number; cancelled: boolean }[] = [];
  const clock = {
    setTimeout: (fn: () => void, ms: number) => {
      const timer = { fn, at: now + ms, cancelled: false };
      due.push(timer);
      return timer;
    },
    clearTimeout: (timer: unknown) => {
      if (timer) (timer as { cancelled: boolean }).cancelled = true;
    },
  };
  const machine = cardShapeMachine();
  const refs: AnyActorRef[] = Array.from({ length: actors }, () => createActor(machine, { clock }).start());
  const fireDue = (): void => {
    const batch = due.splice(0);
    for (const timer of batch) {
      if (timer.at > now) due.push(timer);
      else if (!timer.cancelled) timer.fn();
    }
  };
  // A minute on: the last cycle's cooldown ends (30 s), then the next close ticks every actor.
  const close = (): void => {
    now += 60_000;
    fireDue();
    for (const ref of refs) ref.send({ type: 'TICK' });
  };
  for (let i = 0; i < warmup; i++) close();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < closes; i++) close();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / closes;
  now += 60_000;
  fireDue();
  for (const ref of refs) {
    const { value, context } = ref.getSnapshot() as { value: unknown; context: Record<string, number> };
    // k5 starts at 5 and counts the cycles begun (beginCycle): a TICK ignored would show here.
    if (value !== 'idle' || context.k5 !== 5 + warmup + closes) throw new Error(`card shape: an actor ended in ${String(value)} after ${context.k5! - 5} cycles, not idle after ${warmup + closes}`);
    ref.stop();
  }
  return us;
}
