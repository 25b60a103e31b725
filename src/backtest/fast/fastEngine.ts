import { performance } from 'node:perf_hooks';
import { DAY_MS, utcDayStart } from '../../core/data/utcTime.ts';
import { priceBars } from '../../core/fills/priceBars.ts';
import type { PortfolioSnapshot } from '../../core/risk/types.ts';
import type { MlBinding } from '../../core/ml/filter.ts';
import type { AnyStrategyDefinition } from '../../core/strategy/contract.ts';
import { getStrategy } from '../../core/strategy/registry.ts';
import { intervalMs } from '../../domain/types.ts';
import { buildSystemInput } from '../../runtime/systemInput.ts';
import { EquityRecorder } from '../equityRecorder.ts';
import { checkPeriodMs, type BacktestInput, type RunHooks } from '../input.ts';
import { runSummary } from '../runSummary.ts';
import { TradeBook } from '../tradeBook.ts';
import type { BacktestRun } from '../types.ts';
import { DailyLossWatch } from './dailyLossWatch.ts';
import { FastAccount } from './fastAccount.ts';
import type { FundingSchedule } from '../../core/fills/funding.ts';
import { KernelSlot } from './kernelSlot.ts';
import { decide, type AccountAtTick, type Approved } from './decide.ts';
import { sendEntry } from './orderDesk.ts';
import { toFixedNumber } from '../../core/fixedRound.ts';
import { PortfolioDesk } from './portfolioDesk.ts';
import type { ResizeOrder } from '../../core/portfolio/types.ts';
import { createPortfolioBook, presetTradeOf } from '../../portfolio/plan.ts';
import { allocationSummary } from '../allocationSummary.ts';

/**
 * The fast backtest engine: one event loop over the merged timeline of every symbol's
 * candles, with no XState, no timers, no promises and no allocation per candle (objects are
 * allocated only for a signal, an order or a trade). It drives the same kernels, risk
 * checks, send-time rules and fill model as the actors (see README, "Backtesting").
 *
 * At each instant T of the timeline, in this order (the order the live runtime's timers
 * and the simulated venue produce them):
 * 1. every symbol's bars that ended by T: stop-loss / take-profit / liquidation (core bar
 *    fill model), then the mark (last close);
 * 2. funding settlements at T;
 * 3. the account check (on the grid of the smallest interval): a pause ends at its 00:00
 *    UTC, the day's starting equity is observed, the daily loss limit pauses or halts;
 * 4. every strategy whose candle closed at T ingests it; those that take the tick (at
 *    T + actor.tickDelayMs; the run's first tick at T) decide against the account as it is
 *    now, in the system's actor order (symbols in config order, then presets);
 * 5. their approved entries are sent in that same order, each with the send-time checks
 *    against the live account, and fill at the open of the next bar;
 * 6. a point of the equity series.
 */
export interface FastEngineOptions extends RunHooks {
  /** The strategy catalogue (default: the registry); the bench swaps in strategies that do nothing. */
  readonly resolve?: (type: string) => AnyStrategyDefinition | undefined;
  /** ML filters by preset id (src/ml/serving.ts); a preset without one decides as without ML. */
  readonly models?: ReadonlyMap<string, MlBinding>;
}

