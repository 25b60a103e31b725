import { resolve } from 'node:path';
import type { AppConfig } from '../../config/schema.ts';

/**
 * Where the history store lives: `--history-dir DIR` when given, else
 * `<journal.dataDir>/history`, or `data/history` when journal.dataDir is empty (the per-mode
 * default), relative to the working directory.
 * The data CLI and the backtest CLI resolve it the same way.
 */
export function resolveHistoryDir(options: { readonly historyDir?: string | undefined; readonly config: Pick<AppConfig, 'journal'>; readonly cwd?: string }): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.historyDir) return resolve(cwd, options.historyDir);
  // Market history is the same whatever the mode: with the per-mode default data directory
  // (journal.dataDir empty = data/<mode>[-<venue>]) it is shared at data/history.
  return resolve(cwd, options.config.journal.dataDir || 'data', 'history');
}
