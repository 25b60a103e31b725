/**
 * The dashboard's Portfolio panel: what GET /portfolio shows (src/http/portfolioView.ts),
 * cut to what the page draws: per preset the weight, budget, used and free; the correlation
 * matrix with its threshold; the last rebalance (time ISO-8601 UTC, mode, reason, reductions).
 */
export interface PortfolioPanel {
  readonly enabled: boolean;
  readonly mode: string;
  /** Why the panel is empty (the section is off), else null. */
  readonly note: string | null;
  readonly equity: number | null;
  readonly checkedAt: string | null;
  readonly presets: readonly { readonly presetId: string; readonly weight: number | null; readonly budget: number | null; readonly used: number; readonly free: number | null }[];
  readonly correlations: { readonly threshold: number; readonly symbols: readonly string[]; readonly matrix: readonly (readonly (number | null)[])[] } | null;
  readonly lastRebalance: { readonly at: string; readonly mode: string; readonly reason: string; readonly resized: number } | null;
  readonly rebalances: number;
}

/** The GET /portfolio body, as far as the panel reads it. */
export type PortfolioBody =
  | { readonly enabled: false; readonly mode: string; readonly reason: string }
  | {
      readonly enabled: true;
      readonly mode: string;
      readonly equity: number | null;
      readonly checkedAt: string | null;
      readonly presets: PortfolioPanel['presets'];
      readonly correlations: PortfolioPanel['correlations'];
      readonly rebalances: number;
      readonly lastRebalance: { readonly at: string; readonly mode: string; readonly reason: string; readonly resized?: readonly unknown[] | undefined } | null;
    };

export function portfolioPanel(body: PortfolioBody): PortfolioPanel {
  if (!body.enabled) return { enabled: false, mode: body.mode, note: body.reason, equity: null, checkedAt: null, presets: [], correlations: null, lastRebalance: null, rebalances: 0 };
  const last = body.lastRebalance;
  return {
    enabled: true,
    mode: body.mode,
    note: null,
    equity: body.equity,
    checkedAt: body.checkedAt,
    presets: body.presets.map((p) => ({ presetId: p.presetId, weight: p.weight, budget: p.budget, used: p.used, free: p.free })),
    correlations: body.correlations,
    lastRebalance: last ? { at: last.at, mode: last.mode, reason: last.reason, resized: last.resized?.length ?? 0 } : null,
    rebalances: body.rebalances,
  };
}
