import type { AdmitTicket } from '../orders/orderManager.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { StrategyMachineDeps } from '../../machines/strategy.types.ts';
import type { MlBinding } from '../core/ml/filter.ts';
import type { Random } from '../core/rng.ts';
import type { Journal } from '../journal/journal.ts';
import type { RunSummary } from '../journal/runSummary.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Logger } from '../observability/logger.ts';
import type { OrderEventSink } from '../orders/orderEvents.ts';
import type { Clock } from '../ports/clock.ts';
import type { ExchangePort } from '../ports/exchange.ts';
import type { CandleSource } from './market/candleSource.ts';
import type { LastPrice } from './lastPrices.ts';
import type { PresetTrade } from './portfolioService.ts';

/** What the Runtime is built from (createRuntime.ts): the configuration and the ports. */
export interface RuntimeOptions {
  readonly config: AppConfig;
  /** ML filters by preset id; absent = loaded from ml.modelDir for the presets with ml.enabled. */
  readonly mlBindings?: ReadonlyMap<string, MlBinding>;
  /** Already decorated (deadline, metrics); failures must be BybotErrors. */
  readonly exchange: ExchangePort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly random: Random;
  readonly resolveStrategy: StrategyMachineDeps['resolveStrategy'];
  /** The trade journal; without it nothing is persisted (tests, backtests). */
  readonly journal?: Journal;
  /** Backtests: one more listener of the order events (the trade list's entry details). */
  readonly orderEvents?: OrderEventSink;
  /** Backtests: the admission gate of entries (see OrderManagerOptions.admit). */
  readonly admitEntry?: (order: AdmitTicket) => Promise<void>;
  /**
   * Feed the per-actor read model (/actors, /viz, per-actor logs and metrics, the journal's
   * signal tap) from the inspection stream; default true. Backtests turn it off: nobody reads
   * it there and it costs a third of each iteration. Decisions never depend on it (the
   * observer only observes); the trading gate follows the system supervisor either way.
   */
  readonly observeActors?: boolean;
  /**
   * Build the explanation of every decision (the signal's reason and factors even for 'none',
   * shown in /actors); default true. Backtests that do not observe the actors turn it off:
   * a strategy's screen() may then answer 'certainly none' without building the signal, as in
   * the fast engine. The decision (action, entry, size) is the same either way: the same
   * kernel.evaluate() with its `explain` flag (src/core/kernel/kernel.ts).
   */
  readonly explainDecisions?: boolean;
  /**
   * The kline stream that starts the cycles (issue 13): the Bybit adapter's public stream in
   * live and wire dry-run; default: the exchange port read at every close + tickDelayMs
   * (the in-process simulator, backtests).
   */
  readonly candleSource?: CandleSource;
  /** The latest price per symbol (public streams, or the in-process venue) for the order path's pre-send stop check. */
  readonly lastPrice?: LastPrice;
  /** How long the account view stays current without a live private stream (default 1000 ms; backtests 0). */
  readonly accountPolledMaxAgeMs?: number;
  /** How long it stays current after a push while a private stream is live (default 60000 ms). */
  readonly accountStreamedMaxAgeMs?: number;
  /** Real ms of close dispatch before yielding to the event loop (default 2, MarketHub's DEFAULT_SLICE_MS; backtests Infinity). */
  readonly dispatchSliceMs?: number;
  /**
   * Every run trades a new simulated account (the built-in simulator): a halt recorded by
   * an earlier run does not apply to it. Live and external accounts keep their halts.
   */
  readonly freshAccount?: boolean;
  /** Backtests: the closed trades the performance allocation scores (default: the journal's). */
  readonly closedTrades?: () => readonly PresetTrade[];
}

/** What a graceful stop finished and what it had to cut short. */
export interface ShutdownReport {
  /** One sentence per step that did not finish (empty: a clean stop). */
  readonly problems: readonly string[];
  /** Order intents that were never sent, marked NotSent in the journal. */
  readonly notSent: number;
  /** Trades, fees and PnL of this run (null without a journal). */
  readonly summary: RunSummary | null;
}
