import { createActor, waitFor, type Actor, type SnapshotFrom } from 'xstate';
import type { AppConfig } from '../../config/schema.ts';
import { initialStrategyContext } from '../../machines/strategy.steps.ts';
import { STRATEGY_STATES } from '../../machines/strategy.types.ts';
import { SYMBOL_PREFIX, type SystemSupervisorMachine } from '../../supervisors/system.supervisor.ts';
import { toBybotError } from '../domain/errors.ts';
import type { OrderManager } from '../orders/orderManager.ts';
import type { AccountStream } from '../ports/accountStream.ts';
import { createJournalTap, type JournalTap } from '../journal/journalTap.ts';
import { createJournalGuard, type JournalGuard } from '../journal/writeGuard.ts';
import { JournalSync, type AccountSnapshot } from '../journal/journalSync.ts';
import type { ReconcileSummary } from './reconcile.ts';
import { reconcileUntilDone } from './startupReconcile.ts';
import { AccountTracker } from './accountTracker.ts';
import { ActorRegistry } from './actorRegistry.ts';
import { InstrumentCache } from './instrumentCache.ts';
import { cancelOurOpenOrders } from './ioActors.ts';
import { createSystemLogic, treeInspector } from './actorTree.ts';
import { createJournalSync } from './journalSyncSetup.ts';
import { RuntimeObserver } from './observer.ts';
import { buildSystemInput } from './systemInput.ts';
import { clockSpeedOf } from '../clock/acceleratedClock.ts';
import { runtimeMlBindings } from '../ml/runtimeModels.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import { TradingGate } from './tradingGate.ts';
import type { AccountView } from './market/accountView.ts';
import type { MarketHub } from './market/marketHub.ts';
import { createIoDeps, createMarket, createOrders, type TradingShared } from './tradingSetup.ts';
import { MarketFreshness } from './marketFreshness.ts';
import { summarizeRun } from '../journal/runSummary.ts';
import { carriedHaltReason, carriedPauseReason } from '../journal/persistedStops.ts';
import type { RuntimeOptions, ShutdownReport } from './runtimeOptions.ts';
import { journalAccountStream, journalChannelAlerts, type AlertSource } from './journalFeeds.ts';
import { runtimePortfolio, type PortfolioService } from './portfolioService.ts';
export type { RuntimeOptions, ShutdownReport } from './runtimeOptions.ts';
export type { AlertSource } from './journalFeeds.ts';
export type SystemSnapshot = SnapshotFrom<SystemSupervisorMachine>;

/**
 * Builds the supervision tree for a configuration and a set of ports. Live, dry-run,
 * tests and backtests all come through here: only the exchange port and the clock differ.
 */
export class Runtime {
  readonly registry = new ActorRegistry();
  readonly gate = new TradingGate();
  readonly account = new AccountTracker();
  /** Per-symbol market-data freshness (for /ready). */
  readonly freshness: MarketFreshness;
  readonly root: Actor<SystemSupervisorMachine>;
  readonly orders: OrderManager;
  /** The actors' market data: kline buffers, account view, close dispatch. */
  readonly market: MarketHub;
  readonly accountView: AccountView;
  /** The portfolio book's service (GET /portfolio); null when the portfolio section is off. */
  readonly portfolio: PortfolioService | null;
  private started = false;
  private readonly journalGuard: JournalGuard;
  private stopping = false;
  private rootStarted = false;
  private readonly journalSync: JournalSync;
  /** The account as the last sync saw it (positions, our open orders), for /actors. */
  accountSnapshot: AccountSnapshot | null = null;
  private resolveStarted: () => void = () => undefined;
  private readonly startedPromise = new Promise<void>((resolve) => {
    this.resolveStarted = resolve;
  });
  /** Start-up reconciliation state, for /ready and /status. */
  reconciliation: { readonly done: boolean; readonly error: string | null; readonly summary: ReconcileSummary | null } = { done: false, error: null, summary: null };
  private lastResortDone = false;
  private drainProblems: string[] = [];
  /** Bot-clock time the runtime was built: the run summary covers trades closed since. */
  private readonly startedAt: number;
  /** The configuration in force: the one started with, then each hot reload's (src/control). */
  private live: AppConfig;
  /** Actors a reload removed: their /actors entry goes once they have stopped. */
  private readonly retired = new Set<string>();
  private journalTap: JournalTap | undefined;
  /** The ML filters of the presets (kept for reloads: a changed preset keeps its model). */
  private mlBindings: ReadonlyMap<string, MlBinding> | undefined;

