/** Market regimes the generator can force per symbol (config `simulator.regimes`). */
export type RegimeName = 'trend' | 'range' | 'crash' | 'flat' | 'zeroVolume';

/** Faults injected at the port, switchable at run time (HTTP /simulator/faults). */
export interface FaultState {
  /** Every call fails as if the exchange did not answer. */
  readonly down: boolean;
  /** Private calls fail as if the API key were rejected; market data still works. */
  readonly authRejected: boolean;
  /** Simulated delay before each call is served, on the injected clock. */
  readonly latencyMs: number;
  /** Symbols whose candles come back with NaN closes in the last closed candles. */
  readonly nanCandles: readonly string[];
  /** Probability (0..1, seeded) that a call fails with an injected 5xx. */
  readonly errorRate: number;
}
