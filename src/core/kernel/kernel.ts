import type { Candle, Instrument, TradingState } from '../../domain/types.ts';
import { WindowValidator } from '../data/windowValidator.ts';
import type { ValidateOptions, WindowVerdict } from '../data/validate.ts';
import { MlFilter, type MlBinding } from '../ml/filter.ts';
import { RegimeClassifier, regimeLabelOf, type RegimeLabel, type RegimeSettings } from '../indicators/regime.ts';
import { buildOrderLinkId } from '../orders/orderLinkId.ts';
import { assessEntry } from '../risk/assess.ts';
import type { PortfolioSnapshot, RiskDecision, RiskLimits } from '../risk/types.ts';
import type { AnyStrategyDefinition, IndicatorResult } from '../strategy/contract.ts';
import { regimeSettingsOf, type RegimeParams } from '../strategy/confluence.ts';
import { evaluateSignal, type EvaluatedSignal } from '../strategy/runner.ts';
import { convergedWarmup } from './warmup.ts';

/**
 * The strategy kernel: everything one symbol x preset decides with, owned by exactly one
 * driver (the strategy actor in live and in `--engine actors`, a plain loop in the fast
 * backtest engine). It holds the strategy's incremental indicator state, a WindowValidator
 * over the last `window` rows (a typed-array ring, also what the degraded fallback reads)
 * and the start of the last row fed to the indicators. Both drivers call the same methods
 * in the same order, so they decide identically by construction:
 *
 *   ingest(row)            O(1): validate the row, advance the indicators (see below)
 *   verdict(now)           the window's quality, exactly as validateCandles would judge it
 *   evaluate(now)          signal (full or degraded fallback) through the runner's guard
 *   assess(signal, ...)    risk and sizing (assessEntry) and the deterministic orderLinkId
 *
 * Data semantics (B1.1-B1.3), per row received:
 * - a BAD row (non-finite, negative, OHLC inconsistent) is dropped: not fed to the
 *   indicators; it stays in the window's facts, so the window is `degraded` while it is
 *   among the last `window` rows;
 * - a DUPLICATE or OUT-OF-ORDER row (start not after the newest valid one) is not fed
 *   either (the first delivery stands) and degrades the window the same way;
 * - a GAP (start beyond the last fed row + interval, including the hole a dropped row
 *   leaves) RESETS the indicator state: the row after the hole starts a fresh series. The
 *   gap degrades the window until it has left it, i.e. until `window` rows have been fed
 *   since the reset, so the full strategy resumes on exactly the state today's actors had
 *   (initialised and fed the window's rows);
 * - flat and zero-volume rows are good rows: fed to the indicators; a window of only such
 *   rows is `unusable` (no decision), as is a stale or too short one.
 * Decisions: `ok` -> the strategy's signal on the indicators; `degraded` -> the strategy's
 * fallback over the repaired window (valid rows, sorted, duplicates removed); `unusable`
 * -> none, with the reason.
 */

export interface KernelSpec {
  readonly definition: AnyStrategyDefinition;
  /** The preset's validated params (interval and historyCandles included). */
  readonly params: { readonly interval: string; readonly historyCandles: number };
  readonly symbol: string;
  readonly presetId: string;
  readonly risk: RiskLimits;
  readonly maxStalenessMs: number;
  /** The preset's ML filter (model and settings), when it has one enabled; absent = decisions as without ML. */
  readonly ml?: MlBinding;
}

export type KernelEvaluation =
  | { readonly kind: 'skip'; readonly verdict: Extract<WindowVerdict, { ok: false }> }
  /** The strategy's screen() said the signal is certainly 'none' (only when not explaining). */
  | { readonly kind: 'screened' }
  | { readonly kind: 'signal'; readonly signal: EvaluatedSignal; readonly degraded: boolean };

export const SCREENED: KernelEvaluation = { kind: 'screened' };

export interface KernelAssessment {
  readonly decision: RiskDecision;
  /** Set when the entry is allowed. */
  readonly orderLinkId: string | null;
}

const NO_CANDLES: readonly Candle[] = [];

