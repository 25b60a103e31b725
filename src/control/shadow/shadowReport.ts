import type { AppConfig } from '../../../config/schema.ts';
import type { PresetPlan } from '../../../config/diff.ts';
import { summarizePaper, type PaperAccount, type PaperSummary } from '../../core/paper/paperAccount.ts';
import type { PaperFill, Variant } from './paperBook.ts';

/** One decision of an actor: what it signalled on a candle. */
export interface Decision {
  readonly candleStart: number;
  readonly action: string;
  readonly score: number;
}

export interface VariantFigures {
  /** Candles evaluated (a signal, 'none' included). */
  readonly evaluations: number;
  /** Entry signals (buy or sell). */
  readonly entries: number;
  /** Paper entries taken. */
  readonly fills: number;
  readonly paper: PaperSummary;
}

export interface ShadowSymbolReport {
  readonly symbol: string;
  readonly live: { readonly evaluations: number; readonly entries: number } | null;
  readonly baseline: VariantFigures | null;
  readonly candidate: VariantFigures;
  /** Candidate vs live, on the candles both evaluated. */
  readonly agreement: {
    readonly compared: number;
    readonly same: number;
    readonly differences: readonly { readonly candle: string; readonly live: string; readonly candidate: string }[];
  } | null;
}

export interface ShadowPresetReport {
  readonly preset: string;
  readonly status: 'changed' | 'added';
  readonly currentParams: unknown;
  readonly candidateParams: unknown;
  readonly symbols: readonly ShadowSymbolReport[];
  readonly baseline: PaperSummary | null;
  readonly candidate: PaperSummary;
}

export interface ShadowReport {
  readonly active: boolean;
  /** running, promoted, rolled_back, expired. */
  readonly outcome: string;
  readonly startedAt: string;
  readonly endsAt: string;
  readonly endedAt: string | null;
  readonly currentVersion: string;
  readonly candidateVersion: string;
  readonly changes: readonly string[];
  readonly removedPresets: readonly string[];
  readonly presets: readonly ShadowPresetReport[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function figures(decisions: readonly Decision[], fills: number, paper: PaperSummary): VariantFigures {
  return { evaluations: decisions.length, entries: decisions.filter((d) => d.action !== 'none').length, fills, paper };
}

function agreement(live: readonly Decision[], candidate: readonly Decision[]): ShadowSymbolReport['agreement'] {
  const byCandle = new Map(live.map((d) => [d.candleStart, d.action]));
  let compared = 0;
  let same = 0;
  const differences: { candle: string; live: string; candidate: string }[] = [];
  for (const d of candidate) {
    const action = byCandle.get(d.candleStart);
    if (action === undefined) continue;
    compared++;
    if (action === d.action) same++;
    else differences.push({ candle: iso(d.candleStart), live: action, candidate: d.action });
  }
  return { compared, same, differences: differences.slice(-10) };
}

export interface ShadowReportInput {
  readonly active: boolean;
  readonly outcome: string;
  readonly startedAt: number;
  readonly endsAt: number;
  readonly endedAt: number | null;
  readonly versions: { readonly current: string; readonly candidate: string };
  readonly changes: readonly string[];
  readonly plan: PresetPlan;
  readonly current: AppConfig;
  readonly candidate: AppConfig;
  readonly decisions: ReadonlyMap<string, readonly Decision[]>;
  readonly fills: readonly PaperFill[];
  readonly account: (preset: string, variant: Variant) => PaperAccount;
  readonly variantOf: (actorId: string) => Variant;
}

/** GET /shadow: per changed or added preset and symbol, decisions and paper PnL of candidate, baseline and live. */
export function shadowReport(i: ShadowReportInput): ShadowReport {
  const presets: ShadowPresetReport[] = [];
  for (const id of [...i.plan.changedPresets, ...i.plan.addedPresets]) {
    const next = i.candidate.strategies.find((p) => p.id === id);
    if (!next || !next.enabled) continue;
    const old = i.current.strategies.find((p) => p.id === id);
    const changed = i.plan.changedPresets.includes(id) && old !== undefined && old.enabled;
    const fillsOf = (actorId: string) => i.fills.filter((f) => f.actorId === actorId && f.opened).length;
    const symbols = next.symbols.map((symbol): ShadowSymbolReport => {
      const cand = i.decisions.get(`${symbol}:${id}@candidate`) ?? [];
      const base = i.decisions.get(`${symbol}:${id}@baseline`) ?? [];
      const live = i.decisions.get(`${symbol}:${id}`) ?? [];
      const hasBaseline = changed && old!.symbols.includes(symbol);
      return {
        symbol,
        live: hasBaseline ? { evaluations: live.length, entries: live.filter((d) => d.action !== 'none').length } : null,
        baseline: hasBaseline ? figures(base, fillsOf(`${symbol}:${id}@baseline`), summarizePaper(i.account(id, 'baseline'), symbol)) : null,
        candidate: figures(cand, fillsOf(`${symbol}:${id}@candidate`), summarizePaper(i.account(id, 'candidate'), symbol)),
        agreement: hasBaseline ? agreement(live, cand) : null,
      };
    });
    presets.push({
      preset: id,
      status: changed ? 'changed' : 'added',
      currentParams: old?.params ?? null,
      candidateParams: next.params,
      symbols,
      baseline: changed ? summarizePaper(i.account(id, 'baseline')) : null,
      candidate: summarizePaper(i.account(id, 'candidate')),
    });
  }
  return {
    active: i.active,
    outcome: i.outcome,
    startedAt: iso(i.startedAt),
    endsAt: iso(i.endsAt),
    endedAt: i.endedAt === null ? null : iso(i.endedAt),
    currentVersion: i.versions.current,
    candidateVersion: i.versions.candidate,
    changes: i.changes,
    removedPresets: i.plan.removedPresets,
    presets,
  };
}
