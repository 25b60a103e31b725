import type { LoadResult } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { AlertService } from '../alerts/alertService.ts';
import { AlertSources, type BybitAlertFeeds } from '../alerts/alertSources.ts';
import { DeliveryQueue, type AlertChannel } from '../alerts/delivery.ts';
import { webhookChannel } from '../alerts/channels/webhook.ts';
import { SystemClock } from '../clock/systemClock.ts';
import { LiveConfig } from '../control/liveConfig.ts';
import { OperatorControl } from '../control/operatorControl.ts';
import { ConfigReloader } from '../control/reloader.ts';
import { ShadowRun } from '../control/shadow/shadowRun.ts';
import { hashString, mulberry32 } from '../core/rng.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { DashboardFrames } from '../dashboard/frame.ts';
import { CockpitStore } from '../journal/cockpitStore.ts';
import type { Journal } from '../journal/journal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { StrategyStats } from '../observability/strategyStats.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import { portfolioView } from '../http/portfolioView.ts';
import { portfolioPanel } from '../dashboard/portfolioPanel.ts';
import type { TelegramAdmin } from '../telegram/adminBot.ts';
import { cockpitView } from './cockpitView.ts';
import { TradeStats } from './tradeStats.ts';
import type { CockpitActions, CockpitView } from './types.ts';

/**
 * The operator's cockpit (GitHub issue 11), composed from the app's parts: the alert
 * engine and its sources, delivery to Telegram and the webhook, the Telegram admin bot,
 * operator controls, configuration reload with its shadow phase, and the dashboard feed.
 * Everything here observes the runtime or sends it events; nothing sits on the trading
 * path, and a dead channel never blocks it.
 */
export interface CockpitParts {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The bot's clock (simulated in dry-run): alert times, throttling, shadow duration. */
  readonly clock: Clock;
  /** Wall clock: sampling, delivery retries, Telegram pacing. */
  readonly timers?: Clock;
  readonly metrics: Metrics;
  readonly runtime: Runtime;
  readonly health: { eventLoopLagMs(): number };
  readonly journal?: Journal;
  readonly bybit?: BybitAlertFeeds;
  readonly exchange: ExchangePort;
  readonly venue: string;
  /** Re-reads the configuration as npm start did; absent: reloads are refused with the reason. */
  readonly reloadConfig?: () => LoadResult;
}

export interface Cockpit {
  readonly live: LiveConfig;
  readonly alerts: AlertService;
  readonly sources: AlertSources;
  readonly delivery: DeliveryQueue;
  readonly reloader: ConfigReloader;
  readonly control: OperatorControl;
  readonly view: CockpitView;
  readonly actions: CockpitActions;
  readonly telegram: TelegramAdmin | null;
  readonly dashboard: DashboardFrames;
  readonly store: CockpitStore | null;
  start(): void;
  stop(): Promise<void>;
}

