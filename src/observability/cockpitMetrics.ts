import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Metrics of the operator's cockpit (GitHub issue 11): alerts, deliveries, reloads, and
 * the figures /dashboard shows that had no metric yet, so the Grafana dashboard
 * (deploy/grafana/bybot.json) and the Prometheus rules (deploy/prometheus/alerts.yml) can
 * show and alert on the same things.
 */
export function cockpitMetrics(registry: Registry) {
  const registers = [registry];
  return {
    alertsActive: new Gauge({ name: 'bybot_alerts_active', help: 'Alerts firing now, by priority (P1 critical, P2 warning, P3 info)', labelNames: ['priority'] as const, registers }),
    alertsRaised: new Counter({ name: 'bybot_alerts_raised_total', help: 'Alerts raised, by priority and source', labelNames: ['priority', 'source'] as const, registers }),
    alertDeliveries: new Counter({ name: 'bybot_alert_deliveries_total', help: 'Alert delivery attempts by channel and result (delivered, failed = will retry, expired = given up)', labelNames: ['channel', 'result'] as const, registers }),
    configReloads: new Counter({ name: 'bybot_config_reloads_total', help: 'Configuration reloads by result (applied, unchanged, refused, invalid, shadow, promoted, rolled_back)', labelNames: ['result'] as const, registers }),
    signalFactor: new Histogram({
      name: 'bybot_signal_factor',
      help: 'Confluence factor values (0..1) of entry signals, per strategy preset and factor',
      labelNames: ['strategy', 'factor'] as const,
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    }),
    pnlToday: new Gauge({ name: 'bybot_account_pnl_today', help: 'Equity change since the start of the UTC day (USDT)', registers }),
    positionSize: new Gauge({ name: 'bybot_position_size', help: 'Open position size per symbol and side (base coin)', labelNames: ['symbol', 'side'] as const, registers }),
    positionStopLoss: new Gauge({ name: 'bybot_position_stop_loss', help: 'Stop-loss price of the open position per symbol (0 = none)', labelNames: ['symbol', 'side'] as const, registers }),
    positionsUnprotected: new Gauge({ name: 'bybot_positions_unprotected', help: 'Open positions without a stop-loss', registers }),
    marketDataLag: new Gauge({ name: 'bybot_market_data_lag_seconds', help: 'How far the newest closed candle the running actors of a symbol saw lags behind the newest candle closed by now (bot clock; one interval right after a close)', labelNames: ['symbol'] as const, registers }),
    clockOffset: new Gauge({ name: 'bybot_exchange_clock_offset_seconds', help: 'Exchange clock minus the local wall clock, as measured by the REST heartbeat (signatures are corrected by it)', registers }),
    apiKeyExpiry: new Gauge({ name: 'bybot_api_key_expiry_seconds', help: 'Seconds until the API key expires (absent when it never expires)', registers }),
    reconciliationMismatches: new Gauge({ name: 'bybot_reconciliation_mismatches', help: 'Mismatches found by the last start-up reconciliation (adopted, never reached, foreign orders, unprotected positions)', registers }),
    strategyClosedTrades: new Gauge({ name: 'bybot_strategy_closed_trades', help: 'Closed trades in the journal per strategy preset', labelNames: ['strategy'] as const, registers }),
    strategyWinningTrades: new Gauge({ name: 'bybot_strategy_winning_trades', help: 'Closed trades with a positive net PnL per strategy preset', labelNames: ['strategy'] as const, registers }),
    strategyNetPnl: new Gauge({ name: 'bybot_strategy_net_pnl', help: 'Net PnL of the closed trades in the journal per strategy preset (USDT)', labelNames: ['strategy'] as const, registers }),
  };
}
