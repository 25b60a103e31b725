import { DAY, HOUR, T0, run, trade } from '../support/backtestRun.ts';

const BTC = 'BTCUSDT';
const ETH = 'ETHUSDT';

/**
 * Three days from 2024-01-01T00:00Z, 1,000 USDT. Two presets:
 *   p1 on BTC: +27 (gross 30, fees 2, funding 1; R 1.35) then -40 (gross -40, fees 2, funding -2; R -2)
 *   p2 on ETH: +24 (exit at exactly 00:00 of Jan 3, so it closes Jan 2; R 1.5) then +9 (R 0.9)
 * The account's marks (equity, exposure) follow the trades, with an unrealised peak of 1,050
 * at 04:00 on day 1 and a trough of 970 at 18:00 on day 2.
 */
export const handRun = run({
  from: T0,
  to: T0 + 3 * DAY,
  startEquity: 1000,
  presets: [
    { id: 'p1', type: 'range', symbols: [BTC] },
    { id: 'p2', type: 'multiTimeframe', symbols: [ETH] },
  ],
  trades: [
    trade({ seq: 1, presetId: 'p1', symbol: BTC, entryTime: T0 + 2 * HOUR, exitTime: T0 + 6 * HOUR, grossPnl: 30, fees: 2, funding: 1, riskAmount: 20 }),
    trade({ seq: 2, presetId: 'p1', symbol: BTC, side: 'short', entryTime: T0 + DAY + 2 * HOUR, exitTime: T0 + DAY + 10 * HOUR, grossPnl: -40, fees: 2, funding: -2, riskAmount: 20 }),
    trade({ seq: 3, presetId: 'p2', strategyType: 'multiTimeframe', symbol: ETH, entryTime: T0 + DAY + 12 * HOUR, exitTime: T0 + 2 * DAY, grossPnl: 25, fees: 1, riskAmount: 16 }),
    trade({ seq: 4, presetId: 'p2', strategyType: 'multiTimeframe', symbol: ETH, entryTime: T0 + 2 * DAY + 6 * HOUR, exitTime: T0 + 2 * DAY + 12 * HOUR, grossPnl: 10, fees: 1, riskAmount: 10 }),
  ],
  marks: [
    { t: T0 + 2 * HOUR, equity: 1000, exposure: 500 },
    { t: T0 + 4 * HOUR, equity: 1050, exposure: 500 },
    { t: T0 + 6 * HOUR, equity: 1027 },
    { t: T0 + DAY + 2 * HOUR, equity: 1027, exposure: 800 },
    { t: T0 + DAY + 10 * HOUR, equity: 987 },
    { t: T0 + DAY + 12 * HOUR, equity: 987, exposure: 600 },
    { t: T0 + DAY + 18 * HOUR, equity: 970, exposure: 600 },
    { t: T0 + 2 * DAY, equity: 1011 },
    { t: T0 + 2 * DAY + 6 * HOUR, equity: 1011, exposure: 400 },
    { t: T0 + 2 * DAY + 12 * HOUR, equity: 1020 },
  ],
  pauses: [
    { kind: 'pause', from: T0 + DAY + 10 * HOUR, until: T0 + 2 * DAY, reason: 'daily loss limit', code: 'DAILY_LOSS_LIMIT', equity: 987, dayStartEquity: 1027 },
    { kind: 'halt', from: T0 + 2 * DAY + 12 * HOUR, until: null, reason: 'disabled', code: 'STRATEGY_FAILED', equity: 1020, dayStartEquity: 1011, symbol: ETH, presetId: 'p2' },
  ],
  candlesProcessed: 216,
  elapsedMs: 4,
});
