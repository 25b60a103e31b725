import type { ClosedTrade } from './tradeCsv.ts';

/**
 * The end-of-run summary `npm start` prints: trades closed during the run, their fees and
 * PnL per preset and for the account, and the funding paid or received. Pure: journal rows
 * in, figures out (the journal's closedTrades() rebuilds trades from the fills, which never
 * include funding rows).
 */
export interface PresetSummary {
  readonly trades: number;
  readonly wins: number;
  readonly grossPnl: number;
  readonly fees: number;
  readonly netPnl: number;
}

export interface RunSummary {
  /** Start of the run on the bot's clock (simulated time in dry-run), ISO-8601. */
  readonly since: string;
  readonly byPreset: Readonly<Record<string, PresetSummary>>;
  readonly account: PresetSummary & {
    /** Funding over the run: positive = received, negative = paid (USDT). */
    readonly funding: number;
    /** Net PnL of the trades plus funding. */
    readonly netWithFunding: number;
  };
}

const round = (value: number): number => Math.round(value * 1e4) / 1e4;

function add(into: PresetSummary | undefined, t: ClosedTrade): PresetSummary {
  const base = into ?? { trades: 0, wins: 0, grossPnl: 0, fees: 0, netPnl: 0 };
  return { trades: base.trades + 1, wins: base.wins + (t.netPnl > 0 ? 1 : 0), grossPnl: base.grossPnl + t.grossPnl, fees: base.fees + t.fees, netPnl: base.netPnl + t.netPnl };
}

function rounded(s: PresetSummary): PresetSummary {
  return { trades: s.trades, wins: s.wins, grossPnl: round(s.grossPnl), fees: round(s.fees), netPnl: round(s.netPnl) };
}

/** Trades that closed at or after `since` (bot clock), and the funding booked since then. */
export function summarizeRun(trades: readonly ClosedTrade[], fundingPnl: number, since: number): RunSummary {
  const byPreset: Record<string, PresetSummary> = {};
  let account: PresetSummary | undefined;
  for (const t of trades) {
    if (t.exitTime < since) continue;
    const preset = t.strategy || '(adopted)';
    byPreset[preset] = add(byPreset[preset], t);
    account = add(account, t);
  }
  const total = rounded(account ?? { trades: 0, wins: 0, grossPnl: 0, fees: 0, netPnl: 0 });
  return {
    since: new Date(since).toISOString(),
    byPreset: Object.fromEntries(Object.entries(byPreset).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, rounded(v)])),
    account: { ...total, funding: round(fundingPnl), netWithFunding: round(total.netPnl + fundingPnl) },
  };
}

/** One human line: the account first, then each preset. */
export function describeRunSummary(s: RunSummary): string {
  const presets = Object.entries(s.byPreset)
    .map(([id, p]) => `${id}: ${p.trades} trade(s), net ${p.netPnl.toFixed(2)} after fees ${p.fees.toFixed(2)}`)
    .join('; ');
  const a = s.account;
  return (
    `run summary since ${s.since}: ${a.trades} closed trade(s), ${a.wins} winning, gross ${a.grossPnl.toFixed(2)} USDT, fees ${a.fees.toFixed(2)}, ` +
    `net ${a.netPnl.toFixed(2)}, funding ${a.funding.toFixed(2)}, net with funding ${a.netWithFunding.toFixed(2)}` +
    (presets ? ` | ${presets}` : '')
  );
}
