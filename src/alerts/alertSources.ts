import { intervalMs } from '../domain/types.ts';
import { toBybotError } from '../domain/errors.ts';
import {
  SAMPLED_SOURCES,
  channelAlertObservation,
  escalationObservation,
  reconcileObservation,
  sampleObservations,
  type AlertSample,
  type AlertThresholds,
  type ChannelAlertInput,
  type SymbolFreshness,
} from '../core/alerts/rules.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { StrategyStats } from '../observability/strategyStats.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { AlertService } from './alertService.ts';

/** What the sources read from the Bybit adapter, when there is one. */
export interface BybitAlertFeeds {
  readonly alerts: { onAlert(listener: (alert: ChannelAlertInput) => void): () => void };
  readonly clockSync: { offsetMs(): number; lastMeasuredAt(): number | null };
  readonly rest: { apiKeyExpiry(): Promise<number | null> };
}

export interface AlertSourceDeps {
  readonly runtime: Pick<Runtime, 'registry' | 'root' | 'snapshot' | 'reconciliation' | 'accountSnapshot' | 'whenStarted' | 'supervisorsRunning' | 'account'>;
  readonly service: AlertService;
  readonly stats: StrategyStats;
  readonly health: { eventLoopLagMs(): number };
  readonly journalBytes?: () => number;
  readonly bybit?: BybitAlertFeeds;
  readonly clock: Clock;
  readonly timers: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly thresholds: () => AlertThresholds;
  readonly evaluateIntervalMs: () => number;
  readonly apiKeyCheckMs: () => number;
  /** Process memory (tests inject a value). */
  readonly rssBytes?: () => number;
}

/**
 * Connects every alert source to the engine: channel alerts of the adapter and escalations
 * of the supervision tree as they happen, the start-up reconciliation once, and a sampler
 * (wall-clock interval) for the sampled rules: memory, event-loop lag, journal size, clock
 * skew, cycle latency per strategy, stale data per symbol, positions without a stop, API
 * key expiry. The sampler also keeps the cockpit's gauges current.
 */
/** Consecutive samples the event-loop lag must exceed its threshold in (the lowest of them is compared). */
const LAG_SAMPLES = 3;

export class AlertSources {
  private readonly offs: (() => void)[] = [];
  private sampleTimer: unknown;
  private keyTimer: unknown;
  private stopped = false;
  private apiKeyExpiresAt: number | null = null;
  /** Recent event-loop lag readings: a start-up hiccup is not an alert, lag sustained over LAG_SAMPLES samples is. */
  private readonly lagReadings: number[] = [];

  constructor(private readonly d: AlertSourceDeps) {}

  start(): void {
    const { d } = this;
    if (d.bybit) this.offs.push(d.bybit.alerts.onAlert((a) => d.service.observe([channelAlertObservation(a)])));
    const subscription = d.runtime.root.on('escalation', (event) => {
      const observation = escalationObservation(event.record);
      if (observation) d.service.observe([observation]);
    });
    this.offs.push(() => subscription.unsubscribe());
    void d.runtime.whenStarted().then(() => {
      const summary = d.runtime.reconciliation.summary;
      if (!summary || this.stopped) return;
      const mismatches = summary.adopted + summary.neverReached + summary.foreignOrders.length + summary.unprotectedPositions;
      d.metrics.reconciliationMismatches.set(mismatches);
      const observation = reconcileObservation(summary);
      if (observation) d.service.observe([observation]);
    });
    this.scheduleSample(d.evaluateIntervalMs());
    if (d.bybit) void this.checkApiKey();
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    this.d.timers.clearTimeout(this.sampleTimer);
    this.d.timers.clearTimeout(this.keyTimer);
  }

  /** One evaluation of the sampled rules (also run by tests). */
  sampleNow(): AlertSample {
    const sample = this.sample();
    this.updateGauges(sample);
    this.d.service.observe(sampleObservations(sample, this.d.thresholds()), SAMPLED_SOURCES);
    return sample;
  }

  private scheduleSample(delay: number): void {
    if (this.stopped) return;
    this.sampleTimer = this.d.timers.setTimeout(() => {
      try {
        this.sampleNow();
      } catch (error) {
        this.d.logger.error({ event: 'alert_sample_failed', err: toBybotError(error).message }, 'alert sampling failed');
      }
      this.scheduleSample(this.d.evaluateIntervalMs());
    }, delay);
    (this.sampleTimer as { unref?: () => void } | undefined)?.unref?.();
  }

