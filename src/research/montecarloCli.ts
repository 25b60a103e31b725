import { toolFailure } from '../cli/toolExit.ts';
import { loadConfig } from '../../config/load.ts';
import { writeFileAtomic } from '../backtest/outputFile.ts';
import { ResearchInputError } from '../domain/errors.ts';
import { syntheticMonteCarlo } from './mcSynthetic.ts';
import { monteCarlo, tradeReturns } from './montecarlo.ts';
import { MONTECARLO_USAGE, parseMontecarloArgs, type MontecarloArgs } from './montecarloArgs.ts';
import { dailyReturns, readMcRecord } from './montecarloInput.ts';
import { formatMontecarlo, renderMontecarloReport, type MontecarloOutput } from './montecarloReport.ts';

/**
 * `npm run montecarlo`: see MONTECARLO_USAGE and the README's "Research". The table goes to
 * stdout, the written files to stderr. Exit 0 done, 1 failed, 2 bad arguments, results
 * file or configuration.
 */
async function run(args: MontecarloArgs): Promise<MontecarloOutput> {
  if (args.results !== undefined) {
    const record = readMcRecord(args.results);
    const returns = args.method === 'blocks' ? dailyReturns(record) : tradeReturns(record.trades, record.startEquity);
    const result = monteCarlo(returns, record.startEquity, { method: args.method, runs: args.runs, seed: args.seed, block: args.block, floorPct: args.floorPct });
    return {
      schema: 'bybot.montecarlo.v1',
      kind: 'results',
      source: { file: args.results, from: record.from, to: record.to, presets: record.presets.map((p) => p.id), trades: record.trades.length, days: record.dailyEquity.length },
      result,
    };
  }
  const loaded = loadConfig({ env: process.env, configPath: args.configPath, overrides: { log: { level: 'warn', pretty: 'never' } } });
  if (!loaded.ok) throw new ResearchInputError([`configuration invalid (${loaded.problems.length} problem(s)):`, ...loaded.problems.map((p) => `  ${p}`)]);
  const config = loaded.config;
  const result = await syntheticMonteCarlo(
    config,
    { markets: args.synthetic!, firstSeed: args.marketSeed, hours: args.hours, data: args.data, floorPct: args.floorPct },
    (i) => {
      if (process.stderr.isTTY) process.stderr.write(`\rmarket ${i}/${args.synthetic}`);
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { schema: 'bybot.montecarlo.v1', kind: 'synthetic', presets: config.strategies.filter((p) => p.enabled).map((p) => p.id), result };
}

async function main(): Promise<number> {
  const parsed = parseMontecarloArgs(process.argv.slice(2));
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    process.stdout.write(`${MONTECARLO_USAGE}\n`);
    return 0;
  }
  const output = await run(args);
  process.stdout.write(formatMontecarlo(output));
  if (args.json) process.stderr.write(`written: ${writeFileAtomic(args.json, `${JSON.stringify(output, null, 2)}\n`, '--json').path}\n`);
  if (args.report) process.stderr.write(`written: ${writeFileAtomic(args.report, renderMontecarloReport(output), '--report').path}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(toolFailure('montecarlo', error)),
);