  constructor(private readonly options: RuntimeOptions) {
    const { config, exchange, clock, logger, metrics, random } = options;
    this.startedAt = clock.now();
    this.freshness = new MarketFreshness([...new Set(config.strategies.filter((p) => p.enabled).flatMap((p) => p.symbols))], this.startedAt);
    this.live = config;
    const live = (): AppConfig => this.live;
    this.journalGuard = createJournalGuard(logger);
    const now = (): number => clock.now();
    const instruments = new InstrumentCache(exchange, clock);
    const portfolio = runtimePortfolio(
      {
        config,
        exchange,
        clock,
        logger,
        metrics,
        journal: options.journal,
        closedTrades: options.closedTrades,
        // portfolio.resizeOpen: a rebalance's reductions go through the order manager (built below; called later).
        instrument: (symbol) => instruments.get(symbol),
        reduce: (order, correlationId) => this.orders.reduce(order, correlationId),
      },
      (what, write) => this.journalGuard.run(what, write),
    );
    this.portfolio = portfolio.service;
    const shared: TradingShared = { options, gate: this.gate, account: this.account, instruments, freshness: this.freshness, portfolio: this.portfolio, live };
    const { view, market } = createMarket(shared);
    this.accountView = view;
    this.market = market;
    this.orders = createOrders(shared, view, portfolio.sinks, (error) => this.journalGuard.report(error, 'order'));
    const io = createIoDeps(shared, this.orders, (problems) => {
      this.drainProblems = [...problems];
    });
    const systemLogic = createSystemLogic(io, { now, random, resolveStrategy: options.resolveStrategy, market: this.market, ...(options.explainDecisions === undefined ? {} : { explain: options.explainDecisions }), onFallbackTick: (symbol) => metrics.tickFallbacks.inc({ symbol }), streamConfirmed: (symbol, stepMs) => this.market.streamConfirmed(symbol, stepMs) });
    const observer = new RuntimeObserver({ registry: this.registry, logger, metrics, clock, gate: this.gate });
    metrics.actorStateSources.add({ states: STRATEGY_STATES, actors: () => this.registry.stateSamples() });
    this.mlBindings = options.mlBindings ?? runtimeMlBindings(config, (c) => metrics.mlCaches.add(c), now);
    const input = buildSystemInput(config, now(), this.mlBindings, clockSpeedOf(clock));
    for (const spec of input.symbols) for (const child of spec.children) this.market.subscribe(child.symbol, child.params.interval);
    // Every actor of the tree is listed from the start, including presets that begin disabled.
    for (const spec of input.symbols) {
      for (const child of spec.children) this.registry.update(child.actorId, initialStrategyContext(child, now()), 'idle', 'stopped', null, null);
    }
    const journal = options.journal;
    const journalTap = journal ? createJournalTap(journal, (error) => this.journalGuard.report(error, 'signal')) : undefined;
    this.journalTap = journalTap;
    const observeActors = options.observeActors ?? true;
    this.root = createActor(systemLogic, {
      input,
      clock,
      ...(observeActors ? { inspect: treeInspector(observer, journalTap) } : {}),
    });
    if (!observeActors) this.root.subscribe({ next: (snapshot) => observer.observeSystem(snapshot), error: () => undefined });
    this.root.on('escalation', (event) => {
      observer.onEscalation(event.record);
      if (journal) this.journalGuard.run('escalation', () => journal.recordEscalation(event.record));
    });
    this.journalSync = createJournalSync({
      config,
      exchange,
      clock,
      logger,
      metrics,
      orders: this.orders,
      ...(journal ? { journal } : {}),
      onAccount: (snapshot) => {
        this.accountSnapshot = snapshot;
      },
    });
    // A confirmed candle starts the cycles of that symbol's actors on that interval.
    this.market.onCandleClosed((symbol, intervalMs, start) => {
      this.root.system.get(`${SYMBOL_PREFIX}${symbol}`)?.send({ type: 'CANDLE_CLOSED', intervalMs, start });
    });
    this.registry.onChange((entry) => {
      if (this.retired.has(entry.actorId) && entry.status !== 'active') this.pruneRetired();
    });
    // The root must always have an error observer: without one XState rethrows the error
    // from a timer and the process dies with its orders unattended (STYLE.md 1.2).
    this.root.subscribe({ error: (error) => void this.lastResort(error) });
  }

  /**
   * Follows the account's push stream: fills and order updates go to the journal at once
   * (the periodic REST sync remains the fallback). Returns the unsubscribe function.
   */
  followAccount(stream: AccountStream): () => void {
    const { journal, clock } = this.options;
    const view = this.accountView;
    // The account view follows the private streams whether or not there is a journal.
    const viewOffs = [
      stream.onOrder((order) => view.applyOrder(order)),
      ...(stream.onPosition ? [stream.onPosition((position) => view.applyPosition(position))] : []),
      ...(stream.onBalance ? [stream.onBalance((balance) => view.applyBalance(balance))] : []),
      ...(stream.onLive ? [stream.onLive((live) => view.setLive(live))] : []),
    ];
    const journalOff = journal ? journalAccountStream(stream, journal, clock, this.journalGuard) : () => undefined;
    return () => {
      viewOffs.forEach((off) => off());
      journalOff();
    };
  }