export class StrategyKernel {
  readonly definition: AnyStrategyDefinition;
  readonly params: KernelSpec['params'];
  readonly intervalMs: number;
  /** Rows judged by the validator: the closed part of the window an actor used to fetch (historyCandles - 1). */
  readonly window: number;
  /** Closed rows ingested before the first decision (converged indicators, and at least the window). */
  readonly warmupCandles: number;
  /** Bumped by every change, so an actor can tell a kernel someone else advanced (crash-only: then it rebuilds). */
  version = 0;
  private readonly validator: WindowValidator;
  private state: unknown;
  /**
   * The market regime of this symbol x timeframe (src/core/indicators/regime.ts), fed the same
   * rows as the indicators and reset with them, whatever the strategy: every signal carries
   * its label (trades, /actors, the journal, metrics). The preset's `regime` block sets it up.
   */
  private readonly regimeSettings: RegimeSettings;
  private regimeClassifier: RegimeClassifier;
  /** The ML filter, fed and reset with the indicators; consulted only once it holds the model's history. */
  private readonly ml: MlFilter | null;
  private lastFed = Number.NaN;
  /** Newest start among the valid rows ingested: the candle a decision is made on. */
  private newestValid = Number.NEGATIVE_INFINITY;
  /** Newest finite start ingested (valid or not). */
  private newestRow = Number.NEGATIVE_INFINITY;
  private readonly scratch: { -readonly [K in keyof Candle]: number } = { start: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, turnover: 0 };
  private readonly options: { -readonly [K in keyof ValidateOptions]: number };

  constructor(private readonly spec: KernelSpec) {
    this.definition = spec.definition;
    this.params = spec.params;
    this.intervalMs = Number(spec.params.interval) * 60_000;
    this.window = Math.max(1, spec.params.historyCandles - 1);
    this.ml = spec.ml ? new MlFilter(spec.ml) : null;
    // A model declares the history it needs: the warm-up (the actor's first fetch, the backfill) includes it.
    this.warmupCandles = Math.max(this.window, convergedWarmup(spec.definition, spec.params), spec.ml?.model.requiredCandles ?? 0);
    this.validator = new WindowValidator(this.window, this.intervalMs);
    this.state = spec.definition.initState(spec.params);
    this.regimeSettings = regimeSettingsOf((spec.params as { readonly regime?: RegimeParams }).regime);
    this.regimeClassifier = new RegimeClassifier(this.regimeSettings);
    let minCandles = 1;
    try {
      minCandles = spec.definition.warmup(spec.params);
    } catch {
      minCandles = 1;
    }
    this.options = { intervalMs: this.intervalMs, now: 0, maxStalenessMs: spec.maxStalenessMs, minCandles };
  }

  /** Start of the newest row received (NaN-start rows aside); -Infinity before the first. */
  get lastStart(): number {
    return this.newestRow;
  }

  /** Start of the candle the next decision is made on (the newest valid row); -Infinity when none. */
  get decisionStart(): number {
    return this.newestValid;
  }

  /** Rows received so far. */
  get rows(): number {
    return this.validator.count;
  }

  /** The newest row received, or null (for checking that a fetched window continues this kernel). */
  lastRow(): Candle | null {
    return this.validator.count === 0 ? null : this.validator.candleAt(this.validator.count - 1);
  }

  /** Appends one closed row (oldest first). O(1); allocation-free except when a gap resets the indicators. */
  ingest(start: number, open: number, high: number, low: number, close: number, volume: number, turnover: number): void {
    this.version++;
    const problem = this.validator.push(start, open, high, low, close, volume, turnover);
    if (Number.isFinite(start) && start > this.newestRow) this.newestRow = start;
    if (problem !== null || !(start > this.newestValid)) return;
    this.newestValid = start;
    if (!Number.isNaN(this.lastFed) && start !== this.lastFed + this.intervalMs) {
      this.state = this.definition.initState(this.params);
      this.regimeClassifier = new RegimeClassifier(this.regimeSettings);
      this.ml?.reset();
    }
    const c = this.scratch;
    c.start = start;
    c.open = open;
    c.high = high;
    c.low = low;
    c.close = close;
    c.volume = volume;
    c.turnover = turnover;
    this.state = this.definition.update(this.state, c, this.params);
    this.regimeClassifier.update(c);
    this.ml?.update(close, volume);
    this.lastFed = start;
  }

