import { performance } from 'node:perf_hooks';
import type { AppConfig } from '../../config/schema.ts';
import { createLockStepRun } from '../clock/lockStepRun.ts';
import { hashString, mulberry32 } from '../core/rng.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { NO_ORDER_EVENTS } from '../orders/orderEvents.ts';
import { Runtime } from '../runtime/createRuntime.ts';
import { simulatorAccountStream } from '../runtime/accountStreams.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import { buildSystemInput } from '../runtime/systemInput.ts';
import type { ReplayExchange } from '../sim/index.ts';
import { actorOrderOf, createReplayFromInput } from './replayInput.ts';
import { EquityRecorder } from './equityRecorder.ts';
import { checkPeriodMs, type BacktestInput, type RunHooks } from './input.ts';
import { PauseLog } from './pauseLog.ts';
import { runSummary } from './runSummary.ts';
import { TradeBook } from './tradeBook.ts';
import { allocationSummary } from './allocationSummary.ts';
import { presetTradeOf } from '../portfolio/plan.ts';
import type { BacktestRun } from './types.ts';
import { toFixedNumber } from '../core/fixedRound.ts';

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
  /** ML filters by preset id (src/ml/serving.ts), as the fast engine takes them. */
  readonly models?: ReadonlyMap<string, MlBinding>;
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
  const system = buildSystemInput(config, from, options.models);
  let sim: ReplayExchange | undefined;
  const run = createLockStepRun(from, actorOrderOf(system), (clock) => {
    sim = createReplayFromInput(input, clock);
    return sim.port;
  });
  const { clock } = run;
  const replay = sim!;

  const book = new TradeBook();
  const funding = new Map<string, { settlements: number; total: number }>();
  replay.engine.on('execution', (e) => book.fill({ symbol: e.symbol, side: e.side, qty: e.execQty, price: e.execPrice, fee: e.execFee, time: e.execTime, kind: e.stopOrderType, orderLinkId: e.orderLinkId }));
  replay.engine.on('funding', (f) => {
    book.funding(f.symbol, f.payment);
    const c = funding.get(f.symbol) ?? { settlements: 0, total: 0 };
    funding.set(f.symbol, { settlements: c.settlements + 1, total: toFixedNumber(c.total + f.payment, 8) });
  });

  const logger = options.logger ?? createLogger({ level: 'silent', pretty: 'never' });
  const runtime = new Runtime({
    ...(options.models ? { mlBindings: options.models } : {}),
    config,
    exchange: run.port,
    clock,
    logger,
    metrics: createMetrics(),
    random: mulberry32(hashString(`runtime:${config.simulator.seed}`)),
    resolveStrategy: getStrategy,
    admitEntry: run.admitEntry,
    observeActors: false,
    // Nobody reads /actors here: no explanation of 'none' decisions (the fast engine's rule).
    explainDecisions: false,
    // Every decision instant reads the account exactly (fills in between arrive as pushes),
    // and a close is dispatched to every actor before time moves on.
    accountPolledMaxAgeMs: 0,
    dispatchSliceMs: Number.POSITIVE_INFINITY,
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
  runtime.followAccount(simulatorAccountStream(replay.engine));
  // Quiescent also means no candle close waiting to be dispatched to the actors.
  run.holdWhile(() => runtime.market.busy());
  const pauses = new PauseLog(config.risk.dailyLossLimitPct, runtime.account, () => replay.engine.balance().equity);
  runtime.root.on('escalation', (event) => pauses.onRecord(event.record));

  const equity = new EquityRecorder();
  const sample = (time: number): void => {
    const balance = replay.engine.balance();
    let exposure = 0;
    for (const p of replay.engine.positions()) exposure += p.size * p.markPrice;
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
  book.closeAll(to, (symbol) => replay.market.markAt(symbol, to));
  return runSummary({
    engine: 'actors',
    input,
    startEquity: config.simulator.initialBalance,
    endEquity: replay.engine.balance().equity,
    trades: book.trades(),
    equity: equity.series(),
    pauses: pauses.records,
    elapsedMs: performance.now() - started,
    funding,
    allocation: allocationSummary(config, runtime.portfolio?.book ?? null),
  });
}
