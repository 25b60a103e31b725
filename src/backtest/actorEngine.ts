import { performance } from 'node:perf_hooks';
import type { AppConfig } from '../../config/schema.ts';
import { LockStepClock } from '../clock/lockStepClock.ts';
import { hashString, mulberry32 } from '../core/rng.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { countInFlight } from '../exchange/inFlightPort.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { NO_ORDER_EVENTS } from '../orders/orderEvents.ts';
import { Runtime } from '../runtime/createRuntime.ts';
import { buildSystemInput } from '../runtime/systemInput.ts';
import { createReplayExchange } from '../sim/index.ts';
import type { EntryOrder } from '../../machines/strategy.types.ts';
import { EquityRecorder } from './equityRecorder.ts';
import { checkPeriodMs, type BacktestInput, type RunHooks } from './input.ts';
import { PauseLog } from './pauseLog.ts';
import { runSummary } from './runSummary.ts';
import { TradeBook } from './tradeBook.ts';
import { allocationSummary } from './allocationSummary.ts';
import { presetTradeOf } from '../portfolio/plan.ts';
import type { BacktestRun } from './types.ts';

/**
 * `--engine actors`: the stored candles replayed through the real runtime (system and symbol
 * supervisors, strategy actors, risk, order manager) against the in-process simulator fed
 * by those candles (bar-level core fill model), on a lock-step clock with zero latency.
 *
 * Two things are fixed for a backtest and documented: the account check runs once per bar
 * of the smallest interval (equity only moves at bar boundaries in a replay) and the journal
 * sync once a day (it has no journal to feed); and entries pass an admission gate that holds
 * them until every actor ticked at the same instant has decided, then admits them in actor
 * order, so that every decision sees the account as it was at the close (the fast engine's
 * ordering rule). Everything else is the live code path.
 */
export interface ActorEngineOptions extends RunHooks {
  readonly logger?: Logger;
}

class EntrySequencer {
  private pending: { readonly index: number; readonly release: () => void }[] = [];
  constructor(private readonly order: ReadonlyMap<string, number>) {}
  admit = (entry: EntryOrder): Promise<void> =>
    new Promise<void>((release) => {
      this.pending.push({ index: this.order.get(entry.actorId) ?? Number.MAX_SAFE_INTEGER, release });
    });
  /** Admits every waiting entry in actor order; true when there was one. */
  release(): boolean {
    if (this.pending.length === 0) return false;
    const batch = this.pending.sort((a, b) => a.index - b.index);
    this.pending = [];
    for (const entry of batch) entry.release();
    return true;
  }
}

export function backtestConfig(input: BacktestInput): AppConfig {
  const { config } = input;
  return {
    ...config,
    journal: { ...config.journal, enabled: false, syncIntervalMs: 86_400_000 },
    supervision: { ...config.supervision, accountCheckMs: checkPeriodMs(input) },
    log: { ...config.log, level: 'silent' },
  };
}

export async function runActorEngine(input: BacktestInput, options: ActorEngineOptions = {}): Promise<BacktestRun> {
  const started = performance.now();
  const config = backtestConfig(input);
  const { from, to } = input;
  const system = buildSystemInput(config, from);
  const actorOrder = new Map(system.symbols.flatMap((s) => s.children).map((c, i) => [c.actorId, i] as const));
  const sequencer = new EntrySequencer(actorOrder);

  let counter: ReturnType<typeof countInFlight> | undefined;
  const clock = new LockStepClock(from, () => (counter?.inFlight() ?? 0) > 0, () => sequencer.release());
  const sim = createReplayExchange({
    clock,
    seed: config.simulator.seed,
    symbols: new Map([...input.data].map(([symbol, d]) => [symbol, { instrument: d.instrument, series: d.series, funding: d.funding }])),
    initialBalance: config.simulator.initialBalance,
    takerFeeRate: config.simulator.takerFeeRate,
    makerFeeRate: config.simulator.makerFeeRate,
    slippageBps: config.simulator.slippageBps,
  });
  counter = countInFlight(sim.port);

  const book = new TradeBook();
  const funding = new Map<string, { settlements: number; total: number }>();
  sim.engine.on('execution', (e) => book.fill({ symbol: e.symbol, side: e.side, qty: e.execQty, price: e.execPrice, fee: e.execFee, time: e.execTime, kind: e.stopOrderType, orderLinkId: e.orderLinkId }));
  sim.engine.on('funding', (f) => {
    book.funding(f.symbol, f.payment);
    const c = funding.get(f.symbol) ?? { settlements: 0, total: 0 };
    funding.set(f.symbol, { settlements: c.settlements + 1, total: Number((c.total + f.payment).toFixed(8)) });
  });

  const logger = options.logger ?? createLogger({ level: 'silent', pretty: 'never' });
  const runtime = new Runtime({
    config,
    exchange: counter.port,
    clock,
    logger,
    metrics: createMetrics(),
    random: mulberry32(hashString(`runtime:${config.simulator.seed}`)),
    resolveStrategy: getStrategy,
    admitEntry: sequencer.admit,
    observeActors: false,
    closedTrades: () => book.trades().map(presetTradeOf),
    orderEvents: {
      ...NO_ORDER_EVENTS,
      intent: (order) =>
        book.noteEntry(order.orderLinkId, {
          presetId: order.presetId,
          strategyType: order.strategyType,
          signalCandleStart: order.candleStart,
          stopLoss: order.entry.stopLoss,
          takeProfit: order.entry.takeProfit,
          score: order.signal.score,
          factors: order.signal.factors,
          signalMode: order.signal.mode,
          regime: order.signal.regime ?? 'unknown',
        }),
    },
  });
  const pauses = new PauseLog(config.risk.dailyLossLimitPct, runtime.account, () => sim.engine.balance().equity);
  runtime.root.on('escalation', (event) => pauses.onRecord(event.record));

  const equity = new EquityRecorder();
  const sample = (time: number): void => {
    const balance = sim.engine.balance();
    let exposure = 0;
    for (const p of sim.engine.positions()) exposure += p.size * p.markPrice;
    equity.record(time, balance.equity, exposure);
  };
  const grid = checkPeriodMs(input);
  runtime.start();
  await clock.settle();
  sample(from);
  let batches = 0;
  await clock.runUntil(to, (time) => {
    if ((time - from) % grid === 0) sample(time);
    if ((++batches & 0xff) === 0) options.onProgress?.(time);
  });
  await runtime.stop();
  await clock.settle();
  sample(to);
  pauses.finish(to);
  book.closeAll(to, (symbol) => sim.market.markAt(symbol, to));
  return runSummary({
    engine: 'actors',
    input,
    startEquity: config.simulator.initialBalance,
    endEquity: sim.engine.balance().equity,
    trades: book.trades(),
    equity: equity.series(),
    pauses: pauses.records,
    elapsedMs: performance.now() - started,
    funding,
    allocation: allocationSummary(config, runtime.portfolio?.book ?? null),
  });
}
