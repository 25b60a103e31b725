import { esc, fmtNum } from './html.ts';

/**
 * Small static charts as inline SVG (no script): the research pages' equity lines,
 * histograms and curves. Each chart is an <svg> with `data-points` holding how many points
 * or bins it drew, so a test can check a chart was drawn from the data.
 */
const W = 640;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y] in data units, x increasing. */
  readonly points: readonly (readonly [number, number])[];
}

export interface AxisFormat {
  readonly x: (v: number) => string;
  readonly y: (v: number) => string;
}

const defaultFormat: AxisFormat = { x: (v) => fmtNum(v), y: (v) => fmtNum(v) };

function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  return [lo, hi];
}

export function lineChart(id: string, series: readonly LineSeries[], format: AxisFormat = defaultFormat, label = 'line chart'): string {
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = extent(all.map((p) => p[0]));
  const [y0, y1] = extent(all.map((p) => p[1]));
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const paths = series
    .filter((s) => s.points.length > 0)
    .map((s) => `<polyline fill="none" stroke="${esc(s.color)}" stroke-width="1.5" points="${s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`)
    .join('');
  const yTicks = [y0, (y0 + y1) / 2, y1].map((v) => `<text class="tick" x="${PAD.left - 4}" y="${(py(v) + 3).toFixed(1)}" text-anchor="end">${esc(format.y(v))}</text>`).join('');
  const xTicks = [x0, (x0 + x1) / 2, x1].map((v) => `<text class="tick" x="${px(v).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(format.x(v))}</text>`).join('');
  const zero = y0 < 0 && y1 > 0 ? `<line class="axis zero" x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(0).toFixed(1)}" y2="${py(0).toFixed(1)}"/>` : '';
  const legend = series.length > 1 ? series.map((s, i) => `<text class="tick" x="${PAD.left + 6 + i * 140}" y="${PAD.top + 10}" fill="${esc(s.color)}">${esc(s.name)}</text>`).join('') : '';
  return (
    `<svg class="chart-svg" id="${esc(id)}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(label)}" data-points="${all.length}">` +
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}"/>${zero}${paths}${yTicks}${xTicks}${legend}</svg>`
  );
}

export interface HistogramData {
  /** Bin edges: bins.length + 1 values. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  /** Vertical markers (e.g. the 5th/50th/95th percentiles). */
  readonly markers?: readonly { readonly at: number; readonly label: string }[];
}

export function histogramChart(id: string, h: HistogramData, format: (v: number) => string = (v) => fmtNum(v), label = 'histogram'): string {
  const n = h.counts.length;
  const lo = h.edges[0] ?? 0;
  const hi = h.edges[n] ?? 1;
  const span = hi - lo || 1;
  const max = Math.max(1, ...h.counts);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + ((x - lo) / span) * plotW;
  const bars = h.counts
    .map((c, i) => {
      const x = px(h.edges[i]!);
      const w = Math.max(0.5, px(h.edges[i + 1]!) - x - 0.5);
      const bh = (c / max) * plotH;
      return `<rect class="bar" x="${x.toFixed(1)}" y="${(PAD.top + plotH - bh).toFixed(1)}" width="${w.toFixed(1)}" height="${bh.toFixed(1)}"><title>${esc(format(h.edges[i]!))} .. ${esc(format(h.edges[i + 1]!))}: ${c}</title></rect>`;
    })
    .join('');
  const markers = (h.markers ?? [])
    .map((m) => `<line class="marker" x1="${px(m.at).toFixed(1)}" x2="${px(m.at).toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + plotH}"/><text class="tick" x="${(px(m.at) + 3).toFixed(1)}" y="${PAD.top + 10}">${esc(m.label)}</text>`)
    .join('');
  const ticks = [lo, (lo + hi) / 2, hi].map((v) => `<text class="tick" x="${px(v).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(format(v))}</text>`).join('');
  return (
    `<svg class="chart-svg hist-svg" id="${esc(id)}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(label)}" data-points="${n}">` +
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>${bars}${markers}${ticks}` +
    `<text class="tick" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${max}</text></svg>`
  );
}
