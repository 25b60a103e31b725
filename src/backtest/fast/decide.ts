import { entryCertainlyDenied } from '../../core/risk/rules.ts';
import type { ApprovedEntry, PortfolioSnapshot } from '../../core/risk/types.ts';
import type { TradingState } from '../../domain/types.ts';
import type { EntryInfo } from '../tradeBook.ts';
import type { KernelSlot } from './kernelSlot.ts';

/** An entry approved at a close, waiting to be sent in actor order. */
export interface Approved {
  readonly slot: KernelSlot;
  readonly entry: ApprovedEntry;
  readonly orderLinkId: string;
  readonly info: EntryInfo;
}

/** The account as the actors' fetch sees it at a tick (one instant's view, built on first use). */
export interface AccountAtTick {
  /** Observes the equity now (the day's starting equity), as every fetch of the account does. */
  observe(tick: number): void;
  /** observe(tick), and the portfolio snapshot of this instant. */
  snapshot(tick: number): PortfolioSnapshot;
}

/**
 * One iteration of a strategy actor, as its validating and signalling steps run it:
 * skip when the window is unusable or the candle was already decided on (NO_NEW_CANDLE);
 * otherwise the kernel's signal (a strategy fault is a failed iteration); an entry signal
 * is assessed against the account snapshot of this instant and, if approved, queued. An entry
 * the risk gate certainly denies (trading paused or halted, a position open on the symbol:
 * entryCertainlyDenied) is not assessed: only approvals act here, and most entry signals of
 * a run meet one of those (assessments and their snapshots were 13% of the engine's profile, nearly all denials).
 */
export function decide(slot: KernelSlot, tick: number, tradingState: TradingState, account: AccountAtTick, out: Approved[]): void {
  const kernel = slot.kernel;
  const evaluation = kernel.evaluate(tick, false);
  if (evaluation.kind === 'skip' || kernel.decisionStart <= slot.lastDecided) return;
  slot.lastDecided = kernel.decisionStart;
  if (evaluation.kind === 'screened') {
    slot.succeeded();
    return;
  }
  const { signal } = evaluation;
  if (signal.fault) {
    slot.failed(tick, false);
    return;
  }
  if (signal.action === 'none') {
    slot.succeeded();
    return;
  }
  const size = slot.price.position.size;
  if (entryCertainlyDenied(tradingState, Number.isFinite(size) && size !== 0)) {
    account.observe(tick);
    slot.succeeded();
    return;
  }
  const { decision, orderLinkId } = kernel.assess(signal, account.snapshot(tick), slot.price.instrument, tradingState, false);
  if (!decision.allowed || orderLinkId === null) {
    slot.succeeded();
    return;
  }
  out.push({
    slot,
    entry: decision,
    orderLinkId,
    info: {
      presetId: slot.input.presetId,
      strategyType: slot.input.strategyType,
      signalCandleStart: signal.candleStart,
      stopLoss: decision.stopLoss,
      takeProfit: decision.takeProfit,
      score: signal.score,
      factors: signal.factors,
      signalMode: signal.mode,
      regime: signal.regime ?? 'unknown',
    },
  });
}
