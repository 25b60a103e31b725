import type { ResultTrade } from '../types.ts';
import { esc, fmtNum } from './html.ts';

/**
 * The confluence factors of winners against losers: for each preset, each of the three
 * factors its trades were entered on, a histogram of the winners' values beside the
 * losers' (as a share of each group, so groups of different sizes compare), with the
 * groups' means. A factor that separates winners from losers shows two different shapes;
 * one that does not is not earning its weight. Drawn as inline SVG: no script needed.
 */

export const FACTOR_BINS = 10;

export interface FactorDistribution {
  readonly presetId: string;
  readonly strategyType: string;
  readonly factor: string;
  /** Bin edges span [lo, hi]: [0, 1] unless a value falls outside. */
  readonly lo: number;
  readonly hi: number;
  readonly winners: readonly number[];
  readonly losers: readonly number[];
  readonly winnerMean: number | null;
  readonly loserMean: number | null;
}

function histogram(values: readonly number[], lo: number, hi: number): number[] {
  const bins = new Array<number>(FACTOR_BINS).fill(0);
  const width = (hi - lo) / FACTOR_BINS;
  for (const v of values) bins[Math.min(FACTOR_BINS - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  return bins;
}

const mean = (v: readonly number[]): number | null => (v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null);

/** Winners: net PnL > 0; losers: the rest (net <= 0). Presets in `order` first, factors in first-seen order per preset. */
export function factorDistributions(trades: readonly ResultTrade[], order: readonly string[] = []): FactorDistribution[] {
  const byPreset = new Map<string, ResultTrade[]>(order.map((id) => [id, []]));
  for (const t of trades) {
    const list = byPreset.get(t.presetId) ?? [];
    list.push(t);
    byPreset.set(t.presetId, list);
  }
  const out: FactorDistribution[] = [];
  for (const [presetId, list] of byPreset) {
    if (list.length === 0) continue;
    const names: string[] = [];
    for (const t of list) for (const k of Object.keys(t.factors)) if (!names.includes(k)) names.push(k);
    for (const factor of names) {
      const win: number[] = [];
      const lose: number[] = [];
      for (const t of list) {
        const v = t.factors[factor];
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        (t.netPnl > 0 ? win : lose).push(v);
      }
      const all = [...win, ...lose];
      const lo = Math.min(0, ...all);
      const hi = Math.max(1, ...all);
      out.push({ presetId, strategyType: list[0]!.strategyType, factor, lo, hi, winners: histogram(win, lo, hi), losers: histogram(lose, lo, hi), winnerMean: mean(win), loserMean: mean(lose) });
    }
  }
  return out;
}

const W = 320;
const H = 150;
const PAD = { left: 34, right: 8, top: 10, bottom: 26 };

function svg(d: FactorDistribution): string {
  const nw = d.winners.reduce((a, b) => a + b, 0);
  const nl = d.losers.reduce((a, b) => a + b, 0);
  const share = (n: number, total: number) => (total > 0 ? n / total : 0);
  const maxShare = Math.max(0.01, ...d.winners.map((n) => share(n, nw)), ...d.losers.map((n) => share(n, nl)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const binW = plotW / FACTOR_BINS;
  const y = (s: number) => PAD.top + plotH - (s / maxShare) * plotH;
  const rects: string[] = [];
  for (let b = 0; b < FACTOR_BINS; b++) {
    const x = PAD.left + b * binW;
    const sw = share(d.winners[b]!, nw);
    const sl = share(d.losers[b]!, nl);
    rects.push(`<rect class="win" x="${(x + 1).toFixed(1)}" y="${y(sw).toFixed(1)}" width="${(binW / 2 - 1).toFixed(1)}" height="${(PAD.top + plotH - y(sw)).toFixed(1)}"><title>winners ${d.winners[b]} (${(sw * 100).toFixed(0)}%)</title></rect>`);
    rects.push(`<rect class="loss" x="${(x + binW / 2).toFixed(1)}" y="${y(sl).toFixed(1)}" width="${(binW / 2 - 1).toFixed(1)}" height="${(PAD.top + plotH - y(sl)).toFixed(1)}"><title>losers ${d.losers[b]} (${(sl * 100).toFixed(0)}%)</title></rect>`);
  }
  const axis = `<line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"/>`;
  const xLabels = [0, FACTOR_BINS / 2, FACTOR_BINS]
    .map((b) => `<text class="tick" x="${PAD.left + b * binW}" y="${H - 10}" text-anchor="middle">${fmtNum(d.lo + ((d.hi - d.lo) * b) / FACTOR_BINS, 1)}</text>`)
    .join('');
  const yLabel = `<text class="tick" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${(maxShare * 100).toFixed(0)}%</text>`;
  return `<svg class="hist" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`${d.factor}: winners vs losers`)}">${axis}${rects.join('')}${xLabels}${yLabel}</svg>`;
}

export function factorSection(trades: readonly ResultTrade[], presetOrder: readonly string[] = []): string {
  const dists = factorDistributions(trades, presetOrder);
  if (dists.length === 0) return '<p class="empty">No trades: no factor distributions.</p>';
  const presets = [...new Set(dists.map((d) => d.presetId))];
  return presets
    .map((presetId) => {
      const ds = dists.filter((d) => d.presetId === presetId);
      const figures = ds
        .map((d) => {
          const nw = d.winners.reduce((a, b) => a + b, 0);
          const nl = d.losers.reduce((a, b) => a + b, 0);
          return (
            `<figure class="factor" data-preset="${esc(d.presetId)}" data-factor="${esc(d.factor)}" data-winners="${nw}" data-losers="${nl}">` +
            `<figcaption>${esc(d.factor)}</figcaption>${svg(d)}` +
            `<div class="means"><span class="win">winners ${nw}, mean ${fmtNum(d.winnerMean)}</span> <span class="loss">losers ${nl}, mean ${fmtNum(d.loserMean)}</span></div></figure>`
          );
        })
        .join('');
      return `<div class="factor-group"><h3>${esc(presetId)} <small>${esc(ds[0]!.strategyType)}</small></h3><div class="factor-row">${figures}</div></div>`;
    })
    .join('');
}
