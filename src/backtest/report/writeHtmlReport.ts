import { writeFileAtomic } from '../outputFile.ts';
import type { CandleColumns } from '../../history/types.ts';
import type { BacktestResults } from '../types.ts';
import { renderHtmlReport } from './page.ts';

export { renderHtmlReport } from './page.ts';

/**
 * `--report FILE.html`: writes the self-contained HTML report (works offline; see page.ts).
 * `prices` are the candles the run traded on, one CandleColumns per symbol (merged into at
 * most 3,000 bars each). Written atomically; returns the absolute path and the size in
 * bytes; throws OutputFileError (code OUTPUT_FAILED) naming the path when it cannot be written.
 */
export function writeHtmlReport(results: BacktestResults, prices: readonly CandleColumns[], file: string): { path: string; bytes: number } {
  return writeFileAtomic(file, renderHtmlReport(results, prices), '--report');
}