export async function createCockpit(p: CockpitParts): Promise<Cockpit> {
  const timers = p.timers ?? new SystemClock();
  const live = new LiveConfig(p.config);
  const store = p.journal ? new CockpitStore(p.journal) : null;
  const stats = new StrategyStats(p.config.alerts.thresholds.latencyWindow, 500, p.metrics.signalFactor);
  stats.follow(p.runtime.registry);
  const control = new OperatorControl({ runtime: p.runtime, live, clock: p.clock, logger: p.logger });
  let reloader: ConfigReloader | undefined;
  const actions: CockpitActions = {
    halt: (reason, source) => control.halt(reason, source),
    resume: (source) => control.resume(source),
    setEnabled: (target, enabled, reason, source) => control.setEnabled(target, enabled, reason, source),
    reload: async (trigger) => reloader!.reload(trigger),
  };

  // The view needs the alert service, which needs the channels, which include Telegram, which needs the view.
  let view: CockpitView | undefined;
  const lazyView: CockpitView = { status: () => view!.status(), openOrders: () => view!.openOrders(), presets: () => view!.presets(), recentAlerts: (n) => view!.recentAlerts(n) };
  // grammY is loaded only when the admin bot is enabled.
  const telegram = p.config.telegram.enabled
    ? new (await import('../telegram/adminBot.ts')).TelegramAdmin({ settings: () => live.get().telegram, view: lazyView, actions, logger: p.logger.child({ component: 'telegram' }), timers })
    : null;
  const alertsConfig = () => live.get().alerts;
  const channels: AlertChannel[] = [
    webhookChannel({ url: () => alertsConfig().webhook.url, secret: () => alertsConfig().webhook.secret, timeoutMs: () => alertsConfig().webhook.timeoutMs }),
    ...(telegram ? [telegram.alertChannel()] : []),
  ];
  const delivery = new DeliveryQueue({ store, channels, timers, logger: p.logger, settings: () => alertsConfig().delivery, counter: p.metrics.alertDeliveries });
  const alerts = new AlertService({ settings: alertsConfig, clock: p.clock, timers, logger: p.logger, store, delivery, metrics: p.metrics });
  view = cockpitView({ runtime: p.runtime, live, alerts, stats, trades: new TradeStats(p.journal, p.logger), clock: p.clock, venue: p.venue, metrics: p.metrics });

  const thresholds = () => {
    const c = live.get();
    return { ...c.alerts.thresholds, staleDataMs: c.alerts.thresholds.staleDataMs || c.actor.maxStalenessMs, journalSizeBytes: c.journal.sizeAlertMb * 1e6 };
  };
  const sources = new AlertSources({
    runtime: p.runtime,
    service: alerts,
    stats,
    health: p.health,
    ...(p.journal ? { journalBytes: () => p.journal!.sizeBytes() } : {}),
    ...(p.bybit ? { bybit: p.bybit } : {}),
    clock: p.clock,
    timers,
    logger: p.logger,
    metrics: p.metrics,
    thresholds,
    evaluateIntervalMs: () => alertsConfig().evaluateIntervalMs,
    apiKeyCheckMs: () => alertsConfig().apiKeyCheckMs,
  });

  const random = mulberry32(hashString(`shadow:${p.config.simulator.seed}`));
  reloader = new ConfigReloader({
    load: p.reloadConfig ?? (() => ({ ok: false, problems: ['this bot was started without a configuration source to re-read'] })),
    live,
    reconfigure: (config, correlationId) => p.runtime.reconfigure(config, correlationId),
    clock: p.clock,
    logger: p.logger,
    store,
    observe: (observations) => alerts.observe(observations),
    count: (result) => p.metrics.configReloads.inc({ result }),
    startShadow: ({ candidate, plan, diff, durationMs, onExpire }) =>
      new ShadowRun({
        current: live.get(),
        candidate,
        plan,
        changes: diff.changes,
        versions: { current: live.version(), candidate: new LiveConfig(candidate).version() },
        exchange: p.exchange,
        clock: p.clock,
        random,
        resolveStrategy: getStrategy,
        initialEquity: view!.status().equity ?? p.config.simulator.initialBalance,
        paper: { takerFeeRate: p.config.simulator.takerFeeRate, slippageBps: p.config.simulator.slippageBps },
        durationMs,
        liveRegistry: p.runtime.registry,
        logger: p.logger,
        onExpire,
      }),
  });
  live.onChange((c) => {
    p.logger.level = c.log.level;
    stats.setLatencyWindow(c.alerts.thresholds.latencyWindow);
  });

  const dashboard = new DashboardFrames({
    view,
    stats,
    cache: p.metrics.marketDataCache,
    eventLoopLagMs: () => p.health.eventLoopLagMs(),
    clock: p.clock,
    thresholds: () => live.get().alerts.thresholds,
    venue: p.venue,
    // The same figures as GET /portfolio.
    portfolio: () => portfolioPanel(portfolioView(p.runtime)),
  });

  // Retention of the cockpit's journal tables, once a day (wall clock), on the journal's setting.
  let pruneTimer: unknown;
  const prune = (): void => {
    try {
      const removed = store?.prune(p.clock.now() - live.get().journal.retentionDays * 86_400_000) ?? {};
      const total = Object.values(removed).reduce((a, b) => a + b, 0);
      if (total > 0) p.logger.info({ event: 'journal_retention', removed }, `journal retention removed ${total} cockpit row(s)`);
    } catch (error) {
      p.logger.warn({ event: 'journal_retention_failed', err: error instanceof Error ? error.message : String(error) }, 'cockpit journal retention failed');
    }
    pruneTimer = timers.setTimeout(prune, 86_400_000);
    (pruneTimer as { unref?: () => void } | undefined)?.unref?.();
  };

  return {
    live,
    alerts,
    sources,
    delivery,
    reloader,
    control,
    view,
    actions,
    telegram,
    dashboard,
    store,
    start() {
      sources.start();
      // Deliveries the previous run could not make are retried now.
      delivery.kick();
      telegram?.start();
      if (store) prune();
    },
    async stop() {
      timers.clearTimeout(pruneTimer);
      sources.stop();
      reloader!.stop();
      stats.stop();
      // In-flight deliveries get a grace period; what is not delivered stays pending in the journal.
      await delivery.stop();
      await telegram?.stop();
    },
  };
}