  private async checkApiKey(): Promise<void> {
    const bybit = this.d.bybit;
    if (!bybit || this.stopped) return;
    try {
      this.apiKeyExpiresAt = await bybit.rest.apiKeyExpiry();
      if (this.apiKeyExpiresAt === null) this.d.metrics.apiKeyExpiry.reset();
    } catch (error) {
      this.d.logger.warn({ event: 'api_key_check_failed', err: toBybotError(error).message }, 'could not read the API key expiry');
    }
    if (this.stopped) return;
    this.keyTimer = this.d.timers.setTimeout(() => void this.checkApiKey(), this.d.apiKeyCheckMs());
    (this.keyTimer as { unref?: () => void } | undefined)?.unref?.();
  }

  private freshness(now: number): SymbolFreshness[] {
    const { runtime } = this.d;
    if (!runtime.supervisorsRunning()) return [];
    const disabled = runtime.snapshot().context.disabled;
    // Per actor: how far its newest closed candle lags behind the newest candle of its interval
    // that has closed by now (0 while it keeps up; one interval during the tick delay after a close).
    const lag = new Map<string, number | null>();
    for (const entry of runtime.registry.list()) {
      if (entry.status !== 'active' || disabled[entry.actorId]) continue;
      const stepMs = intervalMs(entry.context.settings.params.interval);
      // The kernel's newest closed candle (NaN before its first warm-up).
      const kernelStart = entry.context.kernel?.instance.lastStart ?? Number.NaN;
      const start = Number.isFinite(kernelStart) ? kernelStart : null;
      const behind = start === null ? null : Math.max(0, Math.floor(now / stepMs) * stepMs - (start + stepMs));
      const seen = lag.get(entry.symbol);
      lag.set(entry.symbol, behind === null ? (seen ?? null) : Math.min(seen ?? Infinity, behind));
    }
    return [...lag.entries()].map(([symbol, ageMs]) => ({ symbol, ageMs }));
  }

  private sustainedLag(): number {
    this.lagReadings.push(this.d.health.eventLoopLagMs());
    if (this.lagReadings.length > LAG_SAMPLES) this.lagReadings.shift();
    return this.lagReadings.length < LAG_SAMPLES ? 0 : Math.min(...this.lagReadings);
  }

  private sample(): AlertSample {
    const { d } = this;
    const now = d.clock.now();
    const positions = d.runtime.accountSnapshot?.positions ?? [];
    return {
      now,
      rssBytes: d.rssBytes ? d.rssBytes() : process.memoryUsage().rss,
      eventLoopLagMs: this.sustainedLag(),
      journalBytes: d.journalBytes ? d.journalBytes() : null,
      clockOffsetMs: d.bybit && d.bybit.clockSync.lastMeasuredAt() !== null ? d.bybit.clockSync.offsetMs() : null,
      latency: d.stats.latencies().map((l) => ({ strategy: l.strategy, p95Ms: l.p95Ms, samples: l.samples })),
      freshness: this.freshness(now),
      unprotected: positions.filter((p) => p.size > 0 && !(p.stopLoss > 0)).map((p) => ({ symbol: p.symbol, side: p.side, size: p.size })),
      apiKeyExpiresAt: this.apiKeyExpiresAt,
    };
  }

  private updateGauges(s: AlertSample): void {
    const { metrics, runtime } = this.d;
    for (const f of s.freshness) if (f.ageMs !== null) metrics.marketDataLag.set({ symbol: f.symbol }, f.ageMs / 1000);
    if (s.clockOffsetMs !== null) metrics.clockOffset.set(s.clockOffsetMs / 1000);
    if (s.apiKeyExpiresAt !== null) metrics.apiKeyExpiry.set((s.apiKeyExpiresAt - s.now) / 1000);
    const account = runtime.accountSnapshot;
    if (account) {
      metrics.pnlToday.set(account.equity - runtime.account.dayStartEquity(s.now));
      metrics.positionSize.reset();
      metrics.positionStopLoss.reset();
      for (const p of account.positions) {
        metrics.positionSize.set({ symbol: p.symbol, side: p.side }, p.size);
        metrics.positionStopLoss.set({ symbol: p.symbol, side: p.side }, p.stopLoss);
      }
    }
    metrics.positionsUnprotected.set(s.unprotected.length);
  }
}
