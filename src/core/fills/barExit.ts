import { slippedPrice } from './slippage.ts';

/**
 * The bar-level fill model for a position's protective triggers (stop-loss, take-profit,
 * liquidation), used by the fast backtest engine and by the simulator when it replays
 * stored candles. Only a bar's open, high and low are known, not the path between them, so:
 *
 * 1. A gap: the bar OPENS beyond a trigger. The first trigger the price reaches on its way
 *    to the open fires and fills at the open (a stop-loss or take-profit is a market order
 *    once triggered), moved by slippage. A liquidation fills at the liquidation price.
 * 2. Otherwise, when the bar's range reaches an adverse trigger (stop-loss or liquidation)
 *    it fires, EVEN IF the take-profit is inside the same bar: the stop first (the
 *    conservative reading of an unknown path). Of two adverse triggers, the one nearer the
 *    open fires. A stop-loss fills at its trigger moved by slippage; a liquidation at the
 *    liquidation price.
 * 3. Otherwise, when the range reaches the take-profit, it fills at its trigger moved by
 *    slippage.
 *
 * Slippage always goes against us (a long is closed by a sell: price x (1 - bps)), and every
 * price lands on the tick grid. Allocation-free: the answer is written into `out`.
 */

export type BarExitKind = 'StopLoss' | 'TakeProfit' | 'Liquidation';

export interface BarExit {
  kind: BarExitKind;
  /** The trigger price that fired. */
  trigger: number;
  /** The fill price. */
  price: number;
}

export interface TriggerSet {
  /** Signed position size (+ long, - short). */
  readonly size: number;
  /** 0 = not set. */
  readonly stopLoss: number;
  readonly takeProfit: number;
  /** 0 = none. */
  readonly liquidation: number;
}

export function newBarExit(): BarExit {
  return { kind: 'StopLoss', trigger: 0, price: 0 };
}

function set(out: BarExit, kind: BarExitKind, trigger: number, price: number): true {
  out.kind = kind;
  out.trigger = trigger;
  out.price = price;
  return true;
}

/** True when a trigger fired in the bar; the details are in `out`. */
export function resolveBarExit(t: TriggerSet, open: number, high: number, low: number, slippageBps: number, tickSize: number, out: BarExit): boolean {
  if (t.size === 0) return false;
  const long = t.size > 0;
  const closing = long ? 'Sell' : 'Buy';
  // The adverse trigger the price meets first when moving against the position.
  let adverse = 0;
  let adverseKind: BarExitKind = 'StopLoss';
  if (t.stopLoss > 0) adverse = t.stopLoss;
  if (t.liquidation > 0 && (adverse === 0 || (long ? t.liquidation > adverse : t.liquidation < adverse))) {
    adverse = t.liquidation;
    adverseKind = 'Liquidation';
  }
  const tp = t.takeProfit;
  if (adverse > 0 && (long ? open <= adverse : open >= adverse)) {
    const price = adverseKind === 'Liquidation' ? adverse : slippedPrice(open, closing, slippageBps, tickSize);
    return set(out, adverseKind, adverse, price);
  }
  if (tp > 0 && (long ? open >= tp : open <= tp)) return set(out, 'TakeProfit', tp, slippedPrice(open, closing, slippageBps, tickSize));
  if (adverse > 0 && (long ? low <= adverse : high >= adverse)) {
    const price = adverseKind === 'Liquidation' ? adverse : slippedPrice(adverse, closing, slippageBps, tickSize);
    return set(out, adverseKind, adverse, price);
  }
  if (tp > 0 && (long ? high >= tp : low <= tp)) return set(out, 'TakeProfit', tp, slippedPrice(tp, closing, slippageBps, tickSize));
  return false;
}
