import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { toBybotError, type BybotError } from '../domain/errors.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Logger } from '../observability/logger.ts';

/** Error codes that mean "the exchange cannot be reached or does not accept us". */
const CONNECTIVITY_CODES: ReadonlySet<string> = new Set(['EXCHANGE_UNAVAILABLE', 'TIMEOUT', 'AUTH_REJECTED']);

export interface ProbeStatus {
  readonly ok: boolean;
  /** Wall-clock time (ms) of the last probe attempt, or null before the first. */
  readonly checkedAt: number | null;
  readonly lastOkAt: number | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
}

/**
 * Operational health, measured in real time (not simulated time): event-loop lag for
 * /health, and a periodic "does the exchange answer" probe for /ready (a self-check at
 * start-up, then every probe interval).
 */
export class HealthMonitor {
  private readonly histogram: IntervalHistogram;
  private lagMs = 0;
  private lagTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private status: ProbeStatus = { ok: false, checkedAt: null, lastOkAt: null, latencyMs: null, error: 'not probed yet' };
  readonly startedAt = Date.now();

  constructor(
    private readonly exchange: ExchangePort,
    private readonly logger: Logger,
    private readonly probeIntervalMs: number,
    private readonly probeTimeoutMs: number,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
  }

  async start(): Promise<void> {
    this.histogram.enable();
    this.lagTimer = setInterval(() => {
      // p99 of the last second, in ms (the histogram records nanoseconds).
      this.lagMs = this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0;
      this.histogram.reset();
    }, 1_000);
    this.lagTimer.unref();
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  stop(): void {
    clearInterval(this.lagTimer);
    clearInterval(this.probeTimer);
    this.histogram.disable();
  }

  eventLoopLagMs(): number {
    return Math.round(this.lagMs * 10) / 10;
  }

  exchangeStatus(): ProbeStatus {
    return this.status;
  }

  /**
   * Passive health: every exchange call the actors make is evidence too, so /ready does
   * not wait for the next probe to notice that the exchange stopped (or started) answering.
   * Only connectivity failures count; a rejected order says nothing about reachability.
   */
  observe(operation: string, error: BybotError | null): void {
    const now = Date.now();
    if (error === null) {
      // Only after a real failure: the first success at start-up is not a recovery.
      if (!this.status.ok && this.status.checkedAt !== null) this.logger.info({ event: 'exchange_recovered', operation }, `exchange answers again (${operation})`);
      this.status = { ok: true, checkedAt: now, lastOkAt: now, latencyMs: this.status.latencyMs, error: null };
      return;
    }
    if (!CONNECTIVITY_CODES.has(error.code)) return;
    if (this.status.ok) this.logger.warn({ event: 'exchange_unreachable', operation, code: error.code, err: error.message }, `exchange call ${operation} failed: ${error.message}`);
    this.status = { ...this.status, ok: false, checkedAt: now, error: `${error.code}: ${error.message}` };
  }

  async probe(): Promise<ProbeStatus> {
    const started = Date.now();
    try {
      await this.exchange.serverTime({ signal: AbortSignal.timeout(this.probeTimeoutMs) });
      this.status = { ok: true, checkedAt: started, lastOkAt: Date.now(), latencyMs: Date.now() - started, error: null };
    } catch (error) {
      const typed = toBybotError(error);
      if (this.status.ok) this.logger.warn({ event: 'exchange_probe_failed', code: typed.code, err: typed.message }, 'exchange probe failed');
      this.status = { ...this.status, ok: false, checkedAt: started, latencyMs: null, error: `${typed.code}: ${typed.message}` };
    }
    return this.status;
  }
}
