import { parseArgs } from '../../src/cli/args.ts';
import { actorIds, loadConfig } from '../load.ts';

/**
 * `npm run config:check -- --config FILE`: validates the configuration exactly as
 * `npm start` would (file + environment), prints one line per problem and exits 2 when
 * invalid. It never prints credential values.
 */
const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  for (const problem of parsed.problems) process.stderr.write(`${problem}\n`);
  process.exit(2);
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
