import { resolve } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';

/**
 * Where the history store lives: `--history-dir DIR` when given, else
 * `<journal.dataDir>/history` (default `data/history`), relative to the working directory.
 * The data CLI and the backtest CLI resolve it the same way.
 */
export function resolveHistoryDir(options: { readonly historyDir?: string | undefined; readonly config: Pick<AppConfig, 'journal'>; readonly cwd?: string }): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.historyDir) return resolve(cwd, options.historyDir);
  return resolve(cwd, options.config.journal.dataDir, 'history');
}
