import { performance } from 'node:perf_hooks';
import { loadToolConfig } from '../cli/toolConfig.ts';
import { intervalMs } from '../domain/types.ts';
import { openHistoryStore, resolveHistoryDir } from '../history/index.ts';
import type { CandleColumns } from '../history/types.ts';
import { runActorEngine } from './actorEngine.ts';
import { parseBacktestArgs, USAGE, type BacktestArgs } from './cliArgs.ts';
import type { AppConfig } from '../../config/schema.ts';
import { ResearchInputError } from '../domain/errors.ts';
import { runCompare, type CompareOutput } from '../research/compareRun.ts';
import { renderCompareReport } from '../research/compareReport.ts';
import { formatCompareRun } from '../research/compareSummary.ts';
import { runFastEngine } from './fast/fastEngine.ts';
import { createMlCaches } from '../ml/caches.ts';
import { loadMlBindings } from '../ml/serving.ts';
import type { BacktestInput } from './input.ts';
import { summarize } from './metrics.ts';
import { OutputFileError, writeFileAtomic } from './outputFile.ts';
import { createProgress } from './progress.ts';
import { writeHtmlReport } from './report/writeHtmlReport.ts';
import { planBacktest } from './runPlan.ts';
import { printSummary, writeJson } from './summaryTable.ts';
import { formatAllocationRuns, type AllocationRun } from './allocationTable.ts';
import type { AllocationMode } from '../core/portfolio/types.ts';

/**
 * `npm run backtest`: see USAGE (src/backtest/cliArgs.ts) and the README's "Backtesting".
 * The summary table goes to stdout, the progress bar (terminals only) and skipped presets to
 * stderr. Exit codes: 0 done, 2 bad arguments or configuration (one line per problem), 1 the
 * run failed (e.g. no stored candles for a series, a result file that cannot be written).
 */

/** Symbol-candles the run will process (closing in (from, to]), for the progress bar. */
function candlesInRun(input: BacktestInput): number {
  let total = 0;
  for (const d of input.data.values()) for (const s of d.series) total += Math.max(0, Math.floor((input.to - input.from) / intervalMs(s.interval)));
  return total;
}

async function main(): Promise<number> {
  const parsed = parseBacktestArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadToolConfig(args.configPath);
  if (!config) return 2;
  if (args.compare) return compare({ ...args, historyDir: resolveHistoryDir({ historyDir: args.historyDir, config }) }, config);
  const plan = await planBacktest({ ...args, historyDir: resolveHistoryDir({ historyDir: args.historyDir, config }) }, config, async (dir) => openHistoryStore(dir));
  for (const line of plan.skipped) process.stderr.write(`skipped: ${line}\n`);
  if (args.allocation) return allocationModes(args, plan.input, args.allocation);

  const total = candlesInRun(plan.input);
  const span = Math.max(1, plan.input.to - plan.input.from);
  const progress = createProgress({ total, label: args.engine === 'actors' ? 'backtest (actors)' : 'backtest' });
  const onProgress = (time: number): void => progress.update(Math.round((total * (time - plan.input.from)) / span));
  // Presets with ml.enabled run with their newest verified model (README, "ML filter").
  const models = loadMlBindings(plan.input.config, createMlCaches(config, () => performance.now()).model);
  for (const [id, b] of models) process.stderr.write(`ML filter: ${id} uses ${b.model.version} (${b.settings.mode})\n`);
  let run;
  try {
    run = args.engine === 'actors' ? await runActorEngine(plan.input, { onProgress, models }) : runFastEngine(plan.input, { onProgress, models });
  } finally {
    progress.stop();
  }

  const results = summarize(run);
  printSummary(results);
  if (args.json) process.stderr.write(`written: ${writeJson(results, args.json).path}\n`);
  if (args.report) {
    const prices: CandleColumns[] = [];
    for (const d of plan.input.data.values()) prices.push(...d.series);
    process.stderr.write(`written: ${writeHtmlReport(results, prices, args.report).path}\n`);
  }
  return 0;
}

/** `--allocation m1,m2,...`: the same data once per allocation mode, one table (src/backtest/allocationTable.ts). */
async function allocationModes(args: BacktestArgs, input: BacktestInput, modes: readonly AllocationMode[]): Promise<number> {
  const portfolio = input.config.portfolio;
  if (modes.includes('fixed') && Object.keys(portfolio.allocation.weights).length === 0) {
    process.stderr.write('--allocation: fixed needs portfolio.allocation.weights in --config\n');
    return 2;
  }
  const runs: AllocationRun[] = [];
  for (const mode of modes) {
    const config = { ...input.config, portfolio: { ...portfolio, allocation: { ...portfolio.allocation, mode } } };
    const progress = createProgress({ total: 1000, label: `backtest (${mode})` });
    const span = Math.max(1, input.to - input.from);
    const onProgress = (time: number): void => progress.update(Math.round((1000 * (time - input.from)) / span));
    let run;
    try {
      run = args.engine === 'actors' ? await runActorEngine({ ...input, config }, { onProgress }) : runFastEngine({ ...input, config }, { onProgress });
    } finally {
      progress.stop();
    }
    runs.push({ mode, run, results: summarize(run) });
  }
  process.stdout.write(formatAllocationRuns(runs));
  if (args.json) {
    const output = { schema: 'bybot.allocation.v1', runs: runs.map((r) => ({ mode: r.mode, results: r.results })) };
    process.stderr.write(`written: ${writeFileAtomic(args.json, `${JSON.stringify(output, null, 2)}\n`, '--json').path}\n`);
  }
  return 0;
}

/** `--compare A B` (src/research/compareRun.ts): both runs, the paired comparison, the verdict. */
async function compare(args: BacktestArgs, config: AppConfig): Promise<number> {
  let run;
  try {
    run = await runCompare(args, config, async (dir) => openHistoryStore(dir));
  } catch (error) {
    if (!(error instanceof ResearchInputError)) throw error;
    for (const p of error.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  for (const line of run.skipped) process.stderr.write(`skipped: ${line}\n`);
  process.stdout.write(formatCompareRun(run));
  const output: CompareOutput = { schema: 'bybot.compare.v1', labels: run.labels, comparison: run.comparison, a: run.a, b: run.b };
  if (args.json) process.stderr.write(`written: ${writeFileAtomic(args.json, `${JSON.stringify(output, null, 2)}\n`, '--json').path}\n`);
  if (args.report) process.stderr.write(`written: ${writeFileAtomic(args.report, renderCompareReport(run), '--report').path}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backtest failed${error instanceof OutputFileError ? ` (${error.code})` : ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
