import { fromCallback, fromPromise } from 'xstate';
import { toBybotError } from '../domain/errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import { dailyLossReached } from '../core/risk/dailyLoss.ts';
import type { EntryOrder, PlacedOrder } from '../../machines/strategy.types.ts';
import type { SystemSupervisorEvent } from '../../supervisors/system.supervisor.ts';
import { nextUtcMidnight } from '../../supervisors/system.rules.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { OrderManager } from '../orders/orderManager.ts';
import type { AccountTracker } from './accountTracker.ts';
import type { InstrumentCache } from './instrumentCache.ts';
import type { TradingGate } from './tradingGate.ts';

/**
 * XState actor logic bound to the ports: the order path, the account watch, emergency
 * cancels and the shutdown drain. (The strategy actors' market data comes from the
 * MarketHub, src/runtime/market, answered by event instead of an invoked child per cycle.)
 */
export interface IoActorDeps {
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly gate: TradingGate;
  readonly account: AccountTracker;
  readonly instruments: InstrumentCache;
  readonly executor: OrderManager;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly accountCheckMs: number;
  readonly dailyLossLimitPct: number;
  /** risk.dailyLossAction: pause new entries until 00:00 UTC, or halt (level 3). */
  readonly dailyLossAction: 'pause-until-utc-midnight' | 'halt';
  readonly shutdownDeadlineMs: number;
  readonly cancelOpenOrdersOnShutdown: boolean;
  /** Told what the shutdown drain could not finish (empty: everything finished). */
  readonly onDrained?: (problems: readonly string[]) => void;
}

export function createPlaceEntry(deps: IoActorDeps) {
  // The create request is deliberately not tied to the actor's AbortSignal: aborting a
  // request the exchange may already have executed only turns a known outcome into an
  // unknown one. The executor finishes it (tracked by the gate for shutdown).
  return fromPromise<PlacedOrder, EntryOrder>(({ input }) => deps.executor.submit(input));
}

/** Cancels our plain open orders (orderLinkId prefix), leaving position stops and foreign orders alone. */
export async function cancelOurOpenOrders(exchange: ExchangePort, signal?: AbortSignal): Promise<string> {
  const call = signal ? { signal } : undefined;
  const open = await exchange.openOrders(undefined, call);
  const ours = open.filter((o) => o.orderLinkId.startsWith(ORDER_LINK_PREFIX) && o.stopOrderType === '');
  let cancelled = 0;
  const failures: string[] = [];
  for (const order of ours) {
    try {
      await exchange.cancelOrder({ symbol: order.symbol, orderId: order.orderId }, call);
      cancelled++;
    } catch (error) {
      failures.push(`${order.orderLinkId}: ${toBybotError(error).code}`);
    }
  }
  const foreign = open.filter((o) => !o.orderLinkId.startsWith(ORDER_LINK_PREFIX) && o.stopOrderType === '').length;
  const summary = `cancelled ${cancelled} of ${ours.length} open order(s) of ours; ${foreign} foreign order(s) left untouched`;
  if (failures.length > 0) throw new Error(`${summary}; failed: ${failures.join(', ')}`);
  return summary;
}

export function createCancelOpenOrders(deps: IoActorDeps) {
  return fromPromise<string, { readonly reason: string }>(async ({ input }) => {
    const summary = await cancelOurOpenOrders(deps.exchange);
    deps.logger.warn({ event: 'emergency_cancel', reason: input.reason, summary }, `emergency stop: ${summary}`);
    return summary;
  });
}

/**
 * Shutdown within shutdown.deadlineMs (real time): half of it to let in-flight orders
 * finish, then up to 30 % to cancel our open orders; the rest is left for the final sync.
 */
export function createDrainOrders(deps: IoActorDeps) {
  return fromPromise<string, Record<string, never>>(async ({ signal }) => {
    const problems: string[] = [];
    const drainMs = Math.round(deps.shutdownDeadlineMs * 0.5);
    const drained = await deps.gate.drain(drainMs);
    let summary = drained.completed ? 'in-flight orders completed' : `${drained.pending} in-flight order(s) still pending after ${drainMs} ms`;
    if (!drained.completed) problems.push(summary);
    if (deps.cancelOpenOrdersOnShutdown) {
      try {
        summary += `; ${await cancelOurOpenOrders(deps.exchange, AbortSignal.any([signal, AbortSignal.timeout(Math.round(deps.shutdownDeadlineMs * 0.3))]))}`;
      } catch (error) {
        const problem = `cancelling open orders failed: ${toBybotError(error).message}`;
        summary += `; ${problem}`;
        problems.push(problem);
      }
    }
    deps.onDrained?.(problems);
    if (problems.length > 0) deps.logger.warn({ event: 'shutdown_drain', summary, problems }, summary);
    else deps.logger.info({ event: 'shutdown_drain', summary }, summary);
    return summary;
  });
}

/** The one sentence a daily-loss pause or halt gives (live and backtest alike). */
export function dailyLossReason(equity: number, limitPct: number, dayStartEquity: number): string {
  return `equity ${equity.toFixed(2)} is down more than ${limitPct}% from the UTC day's start ${dayStartEquity.toFixed(2)}`;
}

/** Polls the balance on the clock; alerts on balance 0, the daily loss limit and rejected credentials. */
export function createAccountWatch(deps: IoActorDeps) {
  return fromCallback<SystemSupervisorEvent>(({ sendBack }) => {
    let stopped = false;
    let handle: unknown;
    // The pause this watch already asked for: the system supervisor ignores a pause until an
    // instant it is already paused until (and a new watch starts whenever its state is
    // re-entered), so re-sending it at every check only cost a macrostep per bar in backtests.
    let pausedUntil = Number.NEGATIVE_INFINITY;
    const controller = new AbortController();
    const check = async (): Promise<void> => {
      try {
        const balance = await deps.exchange.balance({ signal: controller.signal });
        const now = deps.clock.now();
        deps.account.observe(balance.equity, now);
        deps.metrics.equity.set(balance.equity);
        const dayStart = deps.account.dayStartEquity(now);
        if (balance.equity <= 0) {
          sendBack({ type: 'ACCOUNT_ALERT', code: 'BALANCE_ZERO', reason: `account equity is ${balance.equity} ${balance.coin}`, at: now });
        } else if (dailyLossReached(dayStart, balance.equity, deps.dailyLossLimitPct)) {
          const reason = dailyLossReason(balance.equity, deps.dailyLossLimitPct, dayStart);
          if (deps.dailyLossAction === 'halt') sendBack({ type: 'ACCOUNT_ALERT', code: 'DAILY_LOSS_LIMIT', reason, at: now });
          else {
            const until = nextUtcMidnight(now);
            if (until > pausedUntil) {
              pausedUntil = until;
              sendBack({ type: 'DAILY_LOSS_PAUSE', reason, at: now, until });
            }
          }
        }
      } catch (raw) {
        if (stopped) return;
        const error = toBybotError(raw);
        if (error.level === 'system') {
          sendBack({ type: 'ACCOUNT_ALERT', code: 'AUTH_REJECTED', reason: `${error.code}: ${error.message}`, at: deps.clock.now() });
        } else {
          deps.logger.warn({ event: 'account_check_failed', code: error.code, err: error.message }, 'account check failed');
        }
      } finally {
        if (!stopped) handle = deps.clock.setTimeout(() => void check(), deps.accountCheckMs);
      }
    };
    void check();
    return () => {
      stopped = true;
      controller.abort();
      deps.clock.clearTimeout(handle);
    };
  });
}
