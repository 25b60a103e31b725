import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputFileError } from '../backtest/outputFile.ts';
import { paramsOf, type TrialRecord } from './search.ts';
import type { ParamValue, ResolvedSpace } from './space.ts';
import type { TrialMetrics } from './trialMetrics.ts';

/**
 * `npm run optimize --trials-out FILE`: every trial of the run, one JSON object a line
 * (NDJSON), written as the trial finishes, so the optimiser itself keeps only the table's
 * rows in memory however many trials run. Read it back with any NDJSON reader, e.g.
 * `jq -s 'sort_by(-.objective) | .[:5]' trials.ndjson`.
 */
export interface TrialLine {
  /** The walk-forward window the trial belongs to, null for a single search. */
  readonly window: number | null;
  /** Index of the trial in its search (0-based, task order: the same with 1 or N workers). */
  readonly trial: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly objective: number | null;
  /** The trial's figures on its training span; null when the engine refused the params (then `error` says why). */
  readonly metrics: TrialMetrics | null;
  readonly error?: string;
}

export function trialLine(space: ResolvedSpace, window: number | null, t: TrialRecord): TrialLine {
  return { window, trial: t.index, params: paramsOf(space, t.candidate), objective: t.objective, metrics: t.metrics, ...(t.error !== undefined ? { error: t.error } : {}) };
}

export interface TrialLog {
  readonly path: string;
  write(line: TrialLine): void;
  /** Lines written so far. */
  readonly lines: number;
  close(): void;
}

/** Opens (truncates) `file`, creating its directory; a path that cannot be written is an OutputFileError naming the option. */
export function openTrialLog(file: string, what = '--trials-out'): TrialLog {
  const path = resolve(file);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w');
  } catch (error) {
    throw new OutputFileError(what, path, error);
  }
  let lines = 0;
  let open = true;
  return {
    path,
    get lines() {
      return lines;
    },
    write(line) {
      try {
        writeSync(fd, `${JSON.stringify(line)}\n`);
      } catch (error) {
        throw new OutputFileError(what, path, error);
      }
      lines++;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
