import { toolFailure } from '../cli/toolExit.ts';
import { loadToolConfig } from '../cli/toolConfig.ts';
import { createProgress } from '../backtest/progress.ts';
import { writeFileAtomic } from '../backtest/outputFile.ts';
import { openHistoryStore, resolveHistoryDir } from '../history/index.ts';
import { researchContext } from './context.ts';
import { optimize } from './optimize.ts';
import { OPTIMIZE_USAGE, parseOptimizeArgs } from './optimizeArgs.ts';
import { renderOptimizeReport } from './optimizeReport.ts';
import { formatOptimize } from './optimizeSummary.ts';
import { createRunner } from './pool.ts';
import { writePresetFile } from './presetFile.ts';
import { applyCandidate, resolveSpace, spaceFor } from './space.ts';
import { definitionOf } from './trial.ts';
import { openTrialLog } from './trialLog.ts';

/**
 * `npm run optimize`: see OPTIMIZE_USAGE and the README's "Research". The result goes to
 * stdout, the progress bar (terminals only), warnings of skipped presets and the written
 * files to stderr. Exit 0 done, 1 failed, 2 bad arguments, configuration or search space.
 */
async function main(): Promise<number> {
  const parsed = parseOptimizeArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${OPTIMIZE_USAGE}\n`);
    return 0;
  }
  const config = loadToolConfig(args.configPath);
  if (!config) return 2;
  const historyDir = resolveHistoryDir({ historyDir: args.historyDir, config });
  const { ctx, space: rawSpace } = researchContext(config, args, (preset) => spaceFor(definitionOf({ preset }), args.spaceFile), () => openHistoryStore(historyDir));
  const def = definitionOf(ctx);
  const base = ctx.preset.params as Record<string, unknown>;
  const space = resolveSpace(rawSpace, def, base);
  // Opened before the search, so a path that cannot be written fails before hours of trials.
  const trialLog = args.trialsOut ? openTrialLog(args.trialsOut) : null;
  const runner = createRunner(ctx, args.workers);
  const progress = createProgress({ total: args.method === 'grid' ? space.gridSize : args.trials, label: `optimize ${ctx.preset.id}`, unit: 'trials' });
  let report;
  try {
    report = await optimize(
      ctx,
      space,
      base,
      runner,
      { from: args.from, to: args.to },
      {
        method: args.method,
        trials: args.trials,
        seed: args.seed,
        objective: { name: args.objective, minTrades: args.minTrades },
        walkForward: args.walkForward,
        holdoutPct: args.holdoutPct,
        top: args.top,
        sensitivity: args.sensitivity,
      },
      { onProgress: (done) => progress.update(done), ...(trialLog ? { onTrial: (line) => trialLog.write(line) } : {}) },
    );
  } finally {
    progress.stop();
    trialLog?.close();
    await runner.close();
  }
  let presetFile: string | null = null;
  if (report.bestParams) {
    const params = applyCandidate(base, space, space.dimensions.map((d) => report.bestParams![d.key]!));
    const file = args.outPreset ?? `optimize-${ctx.preset.id}-best.yaml`;
    presetFile = writePresetFile(file, {
      preset: ctx.preset,
      params: def.paramsSchema.parse(params) as Record<string, unknown>,
      ...(args.configPath ? { sourceConfig: args.configPath } : {}),
      header: [
        `Written by npm run optimize: preset ${ctx.preset.id} (${ctx.preset.type}) on ${ctx.preset.symbols.join(', ')}, ${report.period.from} -> ${report.period.to}`,
        `method ${report.method}, ${report.trialsRun} trials, objective ${report.objective.name} (min ${report.objective.minTrades} trades), seed ${report.seed}${args.walkForward ? `, walk-forward (last window's choice)` : ''}`,
        `chosen: ${Object.entries(report.bestParams).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
      ],
    }).path;
  }
  const final = { ...report, presetFile, trialsFile: trialLog?.path ?? null };
  process.stdout.write(formatOptimize(final));
  if (presetFile) process.stderr.write(`written: ${presetFile} (check it with npm run config:check -- --config ${presetFile})\n`);
  if (trialLog) process.stderr.write(`written: ${trialLog.path} (${trialLog.lines} trials, one JSON line each)\n`);
  if (args.json) process.stderr.write(`written: ${writeFileAtomic(args.json, `${JSON.stringify(final, null, 2)}\n`, '--json').path}\n`);
  if (args.report) process.stderr.write(`written: ${writeFileAtomic(args.report, renderOptimizeReport(final), '--report').path}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(toolFailure('optimize', error)),
);
