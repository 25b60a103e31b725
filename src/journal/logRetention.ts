import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Retention for log files: the bot logs to stdout; operators who redirect it into
 * `<dataDir>/logs/*.log` (see the README) get those files pruned with the journal's
 * retention. File times are wall-clock, so the cutoff is too.
 */
export function pruneLogFiles(logDir: string, cutoffWallMs: number): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return 0; // no log directory
  }
  for (const name of names) {
    if (!name.endsWith('.log')) continue;
    const file = join(logDir, name);
    try {
      if (statSync(file).mtimeMs < cutoffWallMs) {
        rmSync(file);
        removed++;
      }
    } catch {
      // vanished meanwhile
    }
  }
  return removed;
}