export function runFastEngine(input: BacktestInput, options: FastEngineOptions = {}): BacktestRun {
  const resolve = options.resolve ?? getStrategy;
  let instants = 0;
  const started = performance.now();
  const { config, from, to } = input;
  const book = new TradeBook();
  const account = new FastAccount(config.simulator.initialBalance, { takerFeeRate: config.simulator.takerFeeRate, slippageBps: config.simulator.slippageBps }, book);
  const watch = new DailyLossWatch(config.risk.dailyLossLimitPct, config.risk.dailyLossAction);

  // Per symbol (in account.symbols order): its funding schedule, the next settlement, what was charged.
  const schedules: FundingSchedule[] = [];
  const fundingNext: number[] = [];
  const charged = new Map<string, { settlements: number; total: number }>();
  for (const d of [...input.data.values()].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
    const finest = [...d.series].sort((a, b) => intervalMs(a.interval) - intervalMs(b.interval))[0]!;
    account.addSymbol(d.symbol, d.instrument, priceBars(finest), intervalMs(finest.interval));
    schedules.push(d.funding);
    fundingNext.push(d.funding.firstAfter(from - 1));
    charged.set(d.symbol, { settlements: 0, total: 0 });
  }

  // One equity point per instant: every bar close of the run (at most the account-check
  // grid's steps), every 00:00 UTC and funding settlement; sized once.
  const checkPeriod = checkPeriodMs(input);
  let bars = 0;
  for (const s of account.symbols) bars += s.bars.length;
  const days = Math.ceil((to - from) / DAY_MS) + 1;
  const equity = new EquityRecorder(Math.min(bars, Math.floor((to - from) / checkPeriod) + 1) + 4 * days + 16);

  const system = buildSystemInput(config, from, options.models);
  const slots: KernelSlot[] = [];
  for (const spec of system.symbols) {
    for (const child of spec.children) {
      if (system.initiallyDisabled?.[child.actorId]) continue;
      const def = resolve(child.strategyType);
      const data = input.data.get(child.symbol);
      const series = data?.series.find((c) => c.interval === child.params.interval);
      if (!def || !data || !series) throw new Error(`no ${child.params.interval}m candles of ${child.symbol} for ${child.actorId}`);
      slots.push(
        new KernelSlot(slots.length, child, def, series, account.get(child.symbol), {
          cooldownMs: config.actor.cooldownMs,
          tickDelayMs: config.actor.tickDelayMs,
          disableAfterTrips: config.supervision.disableAfterTrips,
          tripWindowMs: config.supervision.tripWindowMs,
        }),
      );
    }
  }

  const portfolioBook = createPortfolioBook(config, from);
  const desk = portfolioBook ? new PortfolioDesk(portfolioBook, input.data, () => book.trades().map(presetTradeOf)) : null;

  // portfolio.resizeOpen: at the first actor tick of an instant the book catches up (as the
  // runtime's first fetch does); the newest rebalance's reductions go out before the entries.
  const resizing = desk !== null && config.portfolio.resizeOpen;
  const reductions: ResizeOrder[] = [];
  const ownerOf = (symbol: string): string | undefined => book.openPreset(symbol);

  const tickDelayMs = config.actor.tickDelayMs;
  // The account check runs at from + k x checkPeriod and at every 00:00 UTC: the next of each
  // (integer steps, no floating-point remainder per instant).
  let gridCheck = from;
  let dayCheck = utcDayStart(from - 1) + DAY_MS;
  const approved: Approved[] = [];
  // The account as the actors' fetch sees it during step 4 (nothing changes it until step 5).
  let observed = false;
  let snapshot: PortfolioSnapshot | null = null;
  const accountAtTick: AccountAtTick = {
    observe(t) {
      if (observed) return;
      watch.tracker.observe(account.equity(), t);
      observed = true;
    },
    snapshot(t) {
      this.observe(t);
      if (snapshot === null) {
        snapshot = account.snapshot(watch.tracker.dayStartEquity(t));
        if (desk) snapshot = { ...snapshot, allocation: desk.viewAt(t) };
      }
      return snapshot;
    },
  };

  for (let t = from; t <= to; t = nextInstant(t)) {
    // 1-2. Price bars and funding.
    for (let i = 0; i < account.symbols.length; i++) {
      const s = account.symbols[i]!;
      account.advanceBars(s, t);
      const schedule = schedules[i]!;
      for (; fundingNext[i]! < schedule.length && schedule.time(fundingNext[i]!) <= t; fundingNext[i]!++) {
        const payment = account.fund(s, schedule.time(fundingNext[i]!), schedule.rate(fundingNext[i]!));
        if (payment !== 0) {
          const c = charged.get(s.symbol)!;
          c.settlements++;
          c.total = toFixedNumber(c.total + payment, 8);
        }
      }
    }
    // 3. The account check. Equity moves only with marks, funding and fills: computed once
    // here and again at the end of the instant only when an entry was sent.
    let equityNow = account.equity();
    if (t > gridCheck) gridCheck += Math.ceil((t - gridCheck) / checkPeriod) * checkPeriod;
    if (t > dayCheck) dayCheck = utcDayStart(t - 1) + DAY_MS;
    if (t === gridCheck || t === dayCheck) watch.check(t, equityNow);
    else watch.liftPause(t);
    // 4. Strategies whose candle closed now.
    const first = t === from;
    const tick = first ? t : t + tickDelayMs;
    // Only the account check (step 3) changes it.
    const tradingState = watch.tradingState();
    observed = false;
    snapshot = null;
    let caughtUp = !resizing;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      const rows = slot.series;
      if (first) {
        let end = slot.row;
        while (end < rows.length && rows.start[end]! + slot.stepMs <= t) end++;
        slot.firstRow = Math.max(0, end - slot.warmupRows());
        for (let i = slot.firstRow; i < end; i++) slot.ingestRow(i);
        slot.row = end;
      } else {
        if (slot.row >= rows.length || rows.start[slot.row]! + slot.stepMs !== t) continue;
        slot.ingestRow(slot.row++);
      }
      if (tick > to || tradingState === 'HALTED' || !slot.takesTick(tick, first)) continue;
      if (!caughtUp) {
        caughtUp = true;
        reductions.push(...desk!.resizeAt(tick, account, ownerOf));
      }
      decide(slot, tick, tradingState, accountAtTick, approved);
    }
    // 5. A rebalance's reductions, then entries in actor order, with the send-time checks.
    if (reductions.length > 0) {
      for (const r of reductions) PortfolioDesk.sendReduce(account, r, tick);
      reductions.length = 0;
      equityNow = account.equity();
    }
    for (let i = 0; i < approved.length; i++) {
      const a = approved[i]!;
      book.noteEntry(a.orderLinkId, a.info);
      const outcome = sendEntry(account, a.slot.price, { entry: a.entry, orderLinkId: a.orderLinkId, time: tick, maxLeverage: config.risk.maxLeverage });
      if (outcome.kind === 'failed') a.slot.failed(tick, outcome.error.level === 'symbol');
      else a.slot.succeeded();
    }
    if (approved.length > 0) {
      approved.length = 0;
      equityNow = account.equity();
    }
    // 6. Mark to market.
    equity.record(t, equityNow, account.exposure());
    if ((++instants & 0xfff) === 0) options.onProgress?.(t);
  }

  function nextInstant(t: number): number {
    let next = utcDayStart(t) + DAY_MS;
    for (let i = 0; i < account.symbols.length; i++) {
      const s = account.symbols[i]!;
      if (s.next < s.bars.length) next = Math.min(next, s.bars.start[s.next]! + s.stepMs);
      if (fundingNext[i]! < schedules[i]!.length) next = Math.min(next, schedules[i]!.time(fundingNext[i]!));
    }
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      if (slot.row < slot.series.length) next = Math.min(next, slot.series.start[slot.row]! + slot.stepMs);
    }
    return next > t ? next : t + 1;
  }

  watch.finish(to);
  book.closeAll(to, (symbol) => account.get(symbol).mark);
  return runSummary({
    engine: 'fast',
    input,
    startEquity: config.simulator.initialBalance,
    endEquity: account.equity(),
    trades: book.trades(),
    equity: equity.series(),
    pauses: watch.pauses,
    elapsedMs: performance.now() - started,
    funding: charged,
    allocation: allocationSummary(config, portfolioBook),
  });
}
