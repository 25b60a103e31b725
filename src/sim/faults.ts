import { InvalidRequestError } from '../domain/errors.ts';
import type { FaultState } from './types.ts';

/** Holds the simulator's injected faults; the HTTP control API patches them at run time. */
export class FaultController {
  private state: FaultState;
  private latencyForbidden: string | null = null;

  constructor(initial: Partial<FaultState> = {}) {
    this.state = FaultController.check({ down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0, ...initial });
  }

  get(): FaultState {
    return { ...this.state, nanCandles: [...this.state.nanCandles] };
  }

  set(patch: Partial<FaultState>): FaultState {
    const next = FaultController.check({ ...this.state, ...patch });
    if (this.latencyForbidden && next.latencyMs > 0) throw new InvalidRequestError(`latencyMs: ${this.latencyForbidden}`);
    this.state = next;
    return this.get();
  }

  /** Lock-step runs: a latency would wait on a clock that only moves when nothing is in flight. */
  forbidLatency(reason: string): void {
    this.latencyForbidden = reason;
    if (this.state.latencyMs > 0) this.state = { ...this.state, latencyMs: 0 };
  }

  private static check(state: FaultState): FaultState {
    if (!Number.isFinite(state.latencyMs) || state.latencyMs < 0) throw new InvalidRequestError(`latencyMs ${state.latencyMs} must be >= 0`);
    if (!(state.errorRate >= 0 && state.errorRate <= 1)) throw new InvalidRequestError(`errorRate ${state.errorRate} must be in 0..1`);
    return { ...state, nanCandles: [...state.nanCandles] };
  }
}
