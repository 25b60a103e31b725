/** Trade statistics and risk-adjusted ratios of a row. Pure; null where a figure is undefined. */

export const ANNUALISATION_DAYS = 365;

export interface TradeLike {
  readonly grossPnl: number;
  readonly fees: number;
  readonly funding: number;
  readonly netPnl: number;
  readonly rMultiple: number;
}

export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRatePct: number | null;
  readonly netPnl: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly funding: number;
  readonly grossProfit: number;
  readonly grossLoss: number;
  readonly profitFactor: number | null;
  readonly expectancyR: number | null;
}

export function tradeStats(trades: readonly TradeLike[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let net = 0;
  let gross = 0;
  let fees = 0;
  let funding = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let rSum = 0;
  let rCount = 0;
  for (const t of trades) {
    net += t.netPnl;
    gross += t.grossPnl;
    fees += t.fees;
    funding += t.funding;
    if (t.netPnl > 0) {
      wins++;
      grossProfit += t.netPnl;
    } else if (t.netPnl < 0) {
      losses++;
      grossLoss -= t.netPnl;
    }
    if (Number.isFinite(t.rMultiple)) {
      rSum += t.rMultiple;
      rCount++;
    }
  }
  return {
    trades: trades.length,
    wins,
    losses,
    winRatePct: trades.length > 0 ? (wins / trades.length) * 100 : null,
    netPnl: net,
    grossPnl: gross,
    fees,
    funding,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancyR: rCount > 0 ? rSum / rCount : null,
  };
}

function mean(r: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += r[i]!;
  return sum / r.length;
}

/** mean / sample standard deviation x sqrt(365); null with fewer than 2 returns or no variation. */
export function sharpeRatio(r: Float64Array): number | null {
  if (r.length < 2) return null;
  const m = mean(r);
  let ss = 0;
  for (let i = 0; i < r.length; i++) ss += (r[i]! - m) ** 2;
  const sd = Math.sqrt(ss / (r.length - 1));
  // Below this the spread is rounding noise of equal returns, not risk.
  if (!(sd > 1e-15)) return null;
  return (m / sd) * Math.sqrt(ANNUALISATION_DAYS) + 0; // + 0: no -0 in the JSON
}

/** mean / downside deviation (target 0, over all n days) x sqrt(365); null with fewer than 2 returns or no losing day. */
export function sortinoRatio(r: Float64Array): number | null {
  if (r.length < 2) return null;
  let ss = 0;
  for (let i = 0; i < r.length; i++) if (r[i]! < 0) ss += r[i]! ** 2;
  const dd = Math.sqrt(ss / r.length);
  if (!(dd > 0)) return null;
  return (mean(r) / dd) * Math.sqrt(ANNUALISATION_DAYS) + 0;
}
