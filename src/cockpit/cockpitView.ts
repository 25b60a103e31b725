import { ORDER_LINK_PREFIX } from '../core/orders/orderLinkId.ts';
import type { AlertService } from '../alerts/alertService.ts';
import type { LiveConfig } from '../control/liveConfig.ts';
import type { Clock } from '../ports/clock.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { StrategyStats } from '../observability/strategyStats.ts';
import type { Runtime } from '../runtime/createRuntime.ts';
import type { TradeStats } from './tradeStats.ts';
import type { CockpitStatus, CockpitView, OrderView, PresetRow } from './types.ts';

/** The read side of the cockpit over the runtime's read models (nothing here touches an actor). */
export function cockpitView(o: {
  readonly runtime: Pick<Runtime, 'registry' | 'snapshot' | 'gate' | 'accountSnapshot' | 'account'>;
  readonly live: LiveConfig;
  readonly alerts: AlertService;
  readonly stats: StrategyStats;
  readonly trades: TradeStats;
  readonly clock: Clock;
  readonly venue: string;
  readonly metrics?: Metrics;
}): CockpitView {
  const { runtime } = o;
  const equityNow = (): number | null => runtime.accountSnapshot?.equity ?? runtime.account.lastEquity()?.equity ?? null;
  return {
    status(): CockpitStatus {
      const now = o.clock.now();
      const snapshot = runtime.snapshot();
      const disabled = snapshot.context.disabled;
      const actorsByState: Record<string, number> = {};
      let disabledActors = 0;
      for (const entry of runtime.registry.list()) {
        if (disabled[entry.actorId]) {
          disabledActors++;
          continue;
        }
        const state = entry.status === 'active' ? entry.state : 'stopped';
        actorsByState[state] = (actorsByState[state] ?? 0) + 1;
      }
      const equity = equityNow();
      return {
        mode: o.live.get().mode,
        venue: o.venue,
        now,
        tradingState: runtime.gate.current(),
        haltReason: snapshot.context.halt?.reason ?? (runtime.gate.haltReason() || null),
        equity,
        pnlToday: equity === null ? null : equity - runtime.account.dayStartEquity(now),
        positions: (runtime.accountSnapshot?.positions ?? []).map((p) => ({ symbol: p.symbol, side: p.side, size: p.size, avgPrice: p.avgPrice, stopLoss: p.stopLoss, takeProfit: p.takeProfit, unrealisedPnl: p.unrealisedPnl })),
        actorsByState,
        disabledActors,
        alerts: o.alerts.active(),
        configVersion: o.live.version(),
      };
    },
    openOrders(): OrderView[] {
      return (runtime.accountSnapshot?.openOrders ?? [])
        .filter((x) => x.orderLinkId.startsWith(ORDER_LINK_PREFIX))
        .map((x) => ({ symbol: x.symbol, orderLinkId: x.orderLinkId, side: x.side, orderType: x.orderType, price: x.price, qty: x.qty, status: x.status }));
    },
    presets(): PresetRow[] {
      const trades = o.trades.byPreset();
      const disabled = runtime.snapshot().context.disabled;
      const entries = runtime.registry.list();
      const rows = o.live.get().strategies.map((p): PresetRow => {
        const mine = entries.filter((e) => e.presetId === p.id);
        const t = trades.get(p.id) ?? { trades: 0, wins: 0, netPnl: 0 };
        return {
          preset: p.id,
          strategyType: p.type,
          enabled: p.enabled,
          actors: mine.length,
          running: mine.filter((e) => e.status === 'active' && !disabled[e.actorId]).length,
          signals: o.stats.entrySignals(p.id),
          trades: t.trades,
          wins: t.wins,
          winRatePct: t.trades > 0 ? (t.wins / t.trades) * 100 : null,
          netPnl: t.netPnl,
        };
      });
      if (o.metrics) {
        for (const r of rows) {
          o.metrics.strategyClosedTrades.set({ strategy: r.preset }, r.trades);
          o.metrics.strategyWinningTrades.set({ strategy: r.preset }, r.wins);
          o.metrics.strategyNetPnl.set({ strategy: r.preset }, r.netPnl);
        }
      }
      return rows;
    },
    recentAlerts(limit) {
      return o.alerts.recent(limit).map((c) => ({ type: c.type, at: c.at, text: c.text }));
    },
  };
}
