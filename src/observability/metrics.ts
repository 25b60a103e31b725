import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { cockpitMetrics } from './cockpitMetrics.ts';

/**
 * Every Prometheus metric the bot exports, on its own registry (never the global one, so
 * tests can build several apps in one process). Names follow Prometheus conventions
 * (checked by test/observability/metricNames.test.ts on the real /metrics output): every
 * name starts with bybot_, counters and only counters end in _total, base units (seconds,
 * bytes, ratios), no doubled prefix.
 */
/** One local or server rate-limit budget, sampled when /metrics is scraped. */
export interface RateLimitSample {
  /** Limit group (order, cancel, position, query, market), `ip`, or an endpoint path. */
  readonly group: string;
  readonly remaining: number;
  readonly limit: number;
}

/** One strategy actor as bybot_actor_state shows it: its labels and the state it is in. */
export interface ActorStateSample {
  readonly actor: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly state: string;
}

/** A runtime's actors and the names of every state an actor can be in. */
export interface ActorStateSource {
  readonly states: readonly string[];
  actors(): Iterable<ActorStateSample>;
}

export function createMetrics() {
  const registry = new Registry();
  // Exchange adapters register a sampler of their limiter here (and remove it on close).
  const rateLimitSamplers = new Set<() => readonly RateLimitSample[]>();
  // The ML filter's bounded caches (src/ml/boundedCache.ts) register themselves here.
  // A runtime registers its actor read model here: the one-hot state gauge is built from it at
  // each scrape. Setting it at every transition (two labelled sets, each hashing four labels)
  // was 2 % of the CPU with 2,000 actors cycling once a second.
  const actorStateSources = new Set<ActorStateSource>();
  const mlCaches = new Set<{ readonly name: string; stats(): { readonly entries: number; readonly bytes: number } }>();
  // prom-client's process_* and nodejs_* defaults under our prefix (bybot_process_cpu_seconds_total,
  // not bybot_process_process_...). Its *_active_*_total series are gauges named like
  // counters (promtool warns); the per-type gauges without the suffix stay, sum() gives totals.
  collectDefaultMetrics({ register: registry, prefix: 'bybot_' });
  for (const name of ['bybot_nodejs_active_handles_total', 'bybot_nodejs_active_requests_total', 'bybot_nodejs_active_resources_total']) registry.removeSingleMetric(name);

  const m = {
    registry,
    cycleDuration: new Histogram({
      name: 'bybot_cycle_duration_seconds',
      help: 'Wall time of one strategy iteration, from fetching to cooldown/broken',
      labelNames: ['symbol', 'strategy', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    actorState: new Gauge({
      name: 'bybot_actor_state',
      help: '1 for the state each strategy actor is in, 0 for the others',
      labelNames: ['actor', 'symbol', 'strategy', 'state'] as const,
      registers: [registry],
      collect() {
        // Rebuilt from the read model: an actor removed by a reload leaves no series behind.
        this.reset();
        for (const source of actorStateSources) {
          for (const a of source.actors()) for (const state of source.states) this.set({ actor: a.actor, symbol: a.symbol, strategy: a.strategy, state }, state === a.state ? 1 : 0);
        }
      },
    }),
    actorStateSources,
    tickFallbacks: new Counter({
      name: 'bybot_tick_fallback_total',
      help: 'Cycles started by the fallback timer because the kline stream had not confirmed the close (degraded)',
      labelNames: ['symbol'] as const,
      registers: [registry],
    }),
    marketRequests: new Counter({
      name: 'bybot_market_requests_total',
      help: 'Market data of strategy iterations, answered from memory or read over REST',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    breakerTrips: new Counter({
      name: 'bybot_breaker_trips_total',
      help: 'Circuit breaker openings per strategy actor',
      labelNames: ['symbol', 'strategy'] as const,
      registers: [registry],
    }),
    iterationFailures: new Counter({
      name: 'bybot_iteration_failures_total',
      help: 'Failed iterations (escalation level 1), by error code',
      labelNames: ['symbol', 'strategy', 'code'] as const,
      registers: [registry],
    }),
    iterationsSkipped: new Counter({
      name: 'bybot_iterations_skipped_total',
      help: 'Iterations skipped without a signal (data unusable or no new candle), by reason',
      labelNames: ['symbol', 'strategy', 'reason'] as const,
      registers: [registry],
    }),
    dataQuality: new Counter({
      name: 'bybot_data_quality_rejections_total',
      help: 'Candle sets that failed validation, by reason and severity',
      labelNames: ['symbol', 'reason', 'severity'] as const,
      registers: [registry],
    }),
    signals: new Counter({
      name: 'bybot_signals_total',
      help: 'Signals computed, by action and mode (full or degraded)',
      labelNames: ['symbol', 'strategy', 'action', 'mode'] as const,
      registers: [registry],
    }),
    confluenceScore: new Histogram({
      name: 'bybot_signal_score',
      help: 'Confluence score of entry signals (0.1 to 1.0)',
      labelNames: ['strategy'] as const,
      buckets: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers: [registry],
    }),
    marketRegime: new Gauge({
      name: 'bybot_market_regime',
      help: '1 for the market regime of the last decision of each symbol x strategy, 0 for the others',
      labelNames: ['symbol', 'strategy', 'regime'] as const,
      registers: [registry],
    }),
    portfolioWeight: new Gauge({
      name: 'bybot_portfolio_budget_ratio',
      help: 'Capital budget of each strategy preset as a share of equity (portfolio allocation, 0..1)',
      labelNames: ['strategy'] as const,
      registers: [registry],
    }),
    portfolioRebalances: new Counter({
      name: 'bybot_portfolio_rebalances_total',
      help: 'Portfolio rebalances, by reason (initial, schedule, drift)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    portfolioResizes: new Counter({
      name: 'bybot_portfolio_resizes_total',
      help: 'Open positions a rebalance decided to reduce (portfolio.resizeOpen), by strategy preset',
      labelNames: ['strategy'] as const,
      registers: [registry],
    }),
    portfolioCorrelation: new Gauge({
      name: 'bybot_portfolio_correlation_ratio',
      help: 'Rolling correlation of the returns of two symbols (portfolio book, -1..1)',
      labelNames: ['symbol', 'other'] as const,
      registers: [registry],
    }),
    riskDecisions: new Counter({
      name: 'bybot_risk_decisions_total',
      help: 'Risk decisions on entry signals: allowed, or denied with a code',
      labelNames: ['symbol', 'strategy', 'result', 'code'] as const,
      registers: [registry],
    }),
    orders: new Counter({
      name: 'bybot_orders_total',
      help: 'Entry orders submitted, by result',
      labelNames: ['symbol', 'strategy', 'side', 'result'] as const,
      registers: [registry],
    }),
    escalations: new Counter({
      name: 'bybot_escalations_total',
      help: 'Escalations by level (strategy, symbol, system) and kind',
      labelNames: ['level', 'kind', 'code'] as const,
      registers: [registry],
    }),
    apiRequests: new Histogram({
      name: 'bybot_exchange_request_duration_seconds',
      help: 'Exchange API call latency by operation and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    apiErrors: new Counter({
      name: 'bybot_exchange_errors_total',
      help: 'Exchange API errors by operation and error code',
      labelNames: ['operation', 'code'] as const,
      registers: [registry],
    }),
    tradingHalted: new Gauge({
      name: 'bybot_trading_halted',
      help: '1 while trading is HALTED (emergency stop or shutdown), else 0',
      registers: [registry],
    }),
    equity: new Gauge({
      name: 'bybot_account_equity',
      help: 'Account equity in the settlement coin (USDT)',
      registers: [registry],
    }),
    openPositions: new Gauge({
      name: 'bybot_open_positions',
      help: 'Open positions on the account',
      registers: [registry],
    }),
    channelAlerts: new Counter({
      name: 'bybot_channel_alerts_total',
      help: 'Exchange channel degradation alerts (DNS, timeouts, rate limit, balance 0, failover...), by channel, reason and priority',
      labelNames: ['channel', 'reason', 'priority'] as const,
      registers: [registry],
    }),
    marketDataCache: new Counter({
      name: 'bybot_market_data_cache_total',
      help: 'Market-data cache lookups: hit (fresh), miss (fetched), stale (last good data served while the API failed)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    exchangeEndpointUp: new Gauge({
      name: 'bybot_exchange_endpoint_up',
      help: '1 while a REST endpoint is considered healthy, 0 while it is failed over',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
    exchangeRetries: new Counter({
      name: 'bybot_exchange_retries_total',
      help: 'Retries of transient exchange failures, by operation and error code',
      labelNames: ['operation', 'code'] as const,
      registers: [registry],
    }),
    disabledStrategies: new Gauge({
      name: 'bybot_disabled_strategies',
      help: 'Strategy actors disabled at escalation level 2',
      registers: [registry],
    }),
    orderQueueDepth: new Gauge({
      name: 'bybot_order_queue_depth',
      help: 'Order jobs waiting or running in the per-account order queue',
      registers: [registry],
    }),
    journalSizeBytes: new Gauge({
      name: 'bybot_journal_size_bytes',
      help: 'Size of the SQLite trade journal (database plus WAL)',
      registers: [registry],
    }),
    openOrders: new Gauge({
      name: 'bybot_open_orders',
      help: 'Open orders on the account (ours and foreign, excluding position stops)',
      registers: [registry],
    }),
    rateLimitSamplers,
    mlCaches,
    mlCacheEntries: new Gauge({
      name: 'bybot_ml_cache_entries',
      help: 'Entries held by an ML filter cache (cache="model" or "feature"), bounded by ml.cache.maxEntries',
      labelNames: ['cache'] as const,
      registers: [registry],
      collect() {
        for (const c of mlCaches) this.set({ cache: c.name }, c.stats().entries);
      },
    }),
    mlCacheBytes: new Gauge({
      name: 'bybot_ml_cache_bytes',
      help: 'Bytes held by an ML filter cache, bounded by ml.cache.maxBytes',
      labelNames: ['cache'] as const,
      registers: [registry],
      collect() {
        for (const c of mlCaches) this.set({ cache: c.name }, c.stats().bytes);
      },
    }),
    bybitHttpRequests: new Counter({
      name: 'bybot_bybit_http_requests_total',
      help: 'Bybit REST requests per base URL and path, by result (ok, ret_<retCode>, rate_limited, timeout, connect, dns, http, server)',
      labelNames: ['endpoint', 'path', 'result'] as const,
      registers: [registry],
    }),
    bybitHttpDuration: new Histogram({
      name: 'bybot_bybit_http_request_duration_seconds',
      help: 'Bybit REST request latency per base URL and path (one HTTP attempt, wall time)',
      labelNames: ['endpoint', 'path'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'bybot_rate_limit_remaining',
      help: 'Requests left in a rate-limit budget: source="server" from X-Bapi-Limit-Status, source="local" from our own buckets and windows',
      labelNames: ['group', 'source'] as const,
      registers: [registry],
      collect() {
        for (const sample of rateLimitSamplers) for (const r of sample()) this.set({ group: r.group, source: 'local' }, r.remaining);
      },
    }),
    rateLimitHeadroom: new Gauge({
      name: 'bybot_rate_limit_headroom_ratio',
      help: 'Local rate-limit budget left as a fraction of the limit (0 = exhausted, 1 = unused)',
      labelNames: ['group'] as const,
      registers: [registry],
      collect() {
        for (const sample of rateLimitSamplers) for (const r of sample()) this.set({ group: r.group }, r.limit > 0 ? r.remaining / r.limit : 0);
      },
    }),
    wsReconnects: new Counter({
      name: 'bybot_ws_reconnects_total',
      help: 'WebSocket reconnections completed by the SDK (public or private stream)',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    ...cockpitMetrics(registry),
    exchangeEndpointActive: new Gauge({
      name: 'bybot_exchange_endpoint_active',
      help: '1 for the REST endpoint currently in use, 0 for the others',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
