import type { AppConfig } from '../../config/schema.ts';
import { OrderManager } from '../orders/orderManager.ts';
import type { OrderEventSink } from '../orders/orderEvents.ts';
import { fanOut, loggingOrderSink } from '../orders/loggingSink.ts';
import type { AccountTracker } from './accountTracker.ts';
import type { IoActorDeps } from './ioActors.ts';
import type { InstrumentCache } from './instrumentCache.ts';
import { AccountView } from './market/accountView.ts';
import { pollingCandleSource } from './market/candleSource.ts';
import { MarketHub, type PortfolioAllocations } from './market/marketHub.ts';
import type { MarketFreshness } from './marketFreshness.ts';
import type { RuntimeOptions } from './runtimeOptions.ts';
import type { TradingGate } from './tradingGate.ts';

/** What the runtime shares with its market hub and order manager. */
export interface TradingShared {
  readonly options: RuntimeOptions;
  readonly gate: TradingGate;
  readonly account: AccountTracker;
  readonly instruments: InstrumentCache;
  readonly freshness: MarketFreshness;
  readonly portfolio: PortfolioAllocations | null;
  /** The configuration in force (a reload can change the risk limits read at each order). */
  readonly live: () => AppConfig;
}

/**
 * The account view the actors and the order path read (kept by the private streams) and the
 * market hub that answers the actors' requests from the kline buffers, REST when needed.
 */
export function createMarket(s: TradingShared): { readonly view: AccountView; readonly market: MarketHub } {
  const { exchange, clock, logger, metrics, config } = s.options;
  const view = new AccountView({
    exchange,
    clock,
    streamedMaxAgeMs: s.options.accountStreamedMaxAgeMs ?? 60_000,
    polledMaxAgeMs: s.options.accountPolledMaxAgeMs ?? 1_000,
  });
  const market = new MarketHub({
    exchange,
    clock,
    gate: s.gate,
    account: s.account,
    instruments: s.instruments,
    view,
    source: s.options.candleSource ?? pollingCandleSource({ exchange, clock, confirmDelayMs: config.actor.tickDelayMs, logger }),
    ...(s.options.dispatchSliceMs === undefined ? {} : { sliceMs: s.options.dispatchSliceMs }),
    onRequest: countRequest(metrics),
    freshness: s.freshness,
    portfolio: s.portfolio,
  });
  return { view, market };
}

/**
 * The account's order manager. Its events go to the log, the journal, the caller's sink and
 * the portfolio book; a journal write failure is reported, never allowed to fail the order.
 */
export function createOrders(s: TradingShared, view: AccountView, sinks: readonly OrderEventSink[], onSinkError: (error: unknown) => void): OrderManager {
  const { exchange, clock, logger, metrics, random, config } = s.options;
  const { live, instruments } = s;
  return new OrderManager({
    exchange,
    clock,
    gate: s.gate,
    random,
    instrument: (symbol) => instruments.get(symbol),
    cachedInstrument: (symbol, at) => instruments.peek(symbol, at),
    // Read at each order: a reload can change risk limits.
    get maxLeverage() {
      return live().risk.maxLeverage;
    },
    queueObserver: { depthChanged: (depth) => metrics.orderQueueDepth.set(depth) },
    instrumentChanged: (symbol) => instruments.invalidate(symbol),
    ...(s.options.lastPrice ? { lastPrice: s.options.lastPrice } : {}),
    // Backtests and lock-step read the venue exactly (polled age 0): one order at a time, over REST.
    ...(s.options.admitEntry || s.options.accountPolledMaxAgeMs === 0 ? {} : { account: view, maxConcurrentSymbols: config.orders.maxConcurrentSymbols }),
    protectDeadlineMs: config.orders.protectDeadlineMs,
    staleOrderTtlMs: config.orders.staleOrderTtlMs,
    events: fanOut([loggingOrderSink(logger), ...(s.options.journal ? [s.options.journal] : []), ...(s.options.orderEvents ? [s.options.orderEvents] : []), ...sinks], onSinkError),
    ...(s.options.admitEntry ? { admit: s.options.admitEntry } : {}),
  });
}

/** What the machines' I/O actors (entries, the account watch, cancels, the shutdown drain) are bound to. */
export function createIoDeps(s: TradingShared, orders: OrderManager, onDrained: (problems: readonly string[]) => void): IoActorDeps {
  const { exchange, clock, logger, metrics, config } = s.options;
  const { live } = s;
  return {
    exchange,
    clock,
    gate: s.gate,
    account: s.account,
    instruments: s.instruments,
    executor: orders,
    logger,
    metrics,
    accountCheckMs: config.supervision.accountCheckMs,
    // Read at each check: a reload can change the daily loss rule.
    get dailyLossLimitPct() {
      return live().risk.dailyLossLimitPct;
    },
    get dailyLossAction() {
      return live().risk.dailyLossAction;
    },
    shutdownDeadlineMs: config.shutdown.deadlineMs,
    cancelOpenOrdersOnShutdown: config.shutdown.cancelOpenOrders,
    onDrained,
  };
}

/** The market-request counter by source, its two labelled children made once (every cycle of every actor counts). */
function countRequest(metrics: TradingShared['options']['metrics']): (source: 'memory' | 'rest') => void {
  const memory = metrics.marketRequests.labels({ source: 'memory' });
  const rest = metrics.marketRequests.labels({ source: 'rest' });
  return (source) => (source === 'memory' ? memory : rest).inc();
}
