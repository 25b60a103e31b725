import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { runActorEngine } from './actorEngine.ts';
import { parseBacktestArgs, USAGE } from './cliArgs.ts';
import { runFastEngine } from './fast/fastEngine.ts';
import { openStore } from './openStore.ts';
import { planBacktest } from './runPlan.ts';
import { runHeadline, runToJson } from './runJson.ts';

/**
 * `npm run backtest`: see USAGE (src/backtest/cliArgs.ts) and the README's "Backtesting".
 * Exit codes: 0 done, 2 bad arguments or configuration (one line per problem), 1 the run
 * failed (e.g. no stored candles for a series).
 */
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
  if (args.report) {
    process.stderr.write('--report: the HTML report is not part of this build yet\n');
    return 2;
  }
  const loaded = loadConfig({ env: process.env, configPath: args.configPath, overrides: { log: { level: 'warn', pretty: 'never' } } });
  if (!loaded.ok) {
    process.stderr.write(`configuration invalid (${loaded.problems.length} problem(s)):\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`);
    return 2;
  }
  const plan = await planBacktest(args, loaded.config, openStore);
  for (const line of plan.skipped) process.stderr.write(`skipped: ${line}\n`);
  const run = args.engine === 'actors' ? await runActorEngine(plan.input) : runFastEngine(plan.input);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(runToJson(run), null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ ...runHeadline(run, plan.skipped), ...(args.json ? { written: args.json } : {}) })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