  /** Journals the exchange channel's degradation alerts (throttled, see journalFeeds). */
  journalAlerts(source: AlertSource): () => void {
    const { journal, clock } = this.options;
    return journal ? journalChannelAlerts(source, journal, clock, this.journalGuard) : () => undefined;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.reconcileThenStart();
  }

  /** Resolves once the actors run (after reconciliation); for tests and the start-up line. */
  whenStarted(): Promise<void> {
    return this.startedPromise;
  }

  /**
   * Reconciles with the exchange, then starts the actor tree: no actor trades before the
   * exchange's open orders, positions and fills have been compared with the journal. If
   * the exchange does not answer, reconciliation is retried with backoff on the clock and
   * /ready stays 503 with the reason.
   */
  private async reconcileThenStart(): Promise<void> {
    const { clock, logger, exchange, journal } = this.options;
    const outcome = await reconcileUntilDone({
      exchange,
      orders: this.orders,
      clock,
      logger,
      ...(journal ? { journal } : {}),
      stopping: () => this.stopping,
      onState: (state) => {
        this.reconciliation = state;
      },
    });
    if (outcome.fatal) {
      await this.lastResort(outcome.fatal);
      return;
    }
    if (this.stopping) return;
    this.rootStarted = true;
    this.root.start();
    // A halt is lifted by an operator, never by a restart (crash-only does not mean amnesia).
    // Unless this run trades a new simulated account: the halt (and a daily loss pause) was about another account.
    const halt = this.options.freshAccount ? null : journal?.activeHalt();
    if (halt) {
      logger.warn({ event: 'halt_persisted', code: halt.code, reason: halt.reason, haltedAt: new Date(halt.at).toISOString() }, `trading stays HALTED after the restart: ${halt.reason}; POST /control/resume to trade again`);
      this.halt(carriedHaltReason(halt), 'HALT_PERSISTED', halt.correlationId);
    }
    const pause = this.options.freshAccount ? null : journal?.activePause(clock.now());
    if (pause && !halt) {
      const reason = carriedPauseReason(pause);
      logger.warn({ event: 'pause_persisted', until: new Date(pause.until).toISOString() }, `new entries stay paused until ${new Date(pause.until).toISOString()} after the restart: ${reason}`);
      this.root.send({ type: 'DAILY_LOSS_PAUSE', reason, at: clock.now(), until: pause.until });
    }
    this.journalSync.start();
    this.resolveStarted();
  }

  /**
   * Hot reload of the strategy presets and risk limits: the supervision tree starts new
   * actors, stops removed ones and restarts changed ones between cycles
   * (supervisors/reconfigure.ts); the order manager and the account watch read the new
   * risk limits from now on.
   */
  reconfigure(config: AppConfig, correlationId: string): void {
    const now = this.options.clock.now();
    const input = buildSystemInput(config, now, this.mlBindings, clockSpeedOf(this.options.clock));
    const wanted = new Set<string>();
    for (const spec of input.symbols) {
      for (const child of spec.children) {
        wanted.add(child.actorId);
        this.retired.delete(child.actorId);
        // A new symbol or interval: its closed candles must start its actors' cycles too.
        this.market.subscribe(child.symbol, child.params.interval);
        if (!this.registry.get(child.actorId)) this.registry.update(child.actorId, initialStrategyContext(child, now), 'idle', 'stopped', null, null);
      }
    }
    for (const entry of this.registry.list()) if (!wanted.has(entry.actorId)) this.retired.add(entry.actorId);
    this.live = config;
    this.root.send({ type: 'RECONFIGURE', symbols: input.symbols, configDisabled: input.initiallyDisabled ?? {}, correlationId });
    this.pruneRetired();
  }

  private pruneRetired(): void {
    for (const id of this.retired) {
      const entry = this.registry.get(id);
      if (entry?.status === 'active') continue;
      this.retired.delete(id);
      this.registry.remove(id);
    }
  }

  snapshot(): SystemSnapshot {
    return this.root.getSnapshot();
  }

  /** True while the supervision tree runs normally (not halted, not stopping). */
  supervisorsRunning(): boolean {
    const snapshot = this.root.getSnapshot();
    return this.rootStarted && snapshot.status === 'active' && snapshot.value === 'running';
  }

  halt(reason: string, code: string, correlationId: string): void {
    this.root.send({ type: 'HALT', reason, code, correlationId });
  }

