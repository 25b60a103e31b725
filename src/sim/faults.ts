import { InvalidRequestError } from '../domain/errors.ts';
import type { FaultState } from './types.ts';

/** Holds the simulator's injected faults; the HTTP control API patches them at run time. */
export class FaultController {
  private state: FaultState;

  constructor(initial: Partial<FaultState> = {}) {
    this.state = FaultController.check({ down: false, authRejected: false, latencyMs: 0, nanCandles: [], errorRate: 0, ...initial });
  }

  get(): FaultState {
    return { ...this.state, nanCandles: [...this.state.nanCandles] };
  }

  set(patch: Partial<FaultState>): FaultState {
    this.state = FaultController.check({ ...this.state, ...patch });
    return this.get();
  }

  private static check(state: FaultState): FaultState {
    if (!Number.isFinite(state.latencyMs) || state.latencyMs < 0) throw new InvalidRequestError(`latencyMs ${state.latencyMs} must be >= 0`);
    if (!(state.errorRate >= 0 && state.errorRate <= 1)) throw new InvalidRequestError(`errorRate ${state.errorRate} must be in 0..1`);
    return { ...state, nanCandles: [...state.nanCandles] };
  }
}
