import type { AppConfig } from '../../config/schema.ts';
import { LockStepClock } from '../clock/lockStepClock.ts';
import { countInFlight } from '../exchange/inFlightPort.ts';
import { hashString, mulberry32 } from '../core/rng.ts';
import { getStrategy } from '../core/strategy/registry.ts';
import type { Execution } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { Runtime } from '../runtime/createRuntime.ts';
import { simulatorAccountStream } from '../runtime/accountStreams.ts';
import { createSimExchange } from '../sim/index.ts';

const MINUTE = 60_000;

export interface BacktestOptions {
  readonly config: AppConfig;
  /** Simulated time the run covers after the start (ms). */
  readonly durationMs: number;
  /** UTC ms; minute-aligned. */
  readonly start: number;
  readonly logger: Logger;
}

/** One fill, as a backtest reports it (ISO time for humans, numbers already on the exchange grid). */
export interface BacktestFill {
  readonly time: string;
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  /** 'entry' for our orders, 'StopLoss' / 'TakeProfit' / 'Liquidation' for position stops. */
  readonly kind: string;
  readonly orderLinkId: string;
  readonly closedSize: number;
}

export interface BacktestResult {
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly actors: readonly string[];
  readonly fills: readonly BacktestFill[];
  readonly summary: {
    readonly fills: number;
    readonly entries: number;
    readonly stopsHit: number;
    readonly takeProfitsHit: number;
    readonly startEquity: number;
    readonly endEquity: number;
    readonly fees: number;
    readonly openPositions: number;
    readonly escalations: number;
  };
}

function round(value: number, decimals = 8): number {
  return Number(value.toFixed(decimals));
}

function toFill(e: Execution): BacktestFill {
  return {
    time: new Date(e.execTime).toISOString(),
    symbol: e.symbol,
    side: e.side,
    qty: e.execQty,
    price: e.execPrice,
    fee: round(e.execFee),
    kind: e.stopOrderType === 'Trade' || e.stopOrderType === '' ? 'entry' : e.stopOrderType,
    orderLinkId: e.orderLinkId,
    closedSize: e.closedSize,
  };
}

/**
 * The dry-run regression run: the same runtime (supervisors, strategy machines, risk, order
 * path) as live and dry-run, over the built-in simulator's generated market walked along its
 * minute price path (not the bar-level replay of the backtest engines), on the lock-step
 * clock, so simulated hours take seconds and the same seed always gives the same fills.
 * test/backtest/golden.test.ts holds it to a golden file.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const { config, logger } = options;
  let counter: ReturnType<typeof countInFlight> | undefined;
  let runtime: Runtime | undefined;
  // Lock-step: time jumps to the next timer once no exchange call is in flight and no candle
  // close waits to be dispatched to the actors.
  const clock = new LockStepClock(options.start, () => (counter?.inFlight() ?? 0) > 0 || (runtime?.market.busy() ?? false));
  const sim = createSimExchange({
    clock,
    seed: config.simulator.seed,
    origin: options.start - Math.round(config.simulator.historyDays * 1440) * MINUTE,
    initialBalance: config.simulator.initialBalance,
    takerFeeRate: config.simulator.takerFeeRate,
    makerFeeRate: config.simulator.makerFeeRate,
    slippageBps: config.simulator.slippageBps,
    fundingRate: config.simulator.fundingRate,
    regimes: config.simulator.regimes,
    faults: { ...config.simulator.faults, nanCandles: [...config.simulator.faults.nanCandles] },
  });
  counter = countInFlight(sim.port);
  const fills: Execution[] = [];
  sim.engine.on('execution', (e) => fills.push(e as Execution));
  let escalations = 0;
  runtime = new Runtime({
    config,
    exchange: counter.port,
    clock,
    logger,
    metrics: createMetrics(),
    random: mulberry32(hashString(`runtime:${config.simulator.seed}`)),
    resolveStrategy: getStrategy,
    // As in --engine actors: every decision instant reads the account exactly, and a close
    // is dispatched to every actor in one pass (a real-time slice would make the run depend
    // on the machine's speed).
    accountPolledMaxAgeMs: 0,
    dispatchSliceMs: Number.POSITIVE_INFINITY,
  });
  runtime.followAccount(simulatorAccountStream(sim.engine));
  runtime.root.on('escalation', () => {
    escalations++;
  });
  const startEquity = (await sim.port.balance()).equity;
  runtime.start();
  const end = options.start + options.durationMs;
  await clock.runUntil(end);
  await runtime.stop();
  const balance = await sim.port.balance();
  const positions = await sim.port.positions();
  const ordered = [...fills].sort((a, b) => a.execTime - b.execTime || a.execId.localeCompare(b.execId));
  const list = ordered.map(toFill);
  return {
    seed: config.simulator.seed,
    from: new Date(options.start).toISOString(),
    to: new Date(end).toISOString(),
    actors: runtime.registry.list().map((e) => e.actorId),
    fills: list,
    summary: {
      fills: list.length,
      entries: list.filter((f) => f.kind === 'entry').length,
      stopsHit: list.filter((f) => f.kind === 'StopLoss').length,
      takeProfitsHit: list.filter((f) => f.kind === 'TakeProfit').length,
      startEquity: round(startEquity, 4),
      endEquity: round(balance.equity, 4),
      fees: round(list.reduce((sum, f) => sum + f.fee, 0), 4),
      openPositions: positions.length,
      escalations,
    },
  };
}
