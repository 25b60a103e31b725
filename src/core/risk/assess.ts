import type { Side } from '../../domain/types.ts';
import type { RiskDecision, EntryRequest } from './types.ts';
import { num } from './format.ts';
import { pricesOnGrid, rewardRisk, stopProblem } from './prices.ts';
import { checkAccount, checkPortfolio, checkScore, deny, openExposure } from './rules.ts';
import { sizeEntry } from './sizing.ts';
import { checkPortfolioRules } from './portfolioRules.ts';

/**
 * The risk gate every entry passes (NautilusTrader's RiskEngine): account state, signal
 * quality, portfolio rules, then sizing. Total: bad numbers become a denial with a reason,
 * never an exception, and no denial is without the numbers that caused it.
 */
export function assessEntry(request: EntryRequest): RiskDecision {
  try {
    return assess(request);
  } catch (error) {
    // Unreachable by design; a malformed request (e.g. missing arrays) must still not crash an actor.
    return deny('INVALID_STOP', `risk check failed on a malformed request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function assess(request: EntryRequest): RiskDecision {
  const { signal, instrument, portfolio, limits } = request;
  const account = checkAccount(request);
  if (account) return account;
  const explain = request.explain !== false;
  if (signal.action !== 'long' && signal.action !== 'short') return deny('INVALID_STOP', explain ? `signal action is '${signal.action}': nothing to enter` : '');
  const side: Side = signal.action === 'long' ? 'Buy' : 'Sell';
  const score = checkScore(request);
  if (score) return score;

  const prices = pricesOnGrid(side, signal.price, signal.stopLoss, signal.takeProfit, instrument);
  const stop = stopProblem(side, prices);
  if (stop) return deny('INVALID_STOP', explain ? `${stop} (signal: entry ${num(signal.price)}, stop ${num(signal.stopLoss)})` : '');
  const rr = rewardRisk(side, prices);
  if (!(rr > 0)) {
    // A target that rounds onto (or behind) the entry gains nothing whatever minRewardRisk allows.
    return deny('REWARD_RISK_TOO_LOW', explain ? `reward/risk 0: target ${num(prices.target)} is not beyond the entry ${num(prices.entry)} on the tick grid ${num(instrument.tickSize)}` : '');
  }
  if (!(rr >= limits.minRewardRisk)) {
    return deny('REWARD_RISK_TOO_LOW', explain ? `reward/risk ${num(rr)} (entry ${num(prices.entry)}, stop ${num(prices.stop)}, target ${num(prices.target)}) is below ${num(limits.minRewardRisk)}` : '');
  }
  const portfolioDenial = checkPortfolio(request);
  if (portfolioDenial) return portfolioDenial;
  const terms = checkPortfolioRules(request, side);
  if ('allowed' in terms) return terms;

  const stopDistance = Math.abs(prices.entry - prices.stop);
  const sized = sizeEntry({
    equity: portfolio.equity,
    availableBalance: portfolio.availableBalance,
    openExposure: openExposure(portfolio.positions),
    entryPrice: prices.entry,
    stopDistance,
    // A preset's score-to-size curve (confluence.sizing) replaces the score as the multiplier.
    score: signal.sizeFactor ?? signal.score,
    limits,
    instrument,
    explain,
    ...(terms.budget === undefined ? {} : { budget: terms.budget }),
    ...(terms.correlatedRoom === undefined ? {} : { correlatedRoom: terms.correlatedRoom }),
  });
  if (!sized.ok) return deny(sized.code, sized.reason);
  const riskAmount = sized.qty * stopDistance;
  const capped = explain && sized.cappedBy.length > 0 ? `, capped by ${sized.cappedBy.join(', ')}` : '';
  return {
    allowed: true,
    side,
    qty: sized.qty,
    entryPrice: prices.entry,
    stopLoss: prices.stop,
    takeProfit: prices.target,
    notional: sized.notional,
    riskAmount,
    rewardRisk: rr,
    leverage: sized.leverage,
    cappedBy: sized.cappedBy,
    reason: !explain
      ? ''
      : `${side} ${num(sized.qty)} at ${num(prices.entry)}: risk ${num(riskAmount)} of budget ${num(sized.riskBudget)} ` +
        `(${num(limits.riskPerTradePct)}% x ${signal.sizeFactor === undefined ? '' : `size ${num(signal.sizeFactor)} for `}score ${num(signal.score)} of ${terms.budget === undefined ? `equity ${num(portfolio.equity)}` : `budget ${num(terms.budget)} = ${num((terms.weight ?? 0) * 100)}% of equity ${num(portfolio.equity)}`}), stop distance ${num(stopDistance)}, ` +
        `R/R ${num(rr)}, leverage ${sized.leverage}${capped}`,
  };
}
