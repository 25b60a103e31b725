import { performance } from 'node:perf_hooks';
import { toBybotError, type BybotError } from '../domain/errors.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Metrics } from '../observability/metrics.ts';
import { decoratePort } from './decoratePort.ts';

/**
 * Records latency (wall time) and errors of every exchange call in /metrics and
 * normalises whatever the implementation throws into a BybotError, so machines always
 * receive typed errors.
 */
/** Called after every call with its outcome (null error = success); feeds passive health. */
export type OutcomeListener = (operation: string, error: BybotError | null) => void;

export function instrumented(port: ExchangePort, metrics: Metrics, onOutcome?: OutcomeListener): ExchangePort {
  return decoratePort(port, async (operation, options, call) => {
    const started = performance.now();
    try {
      const value = await call(options ?? {});
      metrics.apiRequests.observe({ operation, outcome: 'ok' }, (performance.now() - started) / 1000);
      onOutcome?.(operation, null);
      return value;
    } catch (error) {
      const typed = toBybotError(error);
      metrics.apiRequests.observe({ operation, outcome: 'error' }, (performance.now() - started) / 1000);
      if (typed.code !== 'ABORTED') {
        metrics.apiErrors.inc({ operation, code: typed.code });
        onOutcome?.(operation, typed);
      }
      throw typed;
    }
  });
}
