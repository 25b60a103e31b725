import { parseArgs } from '../../src/cli/args.ts';
import { actorIds, loadConfig } from '../load.ts';

/**
 * `npm run config:check -- --config FILE`: validates the configuration exactly as
 * `npm start` would (file + environment), prints one line per problem and exits 2 when
 * invalid. It never prints credential values.
 */
const USAGE = 'Usage: npm run config:check -- [--config FILE]';
const HELP = `${USAGE}

Validates the configuration exactly as \`npm start\` would: the file (--config FILE, or the
defaults without one) and the environment (BYBIT_API_KEY, BYBIT_API_SECRET, DRY_RUN, BYBOT_*).
Prints "configuration OK" with the actors it would run, or one line per problem.
Credential values are never printed.

Options:
  --config FILE   YAML or JSON configuration file
  --help, -h      this text

Exit codes: 0 valid, 2 invalid configuration or bad arguments.`;

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
if (parsed.args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const result = loadConfig({ env: process.env, configPath: parsed.args.configPath });
if (!result.ok) {
  process.stderr.write(`configuration invalid (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):\n`);
  for (const problem of result.problems) process.stderr.write(`  ${problem}\n`);
  process.exit(2);
}
const { config } = result;
const actors = actorIds(config);
process.stdout.write(
  `configuration OK (${result.sources.join(' < ')}): mode ${config.mode}, ` +
    `${config.strategies.length} preset(s), ${actors.length} actor(s): ${actors.join(', ')}\n`,
);
