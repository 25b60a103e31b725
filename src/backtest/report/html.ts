/**
 * Escaping for the report. Everything that comes from the run (symbols, preset ids, reasons,
 * factor names) goes through `esc` in text and attributes; data for the page's script goes
 * through `scriptJson`, which cannot close the <script> element it sits in.
 */
import { projectPath } from '../../projectRoot.ts';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** JSON for an inline <script type="application/json">: '<' and the JS line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A JavaScript or CSS text inlined in the page, refused if it could end its element early. */
export function inlineCode(code: string, element: 'script' | 'style'): string {
  if (new RegExp(`</${element}`, 'i').test(code)) throw new Error(`inlined ${element} contains </${element}>`);
  return code;
}

/** The exact JSON of a figure, for data-value attributes a test (or a script) can read back. */
export function dataValue(value: number | string | null): string {
  return esc(JSON.stringify(value));
}

const grouped = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function fmtMoney(v: number | null): string {
  return v === null ? '-' : grouped.format(v);
}

export function fmtNum(v: number | null, digits = 2): string {
  return v === null ? '-' : v.toFixed(digits);
}

export function fmtPct(v: number | null, digits = 2): string {
  return v === null ? '-' : `${v.toFixed(digits)}%`;
}

/**
 * The report's own script and style, found from the repository root: they load the same
 * from src/ under tsx and from the bundle `npm run backtest` runs (dist/backtest.mjs), where
 * every module shares one import.meta.url.
 */
export const REPORT_ASSETS = {
  script: projectPath('src/backtest/report/assets/report.js'),
  style: projectPath('src/backtest/report/assets/report.css'),
} as const;