  ingestCandle(c: Candle): void {
    this.ingest(c.start, c.open, c.high, c.low, c.close, c.volume, c.turnover);
  }

  /** Quality of the window at `now` (staleness is judged against it). Allocation-free when OK. */
  verdict(now: number): WindowVerdict {
    this.options.now = now;
    return this.validator.verdict(this.options);
  }

  /** The repaired window (valid rows, oldest first), what the fallback reads. Allocates. */
  repairedWindow(): Candle[] {
    return this.validator.repaired(this.options);
  }

  /** The market regime now ('unknown' while its classifier warms up). */
  get regime(): RegimeLabel {
    return regimeLabelOf(this.regimeClassifier.code);
  }

  /** The ML filter's state (null without one): consulted only once `history` reaches `needs`. */
  get mlState(): { readonly version: string; readonly history: number; readonly needs: number; readonly ready: boolean } | null {
    const ml = this.ml;
    return ml === null ? null : { version: ml.binding.model.version, history: ml.history, needs: ml.binding.model.requiredCandles, ready: ml.ready };
  }

  /** The indicator values now, or null while warming up. May be an object the strategy reuses: copy to keep. */
  indicators(): IndicatorResult | null {
    return this.definition.indicators(this.state, this.params);
  }

  /**
   * The decision on the newest candle. With `explain` false, a strategy's screen() may
   * answer 'certainly none' without building the signal, and the signal's reason may be
   * left empty (the fast engine's hot path, which shows neither); an actor passes true so
   * /actors can show the factors and the reason of every decision.
   */
  evaluate(now: number, explain: boolean): KernelEvaluation {
    const verdict = this.verdict(now);
    if (!verdict.ok) {
      if (verdict.severity === 'unusable') return { kind: 'skip', verdict };
      return this.signal(null, this.repairedWindow(), true);
    }
    const indicators = this.indicators();
    if (indicators === null) return this.signal(null, this.repairedWindow(), false);
    const screen = this.definition.screen;
    if (!explain && screen !== undefined && !safeScreen(screen, indicators, this.params)) return SCREENED;
    return this.signal(indicators, NO_CANDLES, false, explain);
  }

  private signal(indicators: IndicatorResult | null, candles: readonly Candle[], degraded: boolean, explain = true): KernelEvaluation {
    const signal = evaluateSignal({
      definition: this.definition,
      params: this.params,
      strategyId: this.spec.presetId,
      symbol: this.spec.symbol,
      indicators,
      candles,
      degraded,
      regime: this.regime,
      explain,
    });
    if (this.ml === null || degraded || signal.fault !== null) return { kind: 'signal', degraded, signal };
    const filtered = this.ml.apply(signal, this.definition.factorNames, signal.candleStart + this.intervalMs, this.regimeClassifier.code);
    return { kind: 'signal', degraded, signal: filtered };
  }

  /**
   * Risk and sizing of an entry signal against an account snapshot, and its deterministic
   * orderLinkId. `explain` false leaves the decision's reason empty (the fast engine).
   */
  assess(signal: EvaluatedSignal, portfolio: PortfolioSnapshot, instrument: Instrument, tradingState: TradingState, explain = true): KernelAssessment {
    const decision = assessEntry({ signal, instrument, portfolio, limits: this.spec.risk, tradingState, explain });
    if (!decision.allowed) return { decision, orderLinkId: null };
    const orderLinkId = buildOrderLinkId({ strategyId: this.spec.presetId, symbol: this.spec.symbol, candleStart: signal.candleStart, side: decision.side, purpose: 'entry' });
    return { decision, orderLinkId };
  }

  /** Never serialised (actor snapshots, /actors): it is hot state, rebuilt after a restart. */
  toJSON(): undefined {
    return undefined;
  }
}

function safeScreen(screen: (i: IndicatorResult, p: never) => boolean, indicators: IndicatorResult, params: unknown): boolean {
  try {
    return screen(indicators, params as never);
  } catch {
    // A screen that throws cannot vouch for 'none': let signal() run (and be guarded).
    return true;
  }
}
