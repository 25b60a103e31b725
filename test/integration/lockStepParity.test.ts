import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { AppConfig } from '../../config/schema.ts';
import { startApp } from '../../src/app.ts';
import { runActorEngine } from '../../src/backtest/actorEngine.ts';
import { TradeBook } from '../../src/backtest/tradeBook.ts';
import type { BacktestTrade } from '../../src/backtest/types.ts';
import type { LockStepClock } from '../../src/clock/lockStepClock.ts';
import { planSimulatorReplay } from '../../src/exchange/simulatorReplay.ts';
import { openHistoryStore } from '../../src/history/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { syntheticCandles } from '../history/support.ts';

/**
 * The acceptance test of issue 14's lock-step time: `npm start -- --exchange inproc` with
 * `simulator.clock: lockstep` (the whole app: config, buildExchange, runtime with its
 * supervisors and order manager, journal, HTTP server) makes exactly the trades
 * `npm run backtest -- --engine actors` makes for the same seed, and for the same stored
 * history: entry and exit times, sides, quantities, prices, fees, funding, exit reasons.
 */

const PRESETS = [
  { id: 'range-v1', type: 'range', symbols: ['BTCUSDT', 'ETHUSDT'] },
  { id: 'mtf-v1', type: 'multiTimeframe', symbols: ['BTCUSDT', 'ETHUSDT'] },
  { id: 'vwap-v1', type: 'volumeVwap', symbols: ['BTCUSDT', 'ETHUSDT'] },
];

function config(simulator: Record<string, unknown>): AppConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'bybot-lockstep-'));
  const loaded = loadConfig({
    env: {},
    overrides: {
      log: { level: 'silent' },
      http: { port: 0 },
      journal: { dataDir },
      exchange: { transport: 'inproc' },
      risk: { dailyLossLimitPct: 2 },
      strategies: PRESETS,
      simulator: { clock: 'lockstep', speed: 100_000, ...simulator },
    },
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
}

/** What both runs must agree on (the backtest adds the signal behind each entry, which the app's fills do not carry). */
function comparable(trades: readonly BacktestTrade[]) {
  return trades.map((t) => ({
    symbol: t.symbol,
    side: t.side,
    qty: t.qty,
    entryTime: t.entryTime,
    entryPrice: t.entryPrice,
    exitTime: t.exitTime,
    exitPrice: t.exitPrice,
    exitReason: t.exitReason,
    fees: t.fees,
    funding: t.funding,
    netPnl: t.netPnl,
    orderLinkId: t.orderLinkId,
  }));
}

/** Runs the app on the lock-step clock to the end of its replay; the trades from the simulator's fills. */
async function runApp(cfg: AppConfig): Promise<{ trades: BacktestTrade[]; to: number }> {
  const replay = (await planSimulatorReplay(cfg))!;
  const to = replay.input.to;
  const app = await startApp({ config: cfg, logger: createLogger({ level: 'silent', pretty: 'never' }), listen: false });
  const sim = app.simulator!;
  const book = new TradeBook();
  sim.engine.on('execution', (e) => book.fill({ symbol: e.symbol, side: e.side, qty: e.execQty, price: e.execPrice, fee: e.execFee, time: e.execTime, kind: e.stopOrderType, orderLinkId: e.orderLinkId }));
  sim.engine.on('funding', (f) => book.funding(f.symbol, f.payment));
  const clock = app.clock as LockStepClock;
  // The paced driver stops before the first timer after the end of the replay.
  while ((clock.nextTimerAt() ?? 0) <= to) await new Promise((resolve) => setTimeout(resolve, 20));
  await clock.settle();
  await app.stop();
  book.closeAll(to, (symbol) => sim.market.markAt(symbol, to));
  return { trades: book.trades(), to };
}

describe('lock-step npm start makes the trades of the actor backtest engine', () => {
  it('on the seeded synthetic market (same seed, same start)', async () => {
    const cfg = config({ seed: 42, startTime: '2026-01-05T00:00:00Z', history: { to: '2026-01-06T12:00:00Z' } });
    const app = await runApp(cfg);
    const actors = await runActorEngine((await planSimulatorReplay(cfg))!.input);
    expect(actors.trades.length).toBeGreaterThanOrEqual(5);
    expect(new Set(actors.trades.map((t) => t.exitReason)).size).toBeGreaterThanOrEqual(2);
    expect(comparable(app.trades)).toEqual(comparable(actors.trades));
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ lockStepParity: { market: 'synthetic', trades: app.trades.length } }));
  }, 60_000);

  it('on stored history (the same store, series and times as npm run backtest -- --data)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bybot-lockstep-history-'));
    const store = await openHistoryStore(dir);
    const start = Date.UTC(2024, 0, 1);
    store.writeCandles('BTCUSDT', '5', syntheticCandles(1300, { from: start, interval: '5', seed: 3, symbol: 'BTCUSDT' }), 'test:synthetic');
    store.writeCandles('ETHUSDT', '5', syntheticCandles(1300, { from: start, interval: '5', seed: 9, symbol: 'ETHUSDT' }), 'test:synthetic');
    const cfg = config({ history: { series: ['BTCUSDT:5', 'ETHUSDT:5'], from: '2024-01-04T00:00:00Z', dir } });
    const app = await runApp(cfg);
    const replay = (await planSimulatorReplay(cfg))!;
    expect(replay.input.market).toBe('history');
    const actors = await runActorEngine(replay.input);
    expect(actors.trades.length).toBeGreaterThanOrEqual(3);
    expect(comparable(app.trades)).toEqual(comparable(actors.trades));
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ lockStepParity: { market: 'history', trades: app.trades.length } }));
  }, 60_000);
});
