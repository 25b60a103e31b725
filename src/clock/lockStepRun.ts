import { performance } from 'node:perf_hooks';
import type { AdmitTicket } from '../orders/orderManager.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { countInFlight } from '../exchange/inFlightPort.ts';
import { LockStepClock } from './lockStepClock.ts';

/**
 * The admission gate of lock-step runs: entries wait until every actor ticked at the same
 * instant has decided, then go out in actor order (symbols in config order, then presets),
 * so every decision sees the account as it was at the candle close (the fast backtest
 * engine's ordering rule, DESIGN-backtest point 6).
 */
export class EntrySequencer {
  private pending: { readonly index: number; readonly release: () => void }[] = [];
  constructor(private readonly order: ReadonlyMap<string, number>) {}
  admit = (entry: AdmitTicket): Promise<void> =>
    new Promise<void>((release) => {
      // A rebalance's reductions (portfolio.resizeOpen) go before the entries of the instant, as in the fast engine.
      this.pending.push({ index: entry.reduce ? -1 : (this.order.get(entry.actorId) ?? Number.MAX_SAFE_INTEGER), release });
    });
  /** Admits every waiting entry in actor order; true when there was one. */
  release(): boolean {
    if (this.pending.length === 0) return false;
    const batch = this.pending.sort((a, b) => a.index - b.index);
    this.pending = [];
    for (const entry of batch) entry.release();
    return true;
  }
}

/** The parts of a lock-step run: the clock, the exchange port it watches, and the admission gate. */
export interface LockStepRun {
  readonly clock: LockStepClock;
  /** The exchange port to hand to the runtime: its calls in flight hold the clock. */
  readonly port: ExchangePort;
  readonly admitEntry: (entry: AdmitTicket) => Promise<void>;
  /**
   * Holds time while `busy` says so as well (the runtime's market hub while a candle close
   * waits to be dispatched to the actors); the runtime is built after the run, hence later.
   */
  holdWhile(busy: () => boolean): void;
}

/**
 * One lock-step setup for `npm run backtest -- --engine actors` and for `npm start` with
 * `simulator.clock: lockstep`: time moves only when no exchange call is in flight and no
 * promise chain moves, and entries pass the admission gate. `actorOrder` maps actor ids to
 * their order (buildSystemInput's children). `port` is created after the clock (it usually
 * depends on it), hence the factory.
 */
export function createLockStepRun(start: number, actorOrder: ReadonlyMap<string, number>, portOf: (clock: LockStepClock) => ExchangePort): LockStepRun {
  const sequencer = new EntrySequencer(actorOrder);
  let counter: ReturnType<typeof countInFlight> | undefined;
  const holds: (() => boolean)[] = [];
  const clock = new LockStepClock(start, () => (counter?.inFlight() ?? 0) > 0 || holds.some((busy) => busy()), () => sequencer.release());
  counter = countInFlight(portOf(clock));
  return { clock, port: counter.port, admitEntry: sequencer.admit, holdWhile: (busy) => void holds.push(busy) };
}

export interface PacedDriverOptions {
  /** Simulated ms per real ms at most (`simulator.speed`); Infinity = as fast as the runtime goes. */
  readonly speed: number;
  /** Stop advancing here (the end of the replayed data); undefined = never. */
  readonly end?: number;
  /** Called once when `end` is reached. */
  readonly onEnd?: () => void;
}

/**
 * Drives a LockStepClock in a long-running process (`npm start`): after quiescence it jumps
 * to the next timer, but not before the wall clock has caught up with `speed` (so a run can
 * be watched), and never while anything is in flight. What happens is the same at any
 * speed: only the order of events counts, never how long they took.
 */
export class PacedLockStepDriver {
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: LockStepClock,
    private readonly o: PacedDriverOptions,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    const simStart = this.clock.now();
    const wallStart = performance.now();
    const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));
    while (!this.stopped) {
      await this.clock.settle();
      const next = this.clock.nextTimerAt();
      if (next === undefined) {
        await wait(20);
        continue;
      }
      if (this.o.end !== undefined && next > this.o.end) {
        this.o.onEnd?.();
        return;
      }
      const due = wallStart + (next - simStart) / this.o.speed;
      const lag = due - performance.now();
      if (Number.isFinite(lag) && lag > 0) {
        await wait(Math.min(lag, 50));
        continue;
      }
      await this.clock.step();
    }
  }
}
