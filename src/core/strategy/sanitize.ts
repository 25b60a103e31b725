import { clamp, type AnyStrategyDefinition, type SignalAction, type SignalDecision, type SignalMode } from './contract.ts';

/**
 * The runner's guard between a strategy and the rest of the system: whatever a decision
 * function returns (or throws), what leaves here is a well-formed SignalDecision. A
 * strategy bug becomes action 'none' with a `fault`, counted by the caller, never a crash
 * and never an order with a NaN stop.
 */

export interface CheckedDecision {
  readonly decision: SignalDecision;
  /** Why the strategy's own answer was replaced, or null when it was used as is. */
  readonly fault: string | null;
}

/** One of the three actions (three comparisons: this runs for every signal of a backtest). */
function isAction(value: unknown): value is SignalAction {
  return value === 'long' || value === 'short' || value === 'none';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function faultDecision(def: AnyStrategyDefinition, mode: SignalMode, price: number, fault: string): CheckedDecision {
  const factors: Record<string, number> = {};
  for (const name of def.factorNames) factors[name] = 0;
  return {
    decision: { action: 'none', price: isNumber(price) ? price : 0, stopLoss: 0, takeProfit: 0, factors, score: 0.1, mode, reason: `strategy fault: ${fault}` },
    fault,
  };
}

/**
 * Validates a raw decision against the contract; `referencePrice` stands in when the decision
 * has none. With `explain` false an empty reason stays empty (the caller never shows it).
 */
export function checkDecision(def: AnyStrategyDefinition, raw: unknown, mode: SignalMode, referencePrice: number, explain = true): CheckedDecision {
  if (typeof raw !== 'object' || raw === null) return faultDecision(def, mode, referencePrice, `returned ${String(raw)} instead of a decision`);
  const d = raw as Partial<Record<keyof SignalDecision, unknown>>;
  const action = d.action as SignalAction;
  if (!isAction(action)) return faultDecision(def, mode, referencePrice, `unknown action ${String(d.action)}`);
  const rawFactors = (typeof d.factors === 'object' && d.factors !== null ? d.factors : {}) as Record<string, unknown>;
  const factors: Record<string, number> = {};
  for (const name of def.factorNames) {
    const value = rawFactors[name];
    if (!isNumber(value) && action !== 'none') return faultDecision(def, mode, referencePrice, `factor ${name} is ${String(value)}`);
    factors[name] = isNumber(value) ? clamp(value, 0, 1) : 0;
  }
  const reason = typeof d.reason === 'string' && (d.reason.length > 0 || !explain) ? d.reason : `${action} (no reason given)`;
  if (action === 'none') {
    const price = isNumber(d.price) ? d.price : isNumber(referencePrice) ? referencePrice : 0;
    const score = isNumber(d.score) ? clamp(d.score, 0.1, 1) : 0.1;
    return { decision: { action, price, stopLoss: 0, takeProfit: 0, factors, score, mode, reason }, fault: null };
  }
  const { price, stopLoss, takeProfit, score } = d;
  if (!isNumber(price) || price <= 0) return faultDecision(def, mode, referencePrice, `${action} with price ${String(price)}`);
  if (!isNumber(score)) return faultDecision(def, mode, price, `${action} with score ${String(score)}`);
  if (!isNumber(stopLoss) || !isNumber(takeProfit) || stopLoss <= 0 || takeProfit <= 0) {
    return faultDecision(def, mode, price, `${action} with stop ${String(stopLoss)} and target ${String(takeProfit)}`);
  }
  const sidesOk = action === 'long' ? stopLoss < price && price < takeProfit : stopLoss > price && price > takeProfit;
  if (!sidesOk) return faultDecision(def, mode, price, `${action} at ${price} with stop ${stopLoss} and target ${takeProfit} on the wrong side`);
  const sizing = isNumber(d.sizeFactor) ? { sizeFactor: clamp(d.sizeFactor, 0, 1) } : {};
  return { decision: { action, price, stopLoss, takeProfit, factors, score: clamp(score, 0.1, 1), ...sizing, mode, reason }, fault: null };
}

/** The fault of a decision function that threw `error`. */
export function thrownFault(def: AnyStrategyDefinition, mode: SignalMode, referencePrice: number, error: unknown): CheckedDecision {
  return faultDecision(def, mode, referencePrice, `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}

/** Runs a decision function, turning a throw into a fault. */
export function guardedDecision(def: AnyStrategyDefinition, mode: SignalMode, referencePrice: number, decide: () => unknown, explain = true): CheckedDecision {
  let raw: unknown;
  try {
    raw = decide();
  } catch (error) {
    return thrownFault(def, mode, referencePrice, error);
  }
  return checkDecision(def, raw, mode, referencePrice, explain);
}
