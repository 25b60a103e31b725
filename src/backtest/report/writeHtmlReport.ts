import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CandleColumns } from '../../history/types.ts';
import type { BacktestResults } from '../types.ts';
import { renderHtmlReport } from './page.ts';

export { renderHtmlReport } from './page.ts';

/**
 * `--report FILE.html`: writes the self-contained HTML report (works offline; see page.ts).
 * `prices` are the candles the run traded on, one CandleColumns per symbol (merged into at
 * most 3,000 bars each). Written to a temporary file and renamed. Returns the absolute
 * path and the size in bytes.
 */
export function writeHtmlReport(results: BacktestResults, prices: readonly CandleColumns[], file: string): { path: string; bytes: number } {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const html = renderHtmlReport(results, prices);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, html);
  renameSync(tmp, path);
  return { path, bytes: Buffer.byteLength(html) };
}
