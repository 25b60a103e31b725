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

/**
 * One iteration of a strategy actor, as its validating and signalling steps run it:
 * skip when the window is unusable or the candle was already decided on (NO_NEW_CANDLE);
 * otherwise the kernel's signal (a strategy fault is a failed iteration); an entry signal
 * is assessed against the account snapshot of this instant and, if approved, queued.
 */
export function decide(slot: KernelSlot, tick: number, tradingState: TradingState, snapshotAt: (t: number) => PortfolioSnapshot, out: Approved[]): void {
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
  const { decision, orderLinkId } = kernel.assess(signal, snapshotAt(tick), slot.price.instrument, tradingState, false);
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
    },
  });
}