  resume(correlationId: string): boolean {
    if (this.root.getSnapshot().value !== 'halted') return false;
    this.root.send({ type: 'RESUME', correlationId });
    return true;
  }

  enable(actorId: string, correlationId: string): void {
    this.root.send({ type: 'ENABLE_STRATEGY', actorId, correlationId });
  }

  disable(actorId: string, reason: string, correlationId: string): void {
    this.root.send({ type: 'DISABLE_STRATEGY', actorId, reason, correlationId });
  }

  /**
   * Graceful stop within shutdown.deadlineMs (real time): no new signals, in-flight orders
   * finished or cancelled, the tree stopped, a last fill sync, and intents that were never
   * sent marked NotSent. Steps that run out of time are cut short and listed in the report.
   */
  async stop(): Promise<ShutdownReport> {
    const { config, logger, journal, clock } = this.options;
    const budgetMs = config.shutdown.deadlineMs;
    const started = Date.now();
    const problems: string[] = [];
    this.stopping = true;
    this.gate.beginShutdown();
    const snapshot = this.root.getSnapshot();
    if (this.rootStarted && snapshot.status === 'active') {
      this.root.send({ type: 'SHUTDOWN' });
      try {
        await waitFor(this.root, (s) => s.status !== 'active', { timeout: Math.round(budgetMs * 0.85) });
      } catch {
        problems.push('the supervision tree did not stop in time');
        logger.error({ event: 'shutdown_timeout' }, 'supervision tree did not stop before the deadline');
      }
    }
    problems.push(...this.drainProblems);
    this.root.stop();
    this.market.close();
    this.journalSync.stop();
    // Last look at the fills, so the journal ends where the exchange does (bounded).
    if (this.rootStarted) {
      const left = Math.max(0, Math.round(budgetMs * 0.95) - (Date.now() - started));
      const ok = await this.journalSync.tick(AbortSignal.timeout(Math.max(1, left)));
      if (!ok) problems.push('the final fill sync did not finish');
    }
    // The journal tap's last rows (it writes once per event-loop turn).
    this.journalTap?.flush();
    const notSent = journal ? this.guarded(() => journal.markUnsentIntents('not sent before shutdown', clock.now()), 0) : 0;
    const summary = journal ? this.guarded(() => summarizeRun(journal.closedTrades(), journal.fundingPnl(this.startedAt), this.startedAt), null) : null;
    return { problems, notSent, summary };
  }

  /** The shutdown deadline passed: stop everything now and mark what was never sent. */
  abort(reason: string): { readonly notSent: number } {
    this.stopping = true;
    this.gate.beginShutdown();
    try {
      this.root.stop();
    } catch {
      // already stopped
    }
    this.journalSync.stop();
    this.journalTap?.flush();
    const { journal, clock } = this.options;
    return { notSent: journal ? this.guarded(() => journal.markUnsentIntents(reason, clock.now()), 0) : 0 };
  }

  private guarded<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      this.journalGuard.report(error, 'shutdown');
      return fallback;
    }
  }

  /**
   * Used when the supervision tree itself is gone (root in error) or an exception escaped
   * everything: close the gate, cancel our open orders directly, and stay HALTED.
   */
  async lastResort(error: unknown): Promise<void> {
    const typed = toBybotError(error);
    this.gate.set('HALTED', `last resort: ${typed.message}`);
    this.options.metrics.tradingHalted.set(1);
    this.options.logger.fatal(
      { event: 'escalation', escalationLevel: 'system', kind: 'emergency_stop', code: 'ROOT_FAILED', reason: typed.message, correlationId: `system#lastResort.${this.options.clock.now().toString(36)}` },
      `supervision tree failed, trading HALTED: ${typed.message}`,
    );
    if (this.lastResortDone) return;
    this.lastResortDone = true;
    try {
      const summary = await cancelOurOpenOrders(this.options.exchange);
      this.options.logger.warn({ event: 'emergency_cancel', summary }, summary);
    } catch (cancelError) {
      this.options.logger.error({ event: 'emergency_cancel_failed', err: toBybotError(cancelError).message }, 'emergency cancel failed');
    }
  }

  /** An exception escaped to the process: emergency stop through the tree if it is alive. */
  onUncaught(error: unknown): void {
    const typed = toBybotError(error);
    const snapshot = this.root.getSnapshot();
    if (snapshot.status === 'active' && snapshot.value === 'running') {
      this.halt(`uncaught exception: ${typed.message}`, 'UNCAUGHT_EXCEPTION', `system#uncaught.${this.options.clock.now().toString(36)}`);
    } else if (snapshot.status !== 'active') {
      void this.lastResort(error);
    }
  }
}
